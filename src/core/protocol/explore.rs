//! Types of the dataset explorer: a dataset seen through a model's penultimate layer (its
//! 2-D map, nearest neighbours, likely label errors and duplicates). The job takes
//! `Command::Stop` (and Pause / Resume) and ends with `Event::Finished` / `Event::Failed`
//! like every job.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{DeviceChoice, RgbaImage};

/// The model whose penultimate layer embeds the images.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EmbeddingModel {
    /// A classifier checkpoint (.vlck) from `visionlab train` or the window.
    Checkpoint(PathBuf),
    /// The bundled ImageNet MobileNetV2 (1000 classes; works before any training).
    ImageNet,
}

impl EmbeddingModel {
    /// The model in words: the checkpoint's path, or "imagenet".
    pub fn describe(&self) -> String {
        match self {
            EmbeddingModel::Checkpoint(path) => path.display().to_string(),
            EmbeddingModel::ImageNet => "imagenet".into(),
        }
    }
}

/// Which images are ranked for likely label errors (the map and the duplicates always
/// cover the whole dataset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ExploreSplit {
    /// The validation (or `test/`) split: out-of-sample for a checkpoint.
    #[default]
    Val,
    /// The training split.
    Train,
    /// Every image.
    All,
}

/// One explorer run: embed a dataset, then map, neighbours, label errors and duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExploreConfig {
    /// The model.
    pub model: EmbeddingModel,
    /// An ImageFolder (one sub-folder per class, or `train/` + `test/` each holding them).
    pub data: PathBuf,
    /// The images ranked for label errors.
    pub split: ExploreSplit,
    /// Most likely label errors listed.
    pub top: usize,
    /// Cosine similarity from which two images count as near-duplicates.
    pub dup_threshold: f32,
    /// Nearest neighbours kept per image.
    pub neighbours: usize,
    /// Images per forward pass.
    pub batch_size: usize,
    /// Side of the square crop the ImageNet model reads (`None`: 224, as it was trained;
    /// 32..=224, smaller is faster on a CPU). A checkpoint reads its own input size.
    pub imagenet_side: Option<u32>,
    /// Folder of the embedding cache; `None` computes every time and keeps nothing.
    pub cache_dir: Option<PathBuf>,
    /// Where tensors run.
    pub device: DeviceChoice,
}

impl ExploreConfig {
    /// The defaults for `model` over `data`: the validation split, the 50 likeliest label
    /// errors, near-duplicates from cosine 0.98, 5 neighbours, batches of 64, no cache.
    pub fn new(model: EmbeddingModel, data: PathBuf) -> Self {
        ExploreConfig {
            model,
            data,
            split: ExploreSplit::Val,
            top: 50,
            dup_threshold: 0.98,
            neighbours: 5,
            batch_size: 64,
            imagenet_side: None,
            cache_dir: None,
            device: DeviceChoice::Auto,
        }
    }
}

/// One image and its nearest neighbour.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Neighbour {
    /// Index into [`ExploreReport::images`].
    pub index: usize,
    /// Cosine similarity of the two embeddings (each less the dataset's mean embedding),
    /// -1..=1.
    pub similarity: f32,
}

/// One image of the dataset as the model sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExploredImage {
    /// The file.
    pub path: PathBuf,
    /// Its given class: an index into [`ExploreReport::classes`].
    pub label: usize,
    /// In the validation (or `test/`) split.
    pub held_out: bool,
    /// The model's top-1 class (for the ImageNet model one of its 1000 classes).
    pub predicted: String,
    /// The model's softmax probability of that class.
    pub confidence: f32,
    /// Position on the 2-D map (the first two principal components).
    pub map: [f32; 2],
    /// Nearest neighbours (cosine), most similar first, itself left out.
    pub neighbours: Vec<Neighbour>,
}

/// An image whose given label the model disagrees with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelIssue {
    /// Index into [`ExploreReport::images`].
    pub index: usize,
    /// The file.
    pub path: PathBuf,
    /// The given label's class.
    pub given: String,
    /// The class the out-of-sample probabilities favour.
    pub predicted: String,
    /// The given label's probability minus the best other class's, -1..=1: the lower, the
    /// likelier the label is wrong.
    pub score: f32,
    /// The given label's out-of-sample probability.
    pub given_probability: f32,
}

