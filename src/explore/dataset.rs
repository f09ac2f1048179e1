//! The images the explorer reads: an ImageFolder listed in the order training reads it,
//! each file decoded once (the hash of its pixels, for exact duplicates, and the picture at
//! the model's input), labelled and split as training labels and splits it.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use image::DynamicImage;

use crate::data::Image;
use crate::data::image_folder::{self, FolderFile};
use crate::data::orientation::decode_oriented;

/// One decoded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// [`pixel_hash`] of the file's pixels.
    pub hash: u64,
    /// The picture at the model's input.
    pub image: Image,
}

/// Decodes `path` and prepares it for the model with `prepare`; the reason as text when
/// the file cannot be used (empty, not an image, corrupt, a decoder crash).
pub fn decode(
    path: &Path,
    prepare: &(dyn Fn(&DynamicImage) -> Image + Sync),
) -> Result<Decoded, String> {
    image_folder::guarded(|| {
        let decoded = open_unguarded(path)?;
        Ok(Decoded {
            hash: pixel_hash(&decoded),
            image: prepare(&decoded),
        })
    })
}

/// `path` decoded and turned upright (its EXIF orientation), or why not.
pub fn open(path: &Path) -> Result<DynamicImage, String> {
    image_folder::guarded(|| open_unguarded(path))
}

fn open_unguarded(path: &Path) -> Result<DynamicImage, String> {
    decode_oriented(image_folder::open_reader(path)?)
        .map_err(|e| format!("cannot decode image: {e}"))
}

/// Decodes `files` in parallel, results in file order.
pub fn decode_all(
    files: &[&FolderFile],
    prepare: &(dyn Fn(&DynamicImage) -> Image + Sync),
) -> Vec<Result<Decoded, String>> {
    image_folder::par_map(files, |f| decode(&f.path, prepare), &mut |_, _| {})
}

/// A hash of an image's size and RGBA pixels: equal for files that decode to the same
/// picture (a PNG and its copy; a grey PNG and the same grey saved as RGB).
pub fn pixel_hash(image: &DynamicImage) -> u64 {
    let rgba = image.to_rgba8();
    let mut hasher = DefaultHasher::new();
    rgba.dimensions().hash(&mut hasher);
    rgba.as_raw().hash(&mut hasher);
    hasher.finish()
}

/// The labels and split of the usable files of a folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Labelled {
    /// Class names, sorted: the class folders with at least one usable image.
    pub classes: Vec<String>,
    /// Each file's class index.
    pub labels: Vec<usize>,
    /// Whether each file is in the validation (or `test/`) split.
    pub held_out: Vec<bool>,
}

/// Labels files by their class folder and splits them as [`image_folder::load`] does:
/// a `test/` file is held out, a `train/` file is not, and the others follow the seeded
/// [`image_folder::stratified_split`] of `val_fraction` of each class.
pub fn label_and_split(files: &[(&str, Option<bool>)], val_fraction: f32, seed: u64) -> Labelled {
    let names: BTreeMap<&str, usize> = files.iter().map(|(class, _)| (*class, 0)).collect();
    let classes: Vec<String> = names.keys().map(|c| c.to_string()).collect();
    let index: BTreeMap<&str, usize> = names.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let labels: Vec<usize> = files
        .iter()
        .map(|(class, _)| index.get(class).copied().unwrap_or(0))
        .collect();
    let auto: Vec<usize> = (0..files.len()).filter(|&i| files[i].1.is_none()).collect();
    let auto_labels: Vec<usize> = auto.iter().map(|&i| labels[i]).collect();
    let auto_val = image_folder::stratified_split(&auto_labels, classes.len(), val_fraction, seed);
    let mut held_out: Vec<bool> = files.iter().map(|(_, h)| h.unwrap_or(false)).collect();
    for (&i, v) in auto.iter().zip(auto_val) {
        held_out[i] = v;
    }
    Labelled {
        classes,
        labels,
        held_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_folders_are_kept_and_a_single_folder_is_split_per_class() {
        let files = [
            ("b", Some(false)),
            ("a", Some(true)),
            ("a", Some(false)),
            ("b", Some(true)),
        ];
        let l = label_and_split(&files, 0.5, 1);
        assert_eq!(l.classes, ["a", "b"]);
        assert_eq!(l.labels, [1, 0, 0, 1]);
        assert_eq!(l.held_out, [false, true, false, true]);

        let files: Vec<(&str, Option<bool>)> = (0..20)
            .map(|i| (if i % 2 == 0 { "x" } else { "y" }, None))
            .collect();
        let l = label_and_split(&files, 0.2, 42);
        let held: Vec<usize> = (0..20).filter(|&i| l.held_out[i]).collect();
        assert_eq!(held.len(), 4);
        let labels: Vec<usize> = l.labels.clone();
        let expected = image_folder::stratified_split(&labels, 2, 0.2, 42);
        assert_eq!(l.held_out, expected);
    }
}
