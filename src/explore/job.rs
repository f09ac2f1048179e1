//! The explorer's job: lists the folder, loads the model, embeds every image in batches
//! (progress, pause and stop between batches) or reads the embeddings from the cache, then
//! finds the neighbours (stoppable too), the 2-D map, the likely label errors and the
//! duplicates, and sends them as one [`ExploreReport`].

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use anyhow::{Context, bail};
use image::DynamicImage;

use crate::core::control::keep_going;
use crate::core::device;
use crate::core::job::{JobHandle, Outbox, Waker, spawn_job};
use crate::core::protocol::{
    Command, DuplicatePair, EmbeddingSpace, Event, ExploreConfig, ExploreEvent, ExploreReport,
    ExploreSplit, ExploredImage, FinishReason, LabelIssue, Neighbour,
};
use crate::data::Skipped;
use crate::data::image_folder::{self, FolderFile};
use crate::explore::cache::{self, Embedded, EmbeddedFile};
use crate::explore::embed::Embedder;
use crate::explore::{dataset, duplicates, label_errors, neighbours, pca};
use crate::tasks::classify::imagenet::top_k;

/// Neighbours whose labels vote on an image's label (the ImageNet model, whose classes
/// are not the dataset's).
pub const VOTE_NEIGHBOURS: usize = 10;

/// Starts the explorer on its own thread; see the module's description.
pub fn spawn(config: ExploreConfig, wake: Waker) -> JobHandle {
    spawn_job("explore", wake, move |inbox, out| run(&config, inbox, out))
}

/// The split in words.
pub fn split_words(split: ExploreSplit) -> &'static str {
    match split {
        ExploreSplit::Val => "validation",
        ExploreSplit::Train => "training",
        ExploreSplit::All => "whole",
    }
}

/// The job's body (on the calling thread): sends progress, the report and
/// `Event::Finished`; a stop ends it with `FinishReason::Stopped` and no report.
pub fn run(config: &ExploreConfig, inbox: &Receiver<Command>, out: &Outbox) -> anyhow::Result<()> {
    let selected = device::select(config.device)?;
    out.send(Event::Device(selected.description.clone()));
    let (files, skipped) = image_folder::list_files(&config.data)?;
    if files.is_empty() {
        bail!(
            "{} holds no images in class sub-folders (expected DIR/<class>/<image> or DIR/train/<class>/<image>)",
            config.data.display()
        );
    }
    let embedder = Embedder::load(&config.model, config.imagenet_side, &selected)?;
    let (words, model_file) = embedder.identity();
    let key = cache::fingerprint(&words, model_file.as_deref(), &files);
    let cache_path = config
        .cache_dir
        .as_ref()
        .map(|dir| dir.join(cache::file_name(&config.model, &config.data)));
    let cached = cache_path
        .as_deref()
        .and_then(|path| read_cache(path, &key, out));
    let from_cache = cached.is_some();
    let embedded = match cached {
        Some(embedded) => embedded,
        None => {
            let Some(embedded) = embed_all(
                &embedder,
                &files,
                skipped,
                key,
                config.batch_size,
                inbox,
                out,
            )?
            else {
                out.send(Event::Finished(FinishReason::Stopped));
                return Ok(());
            };
            if let Some(path) = &cache_path {
                match cache::write(path, &embedded) {
                    Ok(()) => {
                        out.send(Event::Log(format!("embeddings kept in {}", path.display())))
                    }
                    Err(e) => out.send(Event::Log(format!("warning: {e}"))),
                }
            }
            embedded
        }
    };
    let stop = &mut |_: usize, _: usize| keep_going(inbox, out, embedded.files.len() as u64);
    let Some(mut report) = analyse(config, &embedder, &embedded, &selected.device, stop)? else {
        out.send(Event::Finished(FinishReason::Stopped));
        return Ok(());
    };
    report.from_cache = from_cache;
    out.send(Event::Explore(ExploreEvent::Report(Box::new(report))));
    out.send(Event::Finished(FinishReason::Completed));
    Ok(())
}

