//! Training throughput rows: images per second of the seed ConvNet (and the small ResNet),
//! the U-Net, the detector and a MobileNetV2 fine-tuning step, each on a fixed batch, on its
//! own compute pool as the app's jobs run ([`crate::core::compute`]), each against its
//! PyTorch peer under the busy-machine rule ([`crate::bench::busy`]).

use std::time::Instant;

use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::{Distribution, TensorData};

use crate::bench::BenchOptions;
use crate::bench::busy::measure_with_peer;
use crate::bench::reference::peer_best_throughput;
use crate::bench::table::{Goal, Row, Table};
use crate::core::compute::run_on_pool;
use crate::core::protocol::{ModelKind, OptimizerKind};
use crate::models::{Classifier, InputShape};
use crate::tasks::segment::model::UNet;
use crate::tasks::segment::{PRESENCE_WEIGHT, masked_cross_entropy, presence_loss};
use crate::train::schedule;

/// The ConvNet row (vs the PyTorch reference) and, with `--resnet`, the ResNet's.
pub fn convnet_rows(
    options: &BenchOptions,
    device: &Device,
    table: &mut Table,
) -> anyhow::Result<()> {
    let convnet = measure_with_peer(
        table.repeats(),
        || {
            run_on_pool("bench", || {
                train_throughput(ModelKind::ConvNet, options.steps, options.batch, device)
            })
        },
        || {
            peer_best_throughput(
                options,
                &options.reference_script,
                &[options.steps.to_string()],
                "pytorch convnet train",
            )
        },
    )?;
    table.push(
        Row::new(
            format!("ConvNet training (batch {}, 3×32×32, SGD)", options.batch),
            "img/s",
            convnet.ours,
            Goal::AtLeastPeer,
        )
        .against(convnet.peer)
        .noting(convnet.note),
    );
    if options.resnet {
        let resnet = train_throughput(
            ModelKind::ResNet,
            options.steps / 4 + 1,
            options.batch,
            device,
        )?;
        table.push(Row::new(
            format!("ResNet training (batch {})", options.batch),
            "img/s",
            resnet,
            Goal::Info,
        ));
    }
    Ok(())
}

/// The U-Net row, vs its layer-for-layer PyTorch mirror.
pub fn unet_rows(options: &BenchOptions, device: &Device, table: &mut Table) -> anyhow::Result<()> {
    let steps = (options.steps / 4).max(5);
    let unet = measure_with_peer(
        table.repeats(),
        || run_on_pool("bench", || unet_throughput(&UNET, steps, device)),
        || {
            peer_best_throughput(
                options,
                &options.unet_reference_script,
                &[
                    steps.to_string(),
                    UNET.width.to_string(),
                    UNET.side.to_string(),
                    UNET.batch.to_string(),
                ],
                "pytorch unet train",
            )
        },
    )?;
    table.push(
        Row::new(
            format!(
                "U-Net training (batch {}, 3×{s}×{s}, width {}, Adam)",
                UNET.batch,
                UNET.width,
                s = UNET.side
            ),
            "img/s",
            unet.ours,
            Goal::AtLeastPeer,
        )
        .against(unet.peer)
        .noting(unet.note),
    );
    Ok(())
}

/// Images per detector training step, ours and the peer's (`detector_train_ref.py`'s third
/// argument).
pub const DETECTOR_BATCH: usize = 16;

/// The detector row, vs its layer-for-layer PyTorch mirror: 64×64 shapes scenes, batch
/// [`DETECTOR_BATCH`], width 16, Adam.
pub fn detector_rows(
    options: &BenchOptions,
    device: &Device,
    table: &mut Table,
) -> anyhow::Result<()> {
    let steps = (options.steps / 8).max(5);
    let detector = measure_with_peer(
        table.repeats(),
        || {
            let rate = run_on_pool("bench", || {
                crate::tasks::detect::train::detector_train_images_per_second(
                    steps,
                    DETECTOR_BATCH,
                    device,
                )
            });
            Ok(rate)
        },
        || {
            peer_best_throughput(
                options,
                &options.detector_reference_script,
                &[steps.to_string(), DETECTOR_BATCH.to_string()],
                "pytorch detector train",
            )
        },
    )?;
    table.push(
        Row::new(
            format!("detector training (batch {DETECTOR_BATCH}, 3×64×64 scenes, width 16, Adam)"),
            "img/s",
            detector.ours,
            Goal::Info,
        )
        .against(detector.peer)
        .noting(detector.note),
    );
    Ok(())
}

