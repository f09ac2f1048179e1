//! Faces the bundled face detector (BlazeFace short-range) found in a photo.

use std::path::PathBuf;

use serde::Serialize;

use super::RgbaImage;

/// The face detector's keypoints, in the order it gives them ("right" is the person's own
/// right, on the left of a photo of them facing the camera).
pub const FACE_KEYPOINTS: [&str; 6] = [
    "right eye",
    "left eye",
    "nose tip",
    "mouth",
    "right ear tragion",
    "left ear tragion",
];

/// One face: its box, score and keypoints, in the pixels of the image it was found in.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Face {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Confidence, 0..1.
    pub score: f32,
    /// `[x, y]` of each of [`FACE_KEYPOINTS`], same order.
    pub keypoints: [[f32; 2]; 6],
}

impl Face {
    /// Area of the box (0 for an inverted one).
    pub fn area(&self) -> f32 {
        (self.x1 - self.x0).max(0.0) * (self.y1 - self.y0).max(0.0)
    }
}

/// What the face detector found in one photo, for the Detect tab.
#[derive(Clone, Debug, PartialEq)]
pub struct FacesFound {
    /// The photo.
    pub path: PathBuf,
    /// Its width and height in pixels (upright, EXIF orientation applied).
    pub size: [u32; 2],
    /// The photo at a size for the screen (the same aspect ratio; faces scale by
    /// `picture.width / size[0]`).
    pub picture: RgbaImage,
    /// The faces, best first, in the photo's own pixels.
    pub faces: Vec<Face>,
}