/// The cached embeddings when the cache holds this fingerprint's; a stale or damaged
/// cache is said (and then recomputed by the caller).
fn read_cache(path: &std::path::Path, key: &str, out: &Outbox) -> Option<Embedded> {
    match cache::read(path) {
        Ok(Some(embedded)) if embedded.key == key => {
            out.send(Event::Log(format!(
                "embeddings read from the cache {}",
                path.display()
            )));
            Some(embedded)
        }
        Ok(Some(_)) => {
            out.send(Event::Log(format!(
                "warning: the embedding cache {} is stale (the model or the images changed): recomputing",
                path.display()
            )));
            None
        }
        Ok(None) => None,
        Err(e) => {
            out.send(Event::Log(format!("warning: {e}: recomputing")));
            None
        }
    }
}

/// Embeds every file, a batch at a time; `None` when stopped.
fn embed_all(
    embedder: &Embedder,
    files: &[FolderFile],
    skipped: Vec<Skipped>,
    key: String,
    batch_size: usize,
    inbox: &Receiver<Command>,
    out: &Outbox,
) -> anyhow::Result<Option<Embedded>> {
    let total = files.len();
    let preparer = embedder.preparer();
    let prepare = move |decoded: &DynamicImage| preparer.prepare(decoded);
    let classes = embedder.classes().len();
    let keep_probabilities = embedder.knows_the_classes();
    let mut result = Embedded {
        key,
        dim: 0,
        prob_dim: if keep_probabilities { classes } else { 0 },
        files: Vec::with_capacity(total),
        skipped: skipped.into_iter().map(|s| (s.path, s.reason)).collect(),
        embeddings: Vec::new(),
        probabilities: Vec::new(),
    };
    out.send(Event::Explore(ExploreEvent::Progress { done: 0, total }));
    let mut done = 0;
    for chunk in files.chunks(batch_size.max(1)) {
        if !keep_going(inbox, out, done as u64) {
            return Ok(None);
        }
        let refs: Vec<&FolderFile> = chunk.iter().collect();
        let mut images = Vec::with_capacity(chunk.len());
        let mut kept = Vec::with_capacity(chunk.len());
        for (file, decoded) in chunk.iter().zip(dataset::decode_all(&refs, &prepare)) {
            match decoded {
                Ok(d) => {
                    images.push(d.image);
                    kept.push((file, d.hash));
                }
                Err(reason) => result.skipped.push((file.path.clone(), reason)),
            }
        }
        let batch = embedder
            .embed(&images)
            .with_context(|| format!("embedding the images of {}", chunk[0].path.display()))?;
        if !images.is_empty() {
            result.dim = batch.dim;
        }
        for (i, (file, hash)) in kept.into_iter().enumerate() {
            let p = batch
                .probabilities
                .get(i * classes..(i + 1) * classes)
                .unwrap_or(&[]);
            let predicted = top_k(p, 1).first().copied().unwrap_or(0);
            result.files.push(EmbeddedFile {
                path: file.path.clone(),
                class: file.class.clone(),
                held_out: file.held_out,
                hash,
                predicted,
                confidence: p.get(predicted).copied().unwrap_or(0.0),
            });
            if keep_probabilities {
                result.probabilities.extend_from_slice(p);
            }
        }
        result.embeddings.extend(batch.embeddings);
        done += chunk.len();
        out.send(Event::Explore(ExploreEvent::Progress { done, total }));
    }
    Ok(Some(result))
}