/// The MobileNetV2 fine-tuning benchmark's shape: batch 32 of 3×96×96 images on 0..1,
/// 10 classes.
pub struct MobilenetShape {
    /// Images per step.
    pub batch: usize,
    /// Input side.
    pub side: usize,
    /// Classes of the fresh head.
    pub classes: usize,
}

/// The default MobileNetV2 fine-tuning benchmark (the peer's defaults too).
pub const MOBILENET: MobilenetShape = MobilenetShape {
    batch: 32,
    side: 96,
    classes: 10,
};

/// The MobileNetV2 fine-tuning row, vs `mobilenet_finetune_ref.py` with the same settings;
/// target ≥ 0.8× the peer (issue 16).
pub fn mobilenet_rows(
    options: &BenchOptions,
    device: &Device,
    table: &mut Table,
) -> anyhow::Result<()> {
    let steps = (options.steps / 40).max(3);
    let mobilenet = measure_with_peer(
        table.repeats(),
        || {
            run_on_pool("bench", || {
                mobilenet_finetune_images_per_second(&MOBILENET, steps, device)
            })
        },
        || {
            peer_best_throughput(
                options,
                &options.mobilenet_reference_script,
                &[
                    steps.to_string(),
                    MOBILENET.batch.to_string(),
                    MOBILENET.side.to_string(),
                ],
                "pytorch mobilenet_v2 finetune",
            )
        },
    )?;
    table.push(
        Row::new(
            format!(
                "MobileNetV2 fine-tune step at {s}² (pretrained, whole network, batch {}, Adam)",
                MOBILENET.batch,
                s = MOBILENET.side
            ),
            "img/s",
            mobilenet.ours,
            Goal::AtLeastOfPeer(0.8),
        )
        .against(mobilenet.peer)
        .noting(mobilenet.note),
    );
    Ok(())
}

/// Images per second of whole-network fine-tuning steps of the pretrained MobileNetV2 (the
/// bundled ImageNet weights, a fresh head of `shape.classes` outputs, every layer training,
/// batch norm on batch statistics; Adam at 1e-4, cross-entropy) on a fixed batch of
/// synthetic images on 0..1 (the network normalises them itself). One warm-up step is not
/// timed.
pub fn mobilenet_finetune_images_per_second(
    shape: &MobilenetShape,
    steps: usize,
    device: &Device,
) -> anyhow::Result<f64> {
    let MobilenetShape {
        batch,
        side,
        classes,
    } = *shape;
    let ad = device.clone().autodiff();
    let input = InputShape {
        channels: 3,
        height: side,
        width: side,
    };
    // Not frozen: the whole network trains.
    let mut model = Classifier::pretrained(ModelKind::MobileNetV2, input, classes, &ad)?.unfreeze();
    let mut optim = schedule::optimizer(OptimizerKind::Adam);
    let loss_fn = CrossEntropyLossConfig::new().init(&ad);
    let x = Tensor::<4>::random([batch, 3, side, side], Distribution::Uniform(0.0, 1.0), &ad);
    let labels: Vec<i64> = (0..batch).map(|i| (i % classes) as i64).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [batch]), &ad);
    let mut step = |model: Classifier| {
        // [batch, classes] logits against [batch] labels; the loss read as the peer does.
        let loss = loss_fn.forward(model.forward(x.clone()), y.clone());
        let _: f32 = loss.clone().into_scalar();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        optim.step(1e-4, model, grads)
    };
    model = step(model);
    ad.sync()
        .map_err(|e| anyhow::anyhow!("the device failed: {e:?}"))?;
    let started = Instant::now();
    for _ in 0..steps.max(1) {
        model = step(model);
    }
    ad.sync()
        .map_err(|e| anyhow::anyhow!("the device failed: {e:?}"))?;
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    drop(model);
    Ok((steps.max(1) * batch) as f64 / seconds)
}

