//! A pretrained face detector that works on any photo: MediaPipe's BlazeFace short-range
//! (Apache-2.0), brought in from its ONNX graph through burn-onnx ([`generated`], weights in
//! `assets/weights/face_detection_short_range.bpk`). The photo is letterboxed to 128²
//! ([`letterbox`]), the network gives 896 anchored boxes with 6 keypoints and a logit each
//! ([`anchors`], [`decode`]), and overlapping ones are merged ([`nms`]); faces come back in
//! the photo's own pixels.

pub mod anchors;
pub mod decode;
pub mod generated;
pub mod job;
pub mod letterbox;
pub mod nms;

use std::path::{Path, PathBuf};

use burn::prelude::*;
use burn::store::{BurnpackStore, ModuleSnapshot};
use burn::tensor::TensorData;
use image::DynamicImage;
use image::imageops::FilterType;
use serde::Serialize;

use crate::core::assets;
use crate::core::protocol::{FACE_KEYPOINTS, Face, FacesFound, LabeledBox, RgbaImage};
use crate::data::image_folder::{guarded, open_reader};
use crate::data::orientation::decode_oriented;
use crate::tasks::detect::draw_box;
use crate::tasks::detect::faces::anchors::{Anchor, INPUT_SIDE, anchors};
use crate::tasks::detect::faces::generated::face_detection_short_range::Model;
use crate::tasks::detect::faces::letterbox::letterbox;
use crate::tasks::detect::faces::nms::{MIN_SUPPRESSION_IOU, weighted_nms};
use crate::tasks::segment::save_rgba_png;

/// The network's weights, relative to the assets folder.
pub const WEIGHTS_ASSET: &str = "weights/face_detection_short_range.bpk";

/// The `--model` value (and the Detect tab's choice) that names the bundled face detector.
pub const FACES_MODEL: &str = "faces";

/// Lowest score of a face that is kept (`min_score_thresh` of MediaPipe's graph).
pub const MIN_SCORE: f32 = 0.5;

/// Longer side of the picture sent to the Detect tab.
pub const DISPLAY_SIDE: u32 = 768;

/// What went wrong finding faces.
#[derive(Debug, thiserror::Error)]
pub enum FacesError {
    /// The bundled weights are missing or do not load.
    #[error("face detector weights: {0}")]
    Weights(String),
    /// A photo cannot be read.
    #[error("{path}: {reason}")]
    Image {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A photo the network cannot take.
    #[error("{0}")]
    Input(String),
    /// The network gave something other than 896 anchors.
    #[error("face detector output: {0}")]
    Output(String),
    /// A setting out of its range.
    #[error("{0}")]
    Setting(String),
}

/// The loaded network with its anchors.
pub struct FaceDetector {
    model: Model,
    anchors: Vec<Anchor>,
    device: Device,
}

fn to_vec<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, FacesError> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| FacesError::Output(format!("{e:?}")))
}

impl FaceDetector {
    /// Loads the bundled weights onto `device`.
    pub fn load(device: &Device) -> Result<Self, FacesError> {
        let path = assets::find(WEIGHTS_ASSET).map_err(|e| FacesError::Weights(e.to_string()))?;
        let device = device.clone().inner();
        let mut model = Model::new(&device);
        let mut store = BurnpackStore::from_file(&path);
        model
            .load_from(&mut store)
            .map_err(|e| FacesError::Weights(format!("{}: {e}", path.display())))?;
        Ok(FaceDetector {
            model,
            anchors: anchors(),
            device,
        })
    }

    /// The raw outputs for one input `[3, 128, 128]` (values -1..1): the regressors
    /// `[896, 16]` and the logits `[896]`.
    pub fn raw(&self, input: Vec<f32>) -> Result<(Vec<f32>, Vec<f32>), FacesError> {
        let side = INPUT_SIDE;
        if input.len() != 3 * side * side {
            return Err(FacesError::Input(format!(
                "the input must hold 3×{side}×{side} values, not {}",
                input.len()
            )));
        }
        let x = Tensor::<4>::from_data(TensorData::new(input, [1, 3, side, side]), &self.device);
        // [1, 3, 128, 128] → [1, 896, 16], [1, 896, 1]
        let (regressors, logits) = self.model.forward(x);
        Ok((to_vec(regressors)?, to_vec(logits)?))
    }

    /// The faces in `photo` with a score of at least `min_score`, merged, best first, in the
    /// photo's pixels.
    pub fn detect(&self, photo: &DynamicImage, min_score: f32) -> Result<Vec<Face>, FacesError> {
        if !(0.0..=1.0).contains(&min_score) {
            return Err(FacesError::Setting(format!(
                "the lowest face score must be between 0 and 1, got {min_score}"
            )));
        }
        let (input, placement) = letterbox(photo)?;
        let (regressors, logits) = self.raw(input)?;
        let found = decode::decode(&regressors, &logits, &self.anchors, min_score)?;
        Ok(weighted_nms(found, MIN_SUPPRESSION_IOU)
            .iter()
            .map(|f| placement.face_to_image(f))
            .collect())
    }

    /// Reads `path` (upright, as its EXIF orientation says) and finds its faces.
    pub fn detect_file(
        &self,
        path: &Path,
        min_score: f32,
    ) -> Result<(DynamicImage, Vec<Face>), FacesError> {
        let photo = read_photo(path)?;
        let faces = self.detect(&photo, min_score)?;
        Ok((photo, faces))
    }
}

