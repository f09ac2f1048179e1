//! Tells the format of a detection folder from its layout.
//!
//! - Pascal VOC: an `Annotations/` folder holding `.xml` files;
//! - COCO: an `annotations/` folder holding `.json` files;
//! - YOLO: `images/` and `labels/` folders, at the top or under split folders
//!   (`train/images` + `train/labels`, …).
//!
//! The annotation folder's name is matched without regard to case, and told apart by the
//! files it holds, so a VOC folder on a case-insensitive file system is still VOC.

use std::fs;
use std::path::{Path, PathBuf};

use crate::data::walk::Walk;
use crate::tasks::detect::data::AnnotationFormat;

use crate::tasks::detect::data::DetectionError;

/// Split folder names, in the order they are looked at.
pub const SPLIT_DIRS: [&str; 4] = ["train", "val", "valid", "test"];

/// The format of the dataset in `dir`.
///
/// # Errors
/// [`DetectionError::UnreadableFolder`] when `dir` cannot be listed,
/// [`DetectionError::UnknownLayout`] when it matches no format.
pub fn detect(dir: &Path) -> Result<AnnotationFormat, DetectionError> {
    let subdirs = subfolders(dir).map_err(|error| DetectionError::UnreadableFolder {
        path: dir.to_path_buf(),
        error,
    })?;
    for sub in &subdirs {
        if name_is(sub, "annotations") {
            if has_file_with_ext(sub, "xml") {
                return Ok(AnnotationFormat::Voc);
            }
            if has_file_with_ext(sub, "json") {
                return Ok(AnnotationFormat::Coco);
            }
        }
    }
    if yolo_pairs(dir).is_some() {
        return Ok(AnnotationFormat::Yolo);
    }
    Err(DetectionError::UnknownLayout {
        path: dir.to_path_buf(),
    })
}

/// YOLO's `(images, labels)` folder pairs with their split folder name (`None` for a
/// folder without splits); `None` when `dir` has no such pair.
///
/// Layouts: `images/` + `labels/` (flat); `images/<split>/` + `labels/<split>/`;
/// `<split>/images/` + `<split>/labels/`.
pub fn yolo_pairs(dir: &Path) -> Option<Vec<(Option<String>, PathBuf, PathBuf)>> {
    let mut pairs = Vec::new();
    let (images, labels) = (dir.join("images"), dir.join("labels"));
    if images.is_dir() && labels.is_dir() {
        for split in SPLIT_DIRS {
            let (i, l) = (images.join(split), labels.join(split));
            if i.is_dir() && l.is_dir() {
                pairs.push((Some(split.to_string()), i, l));
            }
        }
        if pairs.is_empty() {
            pairs.push((None, images, labels));
        }
    } else {
        for split in SPLIT_DIRS {
            let (i, l) = (
                dir.join(split).join("images"),
                dir.join(split).join("labels"),
            );
            if i.is_dir() && l.is_dir() {
                pairs.push((Some(split.to_string()), i, l));
            }
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// A YOLO folder of images without its labels folder, or the converse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unpaired {
    /// The folder that exists and holds files.
    pub present: PathBuf,
    /// Its partner, which does not exist.
    pub missing: PathBuf,
    /// Whether `present` is the labels folder (and the images are missing).
    pub labels_present: bool,
}

/// YOLO split folders that have no partner: each `images/<split>` (or `<split>/images`)
/// that holds something while its `labels/<split>` (or `<split>/labels`) does not exist,
/// and the converse. Reading such a set would drop that split without a word.
pub fn yolo_unpaired(dir: &Path) -> Vec<Unpaired> {
    let mut out = Vec::new();
    let mut check = |i: PathBuf, l: PathBuf| {
        for (a, b, labels_present) in [(&i, &l, false), (&l, &i, true)] {
            if a.is_dir() && !b.exists() && has_entries(a) {
                out.push(Unpaired {
                    present: a.clone(),
                    missing: b.clone(),
                    labels_present,
                });
            }
        }
    };
    let (images, labels) = (dir.join("images"), dir.join("labels"));
    if images.is_dir() || labels.is_dir() {
        for split in SPLIT_DIRS {
            check(images.join(split), labels.join(split));
        }
        if !images.is_dir() || !labels.is_dir() {
            check(images, labels);
        }
    } else {
        for split in SPLIT_DIRS {
            check(
                dir.join(split).join("images"),
                dir.join(split).join("labels"),
            );
        }
    }
    out
}

/// Whether `dir` holds any entry that is not hidden.
fn has_entries(dir: &Path) -> bool {
    fs::read_dir(dir)
        .is_ok_and(|entries| entries.filter_map(|e| e.ok()).any(|e| !hidden(&e.path())))
}

/// Sorted sub-folders of `dir` (hidden ones left out).
pub(crate) fn subfolders(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !hidden(p))
        .collect();
    out.sort();
    Ok(out)
}

/// Sorted files of `dir` whose extension is `ext` (any case), hidden ones left out; empty
/// when it cannot be listed.
pub(crate) fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && !hidden(p) && has_ext(p, ext))
        .collect();
    out.sort();
    out
}

/// The annotation files of `dir`: sorted regular files whose extension is `ext` (any
/// case). What the walk leaves out (pipes, devices, broken links) is recorded in it; a
/// folder that cannot be listed gives none.
pub(crate) fn annotation_files(dir: &Path, ext: &str, walk: &mut Walk) -> Vec<PathBuf> {
    walk.list(dir)
        .map(|l| l.files.into_iter().filter(|p| has_ext(p, ext)).collect())
        .unwrap_or_default()
}

fn has_file_with_ext(dir: &Path, ext: &str) -> bool {
    !files_with_ext(dir, ext).is_empty()
}

pub(crate) fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn name_is(path: &Path, name: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}
