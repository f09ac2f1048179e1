//! Before/after measurements: each compressed model is written to disk (a checkpoint
//! without optimizer state), loaded back, and measured — size of the file, accuracy on the
//! validation split and forward latency — next to the float model written the same way.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, bail};
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::*;

use crate::compress::prune::{Masks, prune};
use crate::compress::quantize::quantize_int8;
use crate::compress::sparsity_fraction;
use crate::core::device::Selected;
use crate::core::job::{self, JobHandle, Outbox, Waker};
use crate::core::protocol::{
    CompressConfig, CompressSetting, CompressionRow, Event, FinishReason, LabEvent, Task,
    TrainConfig,
};
use crate::core::{control, device};
use crate::data::augment::Policy;
use crate::data::batch::{Batch, Loader, Normalization, make_batch};
use crate::data::{ClassificationSet, LabeledImage};
use crate::models::{Classifier, InputShape};
use crate::tasks::classify::train as classify_train;
use crate::tasks::classify::{self, Trained};
use crate::train::checkpoint;
use crate::train::control::Control;
use crate::train::run::Run;
use crate::train::schedule::Schedule;
use crate::train::task::{RunContext, StepLoss, TrainTask, Validation};

/// Images in the batch whose forward pass is timed.
pub const LATENCY_BATCH: usize = 64;

/// Timed forward passes (after one warm-up); the median is reported.
pub const LATENCY_RUNS: usize = 7;

/// Milliseconds per image of a forward pass over a batch of up to [`LATENCY_BATCH`] of
/// `items` (median of [`LATENCY_RUNS`] runs; reading the logits back waits for the device).
pub fn latency_ms(
    model: &Classifier,
    items: &[LabeledImage],
    norm: &Normalization,
    device: &Device,
) -> anyhow::Result<f32> {
    let n = items.len().min(LATENCY_BATCH);
    if n == 0 {
        bail!("no images to time the model on");
    }
    let indices: Vec<usize> = (0..n).collect();
    let batch = make_batch(items, &indices, norm, None);
    let model = model.valid();
    let mut times = Vec::with_capacity(LATENCY_RUNS);
    for run in 0..=LATENCY_RUNS {
        let x = Tensor::<4>::from_data(
            burn::tensor::TensorData::new(batch.images.clone(), batch.shape),
            device,
        );
        let started = Instant::now();
        let logits = model.forward(x);
        logits
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| anyhow::anyhow!("reading logits: {e:?}"))?;
        if run > 0 {
            times.push(started.elapsed().as_secs_f32() * 1000.0 / n as f32);
        }
    }
    times.sort_by(f32::total_cmp);
    Ok(times[times.len() / 2])
}

/// Loads the checkpoint at `path` back and measures it on `val`.
pub fn measure_file(
    setting: &str,
    path: &Path,
    val: &Arc<Vec<LabeledImage>>,
    selected: &Selected,
) -> anyhow::Result<CompressionRow> {
    let size_bytes = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let trained = Trained::load(path, selected)?;
    let meta = &trained.checkpoint.meta;
    let (running, _) = classify_train::evaluate(
        &trained.model,
        val,
        &meta.normalization,
        meta.classes.len(),
        128,
        &trained.device,
    )?;
    Ok(CompressionRow {
        setting: setting.to_string(),
        path: path.to_path_buf(),
        size_bytes,
        accuracy: running.accuracy(),
        latency_ms: latency_ms(&trained.model, val, &meta.normalization, &trained.device)?,
        sparsity: sparsity_fraction(&trained.model),
        images: val.len(),
    })
}

/// Writes `model` as a checkpoint with `trained`'s metadata and no optimizer state.
fn save(path: &Path, trained: &Trained, model: &Classifier) -> anyhow::Result<()> {
    checkpoint::save(path, &trained.checkpoint.meta, model, None)?;
    Ok(())
}

/// The float model measured like the compressed ones: written without optimizer state (to
/// a temporary file that is removed afterwards), loaded back and measured.
pub fn baseline(
    trained: &Trained,
    val: &Arc<Vec<LabeledImage>>,
    selected: &Selected,
) -> anyhow::Result<CompressionRow> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = std::env::temp_dir().join(format!(
        "visionlab-float-{}-{nanos}.vlck",
        std::process::id()
    ));
    let result = save(&tmp, trained, &trained.model.valid())
        .and_then(|()| measure_file("float", &tmp, val, selected));
    let _ = std::fs::remove_file(&tmp);
    let mut row = result?;
    row.path = trained.checkpoint.path.clone();
    Ok(row)
}

