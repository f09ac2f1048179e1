//! Pascal VOC detection folders: `Annotations/<stem>.xml` (one `<annotation>` with
//! `<filename>`, `<size>` and `<object>`s holding `<name>` and `<bndbox>`) and the images in
//! `JPEGImages/`. Read with quick-xml's serde support.
//!
//! VOC box corners are 1-based and inclusive: pixel columns `xmin..=xmax` (1-based) are
//! `xmin - 1 .. xmax` in this crate's 0-based, end-exclusive boxes.
//!
//! Classes: `classes.txt` (one name a line) when the folder has one (objects of other
//! names are left out); otherwise the 20 VOC classes when every name is one of them;
//! otherwise the names found, sorted. `ImageSets/Main/train.txt` and `val.txt` give the
//! split when present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::text::{read_text, strip_bom};
use crate::data::walk::Walk;
use crate::tasks::detect::data::detect::annotation_files;

use crate::data::Skipped;
use crate::tasks::detect::data::detect::subfolders;
use crate::tasks::detect::data::{DetectionError, Entry, LabeledBox, RawSet, Split};

/// The 20 Pascal VOC classes, in their usual order.
pub const VOC_CLASSES: [&str; 20] = [
    "aeroplane",
    "bicycle",
    "bird",
    "boat",
    "bottle",
    "bus",
    "car",
    "cat",
    "chair",
    "cow",
    "diningtable",
    "dog",
    "horse",
    "motorbike",
    "person",
    "pottedplant",
    "sheep",
    "sofa",
    "train",
    "tvmonitor",
];

/// An `<annotation>` document.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct VocAnnotation {
    /// The image file name (in `JPEGImages/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The image size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<VocSize>,
    /// The objects.
    #[serde(rename = "object", default)]
    pub objects: Vec<VocObject>,
}

/// `<size>`: numbers kept as text so one bad value is reported, not a parse failure.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct VocSize {
    /// Width in pixels.
    pub width: String,
    /// Height in pixels.
    pub height: String,
    /// Channels.
    #[serde(default)]
    pub depth: String,
}

/// One `<object>`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct VocObject {
    /// The class name.
    #[serde(default)]
    pub name: String,
    /// `1` for objects VOC marks as hard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficult: Option<String>,
    /// The box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bndbox: Option<VocBox>,
}

/// `<bndbox>`: 1-based inclusive corners, as text.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct VocBox {
    /// Left column (1-based).
    pub xmin: String,
    /// Top row (1-based).
    pub ymin: String,
    /// Right column (1-based, inclusive).
    pub xmax: String,
    /// Bottom row (1-based, inclusive).
    pub ymax: String,
}

/// Parses one VOC XML document.
///
/// # Errors
/// A message (without the file name) when it is not well-formed XML or not an
/// `<annotation>`.
pub fn parse(text: &str) -> Result<VocAnnotation, String> {
    let text = strip_bom(text);
    let root = text
        .split('<')
        .skip(1)
        .map(|t| t.trim_start())
        .find(|t| !t.starts_with('?') && !t.starts_with('!'));
    if let Some(tag) = root
        && !tag.starts_with("annotation")
    {
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .take(40)
            .collect();
        return Err(format!(
            "malformed VOC XML: the root element is <{name}>, not <annotation>"
        ));
    }
    quick_xml::de::from_str(text).map_err(|e| format!("malformed VOC XML: {e}"))
}

/// The stated image size, when `<size>` holds two positive whole numbers.
pub fn stated_size(a: &VocAnnotation) -> Result<Option<(u32, u32)>, String> {
    let Some(size) = &a.size else {
        return Ok(None);
    };
    let parse = |what: &str, t: &str| {
        let t = t.trim();
        t.parse::<u32>()
            .ok()
            .or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 4e9)
                    .map(|f| f as u32)
            })
            .ok_or_else(|| {
                format!(
                    "<size> {what} `{}` is not a whole number",
                    super::yolo::shorten(t)
                )
            })
    };
    let (w, h) = (parse("width", &size.width)?, parse("height", &size.height)?);
    // Some tools write 0×0 when they do not know: treat it as unstated.
    Ok((w > 0 && h > 0).then_some((w, h)))
}