/// Decodes a photo file upright; a file that is missing, empty, not an image or crashes
/// the decoder is an error naming it.
pub fn read_photo(path: &Path) -> Result<DynamicImage, FacesError> {
    guarded(|| {
        decode_oriented(open_reader(path)?).map_err(|e| format!("not a readable image: {e}"))
    })
    .map_err(|reason| FacesError::Image {
        path: path.display().to_string(),
        reason,
    })
}

/// What the face detector found in one file, as `visionlab predict` reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacesFile {
    /// The photo.
    pub image: PathBuf,
    /// Its width and height in pixels (upright).
    pub size: [u32; 2],
    /// The faces, best first, in the photo's pixels.
    pub faces: Vec<Face>,
    /// The picture with boxes and keypoints drawn, when `--out` was given.
    pub drawn: Option<PathBuf>,
}

/// The colour of face boxes and keypoints.
const FACE_COLOUR: [u8; 3] = [255, 40, 40];
/// The colour of keypoint dots' rims (so they show on red).
const KEYPOINT_COLOUR: [u8; 3] = [40, 255, 80];

/// Draws each face's box and its keypoints (dots) onto `picture`, whose pixels are the
/// photo's scaled by `scale`.
pub fn draw_faces(picture: &mut RgbaImage, faces: &[Face], scale: f32) {
    let thickness = (picture.width.max(picture.height) / 250).max(1);
    let radius = (thickness as i64 + 1).max(2);
    for f in faces {
        let b = LabeledBox {
            class: 0,
            x0: f.x0 * scale,
            y0: f.y0 * scale,
            x1: f.x1 * scale,
            y1: f.y1 * scale,
        };
        draw_box(picture, &b, FACE_COLOUR, thickness);
        for [x, y] in f.keypoints {
            dot(picture, x * scale, y * scale, radius, KEYPOINT_COLOUR);
        }
    }
}

/// A filled disc of `radius` pixels at (`x`, `y`), clipped.
fn dot(picture: &mut RgbaImage, x: f32, y: f32, radius: i64, colour: [u8; 3]) {
    if !(x.is_finite() && y.is_finite()) {
        return;
    }
    let (cx, cy) = (x.round() as i64, y.round() as i64);
    let (w, h) = (picture.width as i64, picture.height as i64);
    for py in (cy - radius).max(0)..(cy + radius + 1).min(h) {
        for px in (cx - radius).max(0)..(cx + radius + 1).min(w) {
            if (px - cx).pow(2) + (py - cy).pow(2) <= radius * radius {
                let i = ((py * w + px) * 4) as usize;
                picture.pixels[i..i + 3].copy_from_slice(&colour);
                picture.pixels[i + 3] = 255;
            }
        }
    }
}

/// The photo as an RGBA picture whose longer side is at most `side` pixels, and the scale
/// from the photo's pixels to the picture's.
pub fn picture_of(photo: &DynamicImage, side: u32) -> (RgbaImage, f32) {
    let longer = photo.width().max(photo.height()).max(1);
    let scale = (side as f32 / longer as f32).min(1.0);
    let small = if scale < 1.0 {
        let w = ((photo.width() as f32 * scale).round() as u32).max(1);
        let h = ((photo.height() as f32 * scale).round() as u32).max(1);
        photo.resize_exact(w, h, FilterType::Triangle)
    } else {
        photo.clone()
    };
    let scale = small.width() as f32 / photo.width().max(1) as f32;
    let rgba = small.to_rgba8();
    (
        RgbaImage {
            width: rgba.width() as usize,
            height: rgba.height() as usize,
            pixels: rgba.into_raw(),
        },
        scale,
    )
}

/// Finds the faces in each file; with `out_dir`, writes `<stem>_faces.png` (the photo with
/// boxes and keypoints) there.
pub fn predict_files(
    detector: &FaceDetector,
    images: &[PathBuf],
    min_score: f32,
    out_dir: Option<&Path>,
) -> anyhow::Result<Vec<FacesFile>> {
    use anyhow::Context;
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut found = Vec::with_capacity(images.len());
    for path in images {
        let (photo, faces) = detector.detect_file(path, min_score)?;
        let drawn = match out_dir {
            Some(dir) => {
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("image");
                let (mut picture, scale) = picture_of(&photo, u32::MAX);
                draw_faces(&mut picture, &faces, scale);
                let file = dir.join(format!("{stem}_faces.png"));
                save_rgba_png(&file, &picture)?;
                Some(file)
            }
            None => None,
        };
        found.push(FacesFile {
            image: path.clone(),
            size: [photo.width(), photo.height()],
            faces,
            drawn,
        });
    }
    Ok(found)
}

/// What the Detect tab gets for one photo: a screen-sized copy and the faces.
pub fn faces_found(
    detector: &FaceDetector,
    path: &Path,
    min_score: f32,
) -> Result<FacesFound, FacesError> {
    let (photo, faces) = detector.detect_file(path, min_score)?;
    let (picture, _) = picture_of(&photo, DISPLAY_SIDE);
    Ok(FacesFound {
        path: path.to_path_buf(),
        size: [photo.width(), photo.height()],
        picture,
        faces,
    })
}

/// A face's keypoints with their names, for printing.
pub fn named_keypoints(face: &Face) -> impl Iterator<Item = (&'static str, [f32; 2])> + '_ {
    FACE_KEYPOINTS.iter().copied().zip(face.keypoints)
}