/// Images per second of SGD+momentum training steps of `kind` on a fixed 3×32×32 batch.
pub fn train_throughput(
    kind: ModelKind,
    steps: usize,
    batch: usize,
    device: &Device,
) -> anyhow::Result<f64> {
    train_throughput_reading(kind, steps, batch, device, 1)
}

/// [`train_throughput`] reading the loss back every `read_every` steps only (the others are
/// never waited for): how much of a step is the wait for its loss.
pub fn train_throughput_reading(
    kind: ModelKind,
    steps: usize,
    batch: usize,
    device: &Device,
    read_every: usize,
) -> anyhow::Result<f64> {
    let ad = device.clone().autodiff();
    let input = InputShape {
        channels: 3,
        height: 32,
        width: 32,
    };
    let mut model = Classifier::new(kind, input, 10, &ad)?;
    let mut optim = schedule::optimizer(OptimizerKind::Sgd);
    let loss_fn = CrossEntropyLossConfig::new().init(&ad);
    let x = Tensor::<4>::random([batch, 3, 32, 32], Distribution::Normal(0.0, 1.0), &ad);
    let labels: Vec<i64> = (0..batch as i64).map(|i| i % 10).collect();
    let y = Tensor::<1, Int>::from_data(TensorData::new(labels, [batch]), &ad);
    let warmup = 10;
    let mut started = Instant::now();
    for i in 0..steps + warmup {
        if i == warmup {
            ad.sync()
                .map_err(|e| anyhow::anyhow!("the device failed: {e:?}"))?;
            started = Instant::now();
        }
        // [batch, 10] logits against [batch] labels.
        let loss = loss_fn.forward(model.forward(x.clone()), y.clone());
        // Read the loss each step, as the reference does (and as training does).
        if i % read_every.max(1) == 0 {
            let _: f32 = loss.clone().into_scalar();
        }
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(0.01, model, grads);
    }
    // Every step's work done, read or not.
    ad.sync()
        .map_err(|e| anyhow::anyhow!("the device failed: {e:?}"))?;
    Ok((steps * batch) as f64 / started.elapsed().as_secs_f64())
}

/// The U-Net benchmark's shape: the Segment tab's defaults (shapes at 32², 6 classes,
/// width 8, batch 16, Adam).
pub struct UnetShape {
    /// Images per step.
    pub batch: usize,
    /// Input side.
    pub side: usize,
    /// First-stage channels.
    pub width: usize,
    /// Classes, background included.
    pub classes: usize,
}

/// The default U-Net benchmark.
pub const UNET: UnetShape = UnetShape {
    batch: 16,
    side: 32,
    width: 8,
    classes: 6,
};

/// Images per second of Adam training steps of the U-Net on a fixed batch, with the
/// segmentation job's loss (masked per-pixel cross-entropy + presence loss).
fn unet_throughput(shape: &UnetShape, steps: usize, device: &Device) -> anyhow::Result<f64> {
    let ad = device.clone().autodiff();
    let UnetShape {
        batch,
        side,
        width,
        classes,
    } = *shape;
    let input = InputShape {
        channels: 3,
        height: side,
        width: side,
    };
    let mut model = UNet::new(input, classes, width, &ad)?;
    let mut optim = schedule::optimizer(OptimizerKind::Adam);
    let x = Tensor::<4>::random([batch, 3, side, side], Distribution::Normal(0.0, 1.0), &ad);
    let targets: Vec<i64> = (0..batch * side * side)
        .map(|i| ((i * 7919) % classes) as i64)
        .collect();
    let y = Tensor::<3, Int>::from_data(TensorData::new(targets, [batch, side, side]), &ad);
    // Every class occurs in every image of this target.
    let present = Tensor::<2>::ones([batch, classes], &ad);
    let warmup = 5;
    let mut started = Instant::now();
    for i in 0..steps + warmup {
        if i == warmup {
            started = Instant::now();
        }
        // [batch, classes, side, side] logits, [batch, classes] presence logits.
        let (logits, presence) = model.forward_with_presence(x.clone());
        let pixel = masked_cross_entropy(logits, y.clone());
        let _: f32 = pixel.clone().into_scalar();
        let loss = pixel + presence_loss(presence, present.clone()) * PRESENCE_WEIGHT;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(3e-3, model, grads);
    }
    Ok((steps * batch) as f64 / started.elapsed().as_secs_f64())
}
