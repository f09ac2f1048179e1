//! YOLO detection folders: `images/` + `labels/<stem>.txt`, one `class cx cy w h` line per
//! box (centre and size normalised to 0–1 by the image's width and height), class names
//! in `data.yaml` (`names:` as a list or an `index: name` map) or `classes.txt` (one name a
//! line). An image without a label file has no objects.
//!
//! `data.yaml` is read with `serde_norway` (a maintained fork of the deprecated
//! `serde_yaml`): real `data.yaml` files use both YAML list styles, quoted names and the
//! `{0: name}` map form, which a hand-written reader would get wrong.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::tasks::detect::data::detect::files_with_ext;

use crate::data::Skipped;
use crate::data::image_folder::has_image_extension;
use crate::data::text::{read_text, strip_bom};
use crate::data::walk::Walk;
use crate::tasks::detect::data::detect::{yolo_pairs, yolo_unpaired};
use crate::tasks::detect::data::{DetectionError, Entry, LabeledBox, RawSet, Split};

/// Slack, as a fraction of the image side, for boxes that stick out of the image
/// (rounding in exporters).
const SLACK: f32 = 0.01;

/// One bad line of a label file: its 1-based number and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Parses the text of a label file for a set of `classes` classes: boxes with normalised
/// corners (`x0 = cx - w/2`, … in 0–1, clipped), and the lines left out.
pub fn parse_labels(text: &str, classes: usize) -> (Vec<LabeledBox>, Vec<LineError>) {
    let mut boxes = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in strip_bom(text).lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match parse_line(line, classes) {
            Ok(b) => boxes.push(b),
            Err(reason) => errors.push(LineError {
                line: i + 1,
                reason,
            }),
        }
    }
    (boxes, errors)
}

fn parse_line(line: &str, classes: usize) -> Result<LabeledBox, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected 5 fields `class cx cy w h`, found {}",
            fields.len()
        ));
    }
    let class = parse_class(fields[0])?;
    if class >= classes {
        return Err(format!("class {class} out of range ({classes} classes)"));
    }
    let mut v = [0f32; 4];
    for (slot, (name, text)) in v
        .iter_mut()
        .zip(["cx", "cy", "w", "h"].iter().zip(&fields[1..]))
    {
        *slot = text
            .parse::<f32>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{name} `{}` is not a number", shorten(text)))?;
    }
    let [cx, cy, w, h] = v;
    if w <= 0.0 || h <= 0.0 {
        return Err(format!("box has zero or negative size (w {w}, h {h})"));
    }
    let (x0, y0, x1, y1) = (cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0);
    if x0 < -SLACK || y0 < -SLACK || x1 > 1.0 + SLACK || y1 > 1.0 + SLACK {
        return Err(format!(
            "box (cx {cx}, cy {cy}, w {w}, h {h}) lies outside the image (coordinates are normalised to 0–1)"
        ));
    }
    let b = LabeledBox {
        class,
        x0: x0.clamp(0.0, 1.0),
        y0: y0.clamp(0.0, 1.0),
        x1: x1.clamp(0.0, 1.0),
        y1: y1.clamp(0.0, 1.0),
    };
    if b.x1 <= b.x0 || b.y1 <= b.y0 {
        return Err("box lies outside the image".into());
    }
    Ok(b)
}

/// A class id: a non-negative integer (exporters sometimes write `3.0`).
fn parse_class(text: &str) -> Result<usize, String> {
    if let Ok(c) = text.parse::<usize>() {
        return Ok(c);
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1e9 => Ok(f as usize),
        Ok(f) if f.is_finite() && f < 0.0 => Err(format!("class {} is negative", shorten(text))),
        _ => Err(format!("class `{}` is not a whole number", shorten(text))),
    }
}

/// The first 24 characters of `text`, for messages.
pub(crate) fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        out.push('…');
    }
    out
}