/// Two images that are (near-)duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    /// Index of the first image into [`ExploreReport::images`].
    pub a: usize,
    /// Index of the second image.
    pub b: usize,
    /// The first file.
    pub path_a: PathBuf,
    /// The second file.
    pub path_b: PathBuf,
    /// Cosine similarity of their embeddings.
    pub similarity: f32,
    /// The decoded pixels are identical.
    pub exact: bool,
    /// One is in the training split and the other in the validation split (leakage).
    pub leak: bool,
}

/// What the explorer found: the plain data the CLI writes as JSON and the map panel draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExploreReport {
    /// The model in words.
    pub model: String,
    /// The dataset folder.
    pub data: PathBuf,
    /// The dataset's class names; labels index them.
    pub classes: Vec<String>,
    /// The images ranked for label errors.
    pub split: ExploreSplit,
    /// Where the label-error probabilities come from, in words.
    pub out_of_sample: String,
    /// Length of an embedding.
    pub embedding_dim: usize,
    /// The embeddings were read from the cache.
    pub from_cache: bool,
    /// Fraction of the map's spread each of its two axes holds (explained variance).
    pub map_variance: [f32; 2],
    /// Every usable image, in the folder's order.
    pub images: Vec<ExploredImage>,
    /// Likeliest label errors first (at most `top`).
    pub label_errors: Vec<LabelIssue>,
    /// Exact duplicates first, then by similarity.
    pub duplicates: Vec<DuplicatePair>,
    /// Files left out, with the reason.
    pub skipped: Vec<String>,
    /// Things the user should know (a split without images, an in-sample ranking).
    pub notes: Vec<String>,
    /// The embeddings, for the neighbours of an image from outside the dataset (not
    /// written to JSON).
    #[serde(skip)]
    pub space: Option<Arc<EmbeddingSpace>>,
}

/// The dataset's embeddings as the neighbour search sees them: each row less the mean,
/// then scaled to unit length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbeddingSpace {
    /// Length of an embedding.
    pub dim: usize,
    /// The dataset's mean embedding (`dim` values).
    pub mean: Vec<f32>,
    /// One unit row per image of [`ExploreReport::images`] (`images × dim` values).
    pub unit: Vec<f32>,
}

/// A 2-D layout of the map's points, one per image of [`ExploreReport::images`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapLayout {
    /// How it was made ("PCA", "t-SNE").
    pub method: String,
    /// One point per image.
    pub points: Vec<[f32; 2]>,
}

/// The neighbours of one image asked for by file (dropped from outside the dataset).
#[derive(Clone, Debug, PartialEq)]
pub struct SimilarImages {
    /// The image asked about.
    pub query: PathBuf,
    /// The image, small.
    pub preview: RgbaImage,
    /// Its nearest images of the dataset, most similar first.
    pub neighbours: Vec<Neighbour>,
}

/// Asks for the dataset images nearest to an image file, through the model that made
/// `space`.
#[derive(Clone, Debug, PartialEq)]
pub struct SimilarRequest {
    /// The model that embedded the dataset.
    pub model: EmbeddingModel,
    /// The side the ImageNet model read (as in [`ExploreConfig::imagenet_side`]).
    pub imagenet_side: Option<u32>,
    /// The image file.
    pub image: PathBuf,
    /// The dataset's embeddings.
    pub space: Arc<EmbeddingSpace>,
    /// Neighbours wanted.
    pub k: usize,
    /// Where tensors run.
    pub device: DeviceChoice,
}

/// Job → UI events of the explorer (carried by `Event::Explore`).
#[derive(Clone, Debug, PartialEq)]
pub enum ExploreEvent {
    /// Images embedded: `done` of `total`.
    Progress {
        /// Images done.
        done: usize,
        /// Images in all.
        total: usize,
    },
    /// The analysis is done.
    Report(Box<ExploreReport>),
    /// Another layout of the map (t-SNE, after the report's PCA).
    Layout(MapLayout),
    /// Small square pictures of images `first..first + tiles.len()` (for the map).
    Thumbnails {
        /// Index of the first image.
        first: usize,
        /// The pictures, `side × side` each.
        tiles: Vec<RgbaImage>,
    },
    /// Larger pictures of single images (hover, the similar strip), by image index.
    Previews(Vec<(usize, RgbaImage)>),
    /// The neighbours of an image file.
    Similar(Box<SimilarImages>),
    /// Files copied: `done` of `total`.
    Copied {
        /// Files done.
        done: usize,
        /// Files in all.
        total: usize,
    },
}