/// The pixel box of an object (0-based, end-exclusive) for `class`, checked against the
/// stated size when there is one.
pub fn object_box(
    o: &VocObject,
    class: usize,
    size: Option<(u32, u32)>,
) -> Result<LabeledBox, String> {
    let b = o.bndbox.as_ref().ok_or("object has no <bndbox>")?;
    let num = |what: &str, t: &str| {
        t.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                format!(
                    "<bndbox> {what} `{}` is not a number",
                    super::yolo::shorten(t.trim())
                )
            })
    };
    let (xmin, ymin) = (num("xmin", &b.xmin)?, num("ymin", &b.ymin)?);
    let (xmax, ymax) = (num("xmax", &b.xmax)?, num("ymax", &b.ymax)?);
    let lb = LabeledBox {
        class,
        x0: xmin - 1.0,
        y0: ymin - 1.0,
        x1: xmax,
        y1: ymax,
    };
    if lb.x1 <= lb.x0 || lb.y1 <= lb.y0 {
        return Err(format!(
            "box has zero or negative size (xmin {xmin}, ymin {ymin}, xmax {xmax}, ymax {ymax})"
        ));
    }
    match size {
        Some((w, h)) => super::check_box(&lb, w, h),
        None if lb.x0 < -1.0 || lb.y0 < -1.0 => Err(format!(
            "box (xmin {xmin}, ymin {ymin}) lies outside the image"
        )),
        None => Ok(lb),
    }
}

/// Stems listed in an `ImageSets/Main/<name>.txt` file (first word of each line); `None`
/// when there is no such file, or (recorded in `skipped`) when it cannot be read.
fn image_set(dir: &Path, name: &str, skipped: &mut Vec<Skipped>) -> Option<BTreeSet<String>> {
    let path = dir.join("ImageSets").join("Main").join(name);
    if !path.exists() {
        return None;
    }
    match read_text(&path) {
        Ok(text) => Some(
            text.lines()
                .filter_map(|l| l.split_whitespace().next())
                .map(String::from)
                .collect(),
        ),
        Err(reason) => {
            skipped.push(Skipped {
                path,
                reason: format!("split list left out: {reason}"),
            });
            None
        }
    }
}

/// The images folder: `JPEGImages/` (any case), else `images/`.
fn images_dir(dir: &Path) -> PathBuf {
    subfolders(dir)
        .unwrap_or_default()
        .into_iter()
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case("JPEGImages"))
        })
        .unwrap_or_else(|| {
            let images = dir.join("images");
            if images.is_dir() {
                images
            } else {
                dir.join("JPEGImages")
            }
        })
}

/// Reads a VOC folder's annotations (images are decoded later).
///
/// # Errors
/// [`DetectionError`] when the folder cannot be listed or `classes.txt` cannot be read.
pub fn read(dir: &Path) -> Result<RawSet, DetectionError> {
    let ann_dir = subfolders(dir)
        .map_err(|error| DetectionError::UnreadableFolder {
            path: dir.to_path_buf(),
            error,
        })?
        .into_iter()
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case("annotations"))
        })
        .unwrap_or_else(|| dir.join("Annotations"));
    let images = images_dir(dir);
    let mut set = RawSet::default();

    // First pass: parse every file.
    let mut parsed = Vec::new();
    let mut walk = Walk::new();
    let xml_files = annotation_files(&ann_dir, "xml", &mut walk);
    set.skipped.append(&mut walk.skipped);
    for xml in xml_files {
        let result = read_text(&xml)
            .map_err(|e| format!("annotation file: {e}"))
            .and_then(|t| parse(&t));
        match result {
            Ok(a) => parsed.push((xml, a)),
            Err(reason) => set.skipped.push(Skipped { path: xml, reason }),
        }
    }

    // Classes.
    let classes_txt = dir.join("classes.txt");
    let classes: Vec<String> = if classes_txt.exists() {
        let text = read_text(&classes_txt).map_err(|message| DetectionError::File {
            path: classes_txt.clone(),
            message,
        })?;
        set.classes_from = Some(classes_txt.clone());
        super::yolo::parse_classes_txt(&text)
    } else {
        set.classes_from = Some(ann_dir.clone());
        let names: BTreeSet<&str> = parsed
            .iter()
            .flat_map(|(_, a)| a.objects.iter().map(|o| o.name.trim()))
            .filter(|n| !n.is_empty())
            .collect();
        if names.iter().all(|n| VOC_CLASSES.contains(n)) {
            VOC_CLASSES.iter().map(|c| c.to_string()).collect()
        } else {
            names.into_iter().map(String::from).collect()
        }
    };
    let class_of: BTreeMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();

    let val_set = image_set(dir, "val.txt", &mut set.skipped);
    let train_set = image_set(dir, "train.txt", &mut set.skipped);
    let has_split = val_set.is_some() || train_set.is_some();

    for (xml, a) in &parsed {
        let stem = xml
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let size = match stated_size(a) {
            Ok(s) => s,
            Err(reason) => {
                set.skipped.push(Skipped {
                    path: xml.clone(),
                    reason,
                });
                None
            }
        };
        let image = match find_image(&images, a.filename.as_deref(), &stem) {
            Ok(Some(image)) => image,
            Ok(None) => {
                set.skipped.push(Skipped {
                    path: xml.clone(),
                    reason: format!(
                        "annotation names a missing image: {} not found in {}",
                        a.filename
                            .as_deref()
                            .map_or_else(|| format!("{stem}.*"), String::from),
                        images.display()
                    ),
                });
                continue;
            }
            Err(left_out) => {
                set.skipped.push(left_out);
                continue;
            }
        };
        let mut boxes = Vec::new();
        for (k, o) in a.objects.iter().enumerate() {
            let name = o.name.trim();
            let result = class_of
                .get(name)
                .ok_or_else(|| {
                    format!(
                        "class `{}` is not one of the {} classes",
                        super::yolo::shorten(name),
                        classes.len()
                    )
                })
                .and_then(|&c| object_box(o, c, size));
            match result {
                Ok(b) => boxes.push(b),
                Err(reason) => set.skipped.push(Skipped {
                    path: xml.clone(),
                    reason: format!("object {}: {reason}", k + 1),
                }),
            }
        }
        let split = if !has_split {
            Split::Unsplit
        } else if val_set.as_ref().is_some_and(|v| v.contains(&stem)) {
            Split::Val
        } else {
            Split::Train
        };
        set.entries.push(Entry {
            image,
            name: stem,
            split,
            stated_size: size,
            boxes,
            polygons: None,
            normalised: false,
        });
    }
    set.classes = classes;
    Ok(set)
}