#[derive(serde::Deserialize)]
struct DataYaml {
    names: Option<Names>,
    nc: Option<serde_norway::Value>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Names {
    List(Vec<serde_norway::Value>),
    Map(BTreeMap<usize, serde_norway::Value>),
}

/// Class names from the text of a `data.yaml`: `names: [a, b]`, a block list, or a map
/// `{0: a, 1: b}` (its keys must be 0, 1, 2, …).
///
/// # Errors
/// A message (without the file name) when it is not YAML or has no usable `names`.
pub fn parse_data_yaml(text: &str) -> Result<Vec<String>, String> {
    let data: DataYaml = serde_norway::from_str(strip_bom(text))
        .map_err(|e| format!("not a readable data.yaml: {e}"))?;
    let names: Vec<String> = match data.names {
        None => return Err("data.yaml has no `names:` list of class names".into()),
        Some(Names::List(list)) => list.iter().map(scalar_name).collect::<Result<_, _>>()?,
        Some(Names::Map(map)) => {
            for (expected, key) in map.keys().enumerate() {
                if *key != expected {
                    return Err(format!(
                        "data.yaml `names:` map has key {key} where {expected} was expected (keys must be 0, 1, 2, …)"
                    ));
                }
            }
            map.values().map(scalar_name).collect::<Result<_, _>>()?
        }
    };
    if names.is_empty() {
        return Err("data.yaml `names:` is empty".into());
    }
    if let Some(nc) = data.nc {
        let n = nc.as_u64();
        if n != Some(names.len() as u64) {
            return Err(format!(
                "data.yaml says nc: {} but `names:` lists {} classes",
                n.map_or_else(|| format!("{nc:?}"), |n| n.to_string()),
                names.len()
            ));
        }
    }
    Ok(names)
}

fn scalar_name(v: &serde_norway::Value) -> Result<String, String> {
    use serde_norway::Value;
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("data.yaml `names:` holds something that is not a name".into()),
    }
}