/// Labels, neighbours, map, label errors and duplicates of embedded images; `None` when
/// `keep_going` says stop.
pub fn analyse(
    config: &ExploreConfig,
    embedder: &Embedder,
    embedded: &Embedded,
    device: &burn::prelude::Device,
    keep_going: &mut dyn FnMut(usize, usize) -> bool,
) -> anyhow::Result<Option<ExploreReport>> {
    let n = embedded.files.len();
    if n == 0 {
        match embedded.skipped.first() {
            Some((path, reason)) => bail!(
                "none of the images in {} could be read; for example {}: {reason}",
                config.data.display(),
                path.display()
            ),
            None => bail!("{} holds no images", config.data.display()),
        }
    }
    let listed: Vec<(&str, Option<bool>)> = embedded
        .files
        .iter()
        .map(|f| (f.class.as_str(), f.held_out))
        .collect();
    let (val_fraction, seed) = embedder.split_rule();
    let labelled = dataset::label_and_split(&listed, val_fraction, seed);
    if embedder.knows_the_classes() && labelled.classes != embedder.classes() {
        bail!(
            "the model knows classes {:?}, but {} has {:?}",
            embedder.classes(),
            config.data.display(),
            labelled.classes
        );
    }
    let dim = embedded.dim;
    let mean = neighbours::mean(&embedded.embeddings, dim);
    let unit = neighbours::unit_rows(&neighbours::less(&embedded.embeddings, &mean), dim);
    let k = config.neighbours.max(VOTE_NEIGHBOURS);
    let Some(lists) = neighbours::nearest(&unit, dim, k, device, keep_going)? else {
        return Ok(None);
    };
    let projection = pca::project_2d(&embedded.embeddings, dim);

    let mut notes = Vec::new();
    let members: Vec<usize> = (0..n)
        .filter(|&i| match config.split {
            ExploreSplit::Val => labelled.held_out[i],
            ExploreSplit::Train => !labelled.held_out[i],
            ExploreSplit::All => true,
        })
        .collect();
    if members.is_empty() {
        notes.push(format!(
            "the {} split has no images: no label errors ranked",
            split_words(config.split)
        ));
    }
    let classes = labelled.classes.len();
    let (probabilities, out_of_sample) = if embedder.knows_the_classes() {
        let how = match config.split {
            ExploreSplit::Val => {
                "the checkpoint's softmax on the validation split, which it did not train on"
            }
            ExploreSplit::Train | ExploreSplit::All => {
                notes.push(
                    "training images are in-sample for the checkpoint (it saw their labels), so label errors it memorised rank low; k-fold cross-validation would mean training k models, which the explorer does not do: rank the validation split (--split val) for out-of-sample predictions"
                        .into(),
                );
                "the checkpoint's softmax (in-sample for training images)"
            }
        };
        (embedded.probabilities.clone(), how.to_string())
    } else {
        let voters: Vec<Vec<Neighbour>> = lists
            .iter()
            .map(|l| l.iter().take(VOTE_NEIGHBOURS).copied().collect())
            .collect();
        (
            label_errors::vote_probabilities(&voters, &labelled.labels, classes),
            format!(
                "a vote of the {VOTE_NEIGHBOURS} nearest neighbours' given labels (cosine similarity of the ImageNet MobileNetV2's features), the image's own label left out"
            ),
        )
    };
    let suspects = label_errors::rank(&probabilities, classes, &labelled.labels, &members);
    let hashes: Vec<u64> = embedded.files.iter().map(|f| f.hash).collect();
    let pairs = duplicates::find(
        &lists,
        &hashes,
        &unit,
        dim,
        &labelled.held_out,
        config.dup_threshold,
    );

    let name = |names: &[String], i: usize| names.get(i).cloned().unwrap_or_default();
    let path = |i: usize| embedded.files[i].path.clone();
    let images = embedded
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| ExploredImage {
            path: f.path.clone(),
            label: labelled.labels[i],
            held_out: labelled.held_out[i],
            predicted: name(embedder.classes(), f.predicted),
            confidence: f.confidence,
            map: projection.points.get(i).copied().unwrap_or([0.0; 2]),
            neighbours: lists[i].iter().take(config.neighbours).copied().collect(),
        })
        .collect();
    Ok(Some(ExploreReport {
        model: config.model.describe(),
        data: config.data.clone(),
        classes: labelled.classes.clone(),
        split: config.split,
        out_of_sample,
        embedding_dim: dim,
        from_cache: false,
        map_variance: projection.variance,
        images,
        label_errors: suspects
            .iter()
            .take(config.top)
            .map(|s| LabelIssue {
                index: s.index,
                path: path(s.index),
                given: name(&labelled.classes, s.given),
                predicted: name(&labelled.classes, s.predicted),
                score: s.margin,
                given_probability: s.given_probability,
            })
            .collect(),
        duplicates: pairs
            .iter()
            .map(|p| DuplicatePair {
                a: p.a,
                b: p.b,
                path_a: path(p.a),
                path_b: path(p.b),
                similarity: p.similarity,
                exact: p.exact,
                leak: p.leak,
            })
            .collect(),
        skipped: embedded
            .skipped
            .iter()
            .map(|(path, reason)| format!("{}: {reason}", path.display()))
            .collect(),
        notes,
        space: Some(Arc::new(EmbeddingSpace { dim, mean, unit })),
    }))
}