/// The fine-tune of a pruned classifier as a task of the one training run: the training
/// images of the checkpoint's run, its augmentation, a constant fifth of its learning rate,
/// and the pruning masks re-applied after every step. It reports nothing itself (the
/// compression job measures the result) and does not validate.
struct PruneFinetune {
    masks: Masks,
    train: Arc<Vec<LabeledImage>>,
    classes: Vec<String>,
    input: InputShape,
}

impl TrainTask for PruneFinetune {
    type Model = Classifier;
    type Batch = Batch;
    type Tally = ();
    const TASK: Task = Task::Classify;

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn input(&self) -> InputShape {
        self.input
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn batches(&self, seed: u64, cx: &RunContext<'_>) -> Box<dyn Iterator<Item = Batch>> {
        Box::new(Loader::new(
            self.train.clone(),
            cx.config.batch_size,
            cx.norm.clone(),
            true,
            Policy {
                shift: cx.config.augment,
                flip: cx.config.flip,
            },
            // Seeds of their own, apart from the run's epochs: seed + 1000 + (epoch - 1).
            seed.wrapping_add(999),
        ))
    }

    fn step(
        &self,
        model: &Classifier,
        batch: Batch,
        _tally: &mut (),
        cx: &RunContext<'_>,
    ) -> anyhow::Result<StepLoss> {
        let images = batch.len();
        let (x, y) = classify_train::batch_tensors(batch, cx.autodiff);
        let loss = CrossEntropyLossConfig::new()
            .init(cx.autodiff)
            .forward(model.forward(x), y); // [1]
        Ok(StepLoss {
            value: loss.clone().into_scalar(),
            tensor: loss,
            images,
        })
    }

    fn train_accuracy(_tally: &()) -> f32 {
        0.0
    }

    fn validate(&self, _: &Classifier, _: usize, _: &RunContext<'_>) -> anyhow::Result<Validation> {
        Ok(Validation {
            loss: 0.0,
            accuracy: 0.0,
            events: Vec::new(),
        })
    }

    /// The pruned network only needs to settle: a constant rate, a fifth of the run's.
    fn schedule(&self) -> Schedule {
        Schedule::Constant
    }

    fn lr_factor(&self, _config: &TrainConfig, _epoch: usize) -> f64 {
        0.2
    }

    fn after_step(&self, model: Classifier) -> Classifier {
        self.masks.apply(model)
    }
}

/// Fine-tunes a pruned model (on the autodiff device) for `epochs` epochs on `train`,
/// re-applying the masks after every step. `keep_going(step)` is asked before each step;
/// `None` when it said stop.
fn finetune(
    model: Classifier,
    masks: Masks,
    trained: &Trained,
    train: &Arc<Vec<LabeledImage>>,
    epochs: usize,
    keep_going: &mut dyn FnMut(u64) -> bool,
) -> anyhow::Result<Option<Classifier>> {
    let meta = &trained.checkpoint.meta;
    let config = TrainConfig {
        epochs,
        batch_size: meta.config.batch_size.max(1),
        resume_from: None,
        ..meta.config.clone()
    };
    let task = PruneFinetune {
        masks,
        train: train.clone(),
        classes: meta.classes.clone(),
        input: meta.input,
    };
    let mut run = Run::new(
        task,
        config,
        trained.device.clone(),
        model,
        meta.normalization.clone(),
    );
    // The run's own events (steps, epochs) are not the compression job's: they go nowhere.
    let (quiet, _) = mpsc::channel();
    let quiet = Outbox::new(quiet, job::no_waker());
    let reason = run.train_until_done(&quiet, |run, _| {
        if keep_going(run.progress().step) {
            Control::Continue
        } else {
            Control::Stop
        }
    })?;
    Ok(match reason {
        FinishReason::Completed => Some(run.into_model().valid()),
        FinishReason::Stopped => None,
    })
}

/// Applies one setting to `trained`'s float model; `None` when stopped during fine-tuning.
pub fn compress(
    trained: &Trained,
    set_train: &Arc<Vec<LabeledImage>>,
    setting: CompressSetting,
    keep_going: &mut dyn FnMut(u64) -> bool,
) -> anyhow::Result<Option<Classifier>> {
    match setting {
        CompressSetting::Int8 { per_block } => {
            let (model, _) = quantize_int8(trained.model.valid(), per_block);
            Ok(Some(model))
        }
        CompressSetting::Prune {
            sparsity,
            finetune_epochs: 0,
        } => Ok(Some(prune(trained.model.valid(), sparsity)?.0)),
        CompressSetting::Prune {
            sparsity,
            finetune_epochs,
        } => {
            if set_train.is_empty() {
                bail!("fine-tuning needs training images, and the data has none");
            }
            // The same epoch bound as a training run's (`--finetune`).
            let most = crate::core::limits::MAX_EPOCHS;
            if finetune_epochs > most {
                bail!(
                    "--finetune {finetune_epochs} is out of range: the fine-tune epochs must be between 0 and {most}"
                );
            }
            let autodiff = trained.device.clone().autodiff();
            let model = trained.checkpoint.model(&autodiff)?;
            let (model, masks) = prune(model, sparsity)?;
            finetune(
                model,
                masks,
                trained,
                set_train,
                finetune_epochs,
                keep_going,
            )
        }
    }
}

/// Compresses with `setting`, writes the result to `out`, loads it back and measures it.
/// `None` when stopped.
pub fn compress_to_file(
    trained: &Trained,
    set: &Split,
    setting: CompressSetting,
    out: &Path,
    selected: &Selected,
    keep_going: &mut dyn FnMut(u64) -> bool,
) -> anyhow::Result<Option<CompressionRow>> {
    let (train, val) = set;
    let Some(model) = compress(trained, train, setting, keep_going)? else {
        return Ok(None);
    };
    save(out, trained, &model)?;
    measure_file(&setting.label(), out, val, selected).map(Some)
}

/// Training and validation images, shared with loader threads.
pub type Split = (Arc<Vec<LabeledImage>>, Arc<Vec<LabeledImage>>);

/// Training and validation images of a checkpoint's data, as the run split them (all
/// images count as validation when there is no split).
pub fn split(
    trained: &Trained,
    data: &crate::core::protocol::DataSpec,
    out: &Outbox,
) -> anyhow::Result<Split> {
    let ClassificationSet { train, val, .. } =
        classify::load_split_for(&trained.checkpoint.meta, data, out)?;
    let val = if val.is_empty() { train.clone() } else { val };
    Ok((Arc::new(train), Arc::new(val)))
}

/// File name for a setting's model: `<stem>-int8-tensor.vlck`, `<stem>-prune50-ft1.vlck`.
pub fn file_name(stem: &str, setting: CompressSetting) -> String {
    let tag = match setting {
        CompressSetting::Int8 { per_block: false } => "int8-tensor".to_string(),
        CompressSetting::Int8 { per_block: true } => "int8-block".to_string(),
        CompressSetting::Prune {
            sparsity,
            finetune_epochs,
        } => format!("prune{:.0}-ft{finetune_epochs}", (sparsity * 100.0).round()),
    };
    format!(
        "{stem}-{tag}.{}",
        crate::train::checkpoint::CHECKPOINT_EXTENSION
    )
}

/// Runs a compression config on its own thread: the float row, then one
/// [`LabEvent::Compression`] row per setting (with [`LabEvent::Progress`] in between);
/// pause, resume and stop apply between settings and fine-tuning steps.
pub fn spawn(config: CompressConfig, wake: Waker) -> JobHandle {
    job::spawn_job("compress", wake, move |inbox, out| {
        // The output folder is checked before the model is read and measured.
        crate::core::files::check_output_dir(&config.out_dir)?;
        let selected = device::select(config.device)?;
        out.send(Event::Device(selected.description.clone()));
        let trained = Trained::load(&config.model, &selected)?;
        out.send(Event::Log(format!("Reading {}…", config.data.describe())));
        let set = split(&trained, &config.data, out)?;
        let total = config.settings.len() + 1;
        out.send(Event::Lab(LabEvent::Progress { done: 0, total }));
        let row = baseline(&trained, &set.1, &selected)?;
        out.send(Event::Lab(LabEvent::Compression(row)));
        let stem = config
            .model
            .file_stem()
            .map_or_else(|| "model".into(), |s| s.to_string_lossy().into_owned());
        std::fs::create_dir_all(&config.out_dir)
            .with_context(|| format!("cannot create {}", config.out_dir.display()))?;
        for (i, &setting) in config.settings.iter().enumerate() {
            out.send(Event::Lab(LabEvent::Progress { done: i + 1, total }));
            let mut keep_going = |step| control::keep_going(inbox, out, step);
            if !keep_going(0) {
                out.send(Event::Finished(FinishReason::Stopped));
                return Ok(());
            }
            out.send(Event::Log(format!("Compressing: {}", setting.label())));
            let path: PathBuf = config.out_dir.join(file_name(&stem, setting));
            match compress_to_file(&trained, &set, setting, &path, &selected, &mut keep_going)? {
                Some(row) => out.send(Event::Lab(LabEvent::Compression(row))),
                None => {
                    out.send(Event::Finished(FinishReason::Stopped));
                    return Ok(());
                }
            }
        }
        out.send(Event::Lab(LabEvent::Progress { done: total, total }));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}