/// Class names from the text of a `classes.txt`: one a line, blank lines left out.
pub fn parse_classes_txt(text: &str) -> Vec<String> {
    strip_bom(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// The class list of a YOLO folder and the file it comes from: `data.yaml` (or any single
/// `*.yaml` beside it), else `classes.txt`.
fn read_classes(dir: &Path) -> Result<(Vec<String>, PathBuf), DetectionError> {
    let file_err = |path: &Path, message: String| DetectionError::File {
        path: path.to_path_buf(),
        message,
    };
    let mut yaml = vec![dir.join("data.yaml"), dir.join("dataset.yaml")];
    yaml.retain(|p| p.exists());
    if yaml.is_empty() {
        yaml = files_with_ext(dir, "yaml");
        yaml.extend(files_with_ext(dir, "yml"));
    }
    if let Some(path) = yaml.first() {
        let text = read_text(path).map_err(|m| file_err(path, m))?;
        let names = parse_data_yaml(&text).map_err(|m| file_err(path, m))?;
        return Ok((names, path.clone()));
    }
    let txt = dir.join("classes.txt");
    if txt.exists() {
        let text = read_text(&txt).map_err(|m| file_err(&txt, m))?;
        let names = parse_classes_txt(&text);
        if names.is_empty() {
            return Err(file_err(
                &txt,
                "lists no class names; detection needs at least 1 class (one name a line)".into(),
            ));
        }
        return Ok((names, txt));
    }
    Err(file_err(
        &dir.join("data.yaml"),
        "a YOLO folder needs class names: data.yaml with `names:`, or classes.txt with one name a line".into(),
    ))
}

/// Reads a YOLO folder's labels (images are decoded later).
///
/// # Errors
/// [`DetectionError`] when there is no class list or no `images/`+`labels/` pair.
pub fn read(dir: &Path) -> Result<RawSet, DetectionError> {
    let (classes, classes_from) = read_classes(dir)?;
    let pairs = yolo_pairs(dir).ok_or_else(|| DetectionError::UnknownLayout {
        path: dir.to_path_buf(),
    })?;
    if let Some(u) = yolo_unpaired(dir).into_iter().next() {
        let message = if u.labels_present {
            format!(
                "is missing: {} holds label files, and YOLO reads each image beside its label file",
                u.present.display()
            )
        } else {
            format!(
                "is missing: {} holds images, and YOLO reads the boxes of {}/<name>.jpg from {}/<name>.txt (an image without objects needs no label file, but the folder must exist)",
                u.present.display(),
                u.present.display(),
                u.missing.display()
            )
        };
        return Err(DetectionError::File {
            path: u.missing,
            message,
        });
    }
    let mut set = RawSet {
        classes,
        classes_from: Some(classes_from),
        ..RawSet::default()
    };
    let mut walk = Walk::new();
    // Every split folder is claimed before any is read: a link from one into another is
    // not followed.
    for (_, images, labels) in &pairs {
        walk.enter(images);
        walk.enter(labels);
    }
    for (split, images, labels) in pairs {
        let split = match split.as_deref() {
            Some("train") => Split::Train,
            Some(_) => Split::Val,
            None => Split::Unsplit,
        };
        read_pair(&images, &labels, split, &mut walk, &mut set);
    }
    set.skipped.append(&mut walk.skipped);
    Ok(set)
}

/// Every image under `images` (recursively) with its label file under `labels` (same
/// relative path, `.txt`), and label files whose image is missing.
fn read_pair(images: &Path, labels: &Path, split: Split, walk: &mut Walk, set: &mut RawSet) {
    let image_files = walk.files_under(images, &|p| has_image_extension(p));
    let label_files = walk.files_under(labels, &|p| super::detect::has_ext(p, "txt"));
    if label_files.is_empty() && !image_files.is_empty() {
        set.skipped.push(Skipped {
            path: labels.to_path_buf(),
            reason: format!(
                "holds no label files: the {} images of {} are read as images without objects",
                image_files.len(),
                images.display()
            ),
        });
    }
    let mut with_image: BTreeMap<PathBuf, bool> =
        label_files.into_iter().map(|l| (l, false)).collect();
    for image in image_files {
        let rel = image.strip_prefix(images).unwrap_or(&image);
        let label = labels.join(rel).with_extension("txt");
        let name = image
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut boxes = Vec::new();
        if let Some(seen) = with_image.get_mut(&label) {
            *seen = true;
            match read_text(&label) {
                Err(e) => {
                    set.skipped.push(Skipped {
                        path: label.clone(),
                        reason: format!("label file: {e}; its image is left out"),
                    });
                    continue;
                }
                Ok(text) => {
                    let (b, errors) = parse_labels(&text, set.classes.len());
                    boxes = b;
                    set.skipped.extend(errors.into_iter().map(|e| Skipped {
                        path: label.clone(),
                        reason: format!("line {}: {}", e.line, e.reason),
                    }));
                }
            }
        }
        set.entries.push(Entry {
            image,
            name,
            split,
            stated_size: None,
            boxes,
            polygons: None,
            normalised: true,
        });
    }
    for (label, seen) in with_image {
        if !seen {
            set.skipped.push(Skipped {
                reason: format!(
                    "label file names a missing image: no image {}.* in {}",
                    label.file_stem().unwrap_or_default().to_string_lossy(),
                    images.display()
                ),
                path: label,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_to_normalised_corners() {
        let (boxes, errors) = parse_labels("0 0.5 0.5 0.2 0.4\n\n2 0.1 0.9 0.2 0.2\n", 3);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(boxes.len(), 2);
        let b = boxes[0];
        assert!((b.x0 - 0.4).abs() < 1e-6 && (b.y0 - 0.3).abs() < 1e-6);
        assert!((b.x1 - 0.6).abs() < 1e-6 && (b.y1 - 0.7).abs() < 1e-6);
        assert_eq!(boxes[1].class, 2);
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let text = "0 0.5 0.5 0.2 0.2\n7 0.5 0.5 0.2 0.2\n1 0.5 0.5 0 0.2\n1 0.5 0.5\n1 1.5 0.5 0.2 0.2\nx 0.5 0.5 0.2 0.2\n1 nan 0.5 0.2 0.2\n-1 0.5 0.5 0.2 0.2\n";
        let (boxes, errors) = parse_labels(text, 5);
        assert_eq!(boxes.len(), 1);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(errors[0].reason, "class 7 out of range (5 classes)");
        assert!(errors[1].reason.contains("zero or negative size"));
        assert!(errors[2].reason.contains("expected 5 fields"));
        assert!(errors[3].reason.contains("outside the image"));
        assert!(errors[4].reason.contains("not a whole number"));
        assert!(errors[5].reason.contains("not a number"));
        assert!(errors[6].reason.contains("negative"));
    }

    #[test]
    fn data_yaml_forms() {
        let list = "path: .\ntrain: images/train\nval: images/val\nnc: 2\nnames: ['a b', \"c\"]\n";
        assert_eq!(parse_data_yaml(list).unwrap(), vec!["a b", "c"]);
        let block = "names:\n  - cat\n  - dog\n";
        assert_eq!(parse_data_yaml(block).unwrap(), vec!["cat", "dog"]);
        let map = "names:\n  0: cat\n  1: dog\n";
        assert_eq!(parse_data_yaml(map).unwrap(), vec!["cat", "dog"]);
        assert!(parse_data_yaml("names:\n  0: cat\n  2: dog\n").is_err());
        assert!(
            parse_data_yaml("nc: 3\nnames: [a, b]\n")
                .unwrap_err()
                .contains("nc: 3")
        );
        assert!(parse_data_yaml("train: x\n").unwrap_err().contains("names"));
        assert!(parse_data_yaml("names: [a, b\n").is_err());
    }
}