/// The image of an annotation: `<filename>` in `images`, else `<stem>.jpg|jpeg|png`;
/// an error naming the image when the one found is not a regular file (never opened).
fn find_image(
    images: &Path,
    filename: Option<&str>,
    stem: &str,
) -> Result<Option<PathBuf>, Skipped> {
    let mut candidates = Vec::new();
    if let Some(f) = filename.map(str::trim).filter(|f| !f.is_empty())
        && !Path::new(f).is_absolute()
    {
        candidates.push(images.join(f));
    }
    candidates.extend(
        ["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"]
            .iter()
            .map(|e| images.join(format!("{stem}.{e}"))),
    );
    super::existing_image(candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0"?>
<annotation>
  <folder>VOC2012</folder>
  <filename>a.jpg</filename>
  <size><width>20</width><height>10</height><depth>3</depth></size>
  <object><name>cat</name><difficult>0</difficult>
    <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>5</xmax><ymax>6</ymax></bndbox></object>
  <object><name>dog</name>
    <bndbox><xmin>5</xmin><ymin>2</ymin><xmax>4</xmax><ymax>6</ymax></bndbox></object>
  <object><name>dog</name>
    <bndbox><xmin>4</xmin><ymin>2</ymin><xmax>40</xmax><ymax>6</ymax></bndbox></object>
  <object><name>dog</name>
    <bndbox><xmin>x</xmin><ymin>2</ymin><xmax>4</xmax><ymax>6</ymax></bndbox></object>
</annotation>"#;

    #[test]
    fn parses_and_checks_objects() {
        let a = parse(XML).unwrap();
        assert_eq!(a.filename.as_deref(), Some("a.jpg"));
        assert_eq!(stated_size(&a).unwrap(), Some((20, 10)));
        assert_eq!(a.objects.len(), 4);
        let b = object_box(&a.objects[0], 0, Some((20, 10))).unwrap();
        assert_eq!((b.x0, b.y0, b.x1, b.y1), (0.0, 1.0, 5.0, 6.0));
        // xmin = xmax is one pixel column wide (corners are inclusive).
        let mut one = a.objects[1].clone();
        one.bndbox.as_mut().unwrap().xmin = "4".into();
        let b = object_box(&one, 1, Some((20, 10))).unwrap();
        assert_eq!((b.x0, b.x1), (3.0, 4.0));
        let e: Vec<String> = a.objects[1..]
            .iter()
            .map(|o| object_box(o, 1, Some((20, 10))).unwrap_err())
            .collect();
        assert!(e[0].contains("zero or negative"), "{e:?}");
        assert!(e[1].contains("outside"), "{e:?}");
        assert!(e[2].contains("not a number"), "{e:?}");
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse("<annotation><object><name>a</object></annotation>").is_err());
        assert!(parse("<html></html>").unwrap_err().contains("<html>"));
        assert!(parse("").is_err() || parse("").is_ok_and(|a| a.objects.is_empty()));
    }
}
