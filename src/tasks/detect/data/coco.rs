//! COCO detection folders: `annotations/*.json` holding `images` (id, file_name, width,
//! height), `annotations` (image_id, category_id, `bbox` = x, y, w, h in pixels, optional
//! `segmentation` polygons, `iscrowd`) and `categories` (id, name), with the images in
//! `images/` (or `images/<split>/`, `<split>/`, or beside the annotations).
//!
//! `annotations/instances_train*.json` and `instances_val*.json` give the split; other
//! names are split by fraction. Category ids may have gaps (COCO 2017 does): classes are
//! the categories in id order. Crowd annotations (`iscrowd: 1`) mark regions, not
//! objects, and are left out. Polygons become instance masks; an annotation without one
//! (or with RLE) gets its filled box as mask.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::data::Skipped;
use crate::data::text::{read_bytes, strip_bom_bytes};
use crate::data::walk::Walk;
use crate::tasks::detect::data::detect::annotation_files;
use crate::tasks::detect::data::{DetectionError, Entry, InstanceMask, LabeledBox, RawSet, Split};

/// The top level of a COCO file; images and annotations are checked one by one.
#[derive(Deserialize)]
struct CocoFile {
    images: Vec<serde_json::Value>,
    #[serde(default)]
    annotations: Vec<serde_json::Value>,
    categories: Vec<Category>,
}

/// A COCO category.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Category {
    /// Its id (annotations' `category_id`).
    pub id: u64,
    /// Its name.
    pub name: String,
}

#[derive(Deserialize)]
struct CocoImage {
    id: u64,
    file_name: String,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Deserialize)]
struct CocoAnnotation {
    id: Option<u64>,
    image_id: u64,
    category_id: u64,
    bbox: Vec<f64>,
    #[serde(default)]
    segmentation: Option<serde_json::Value>,
    #[serde(default)]
    iscrowd: u8,
}

/// One image of a COCO file with its boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct CocoImageBoxes {
    /// `file_name` as written.
    pub file_name: String,
    /// The stated size, when given.
    pub size: Option<(u32, u32)>,
    /// Boxes in pixels (class = index into [`CocoParsed::classes`]).
    pub boxes: Vec<LabeledBox>,
    /// Polygons (flat `x, y, x, y, …` lists) per box; empty for a box without any.
    pub polygons: Vec<Vec<Vec<f32>>>,
}

/// A parsed COCO file.
#[derive(Clone, Debug, PartialEq)]
pub struct CocoParsed {
    /// Category names in id order.
    pub classes: Vec<String>,
    /// The images in file order.
    pub images: Vec<CocoImageBoxes>,
    /// Whether any annotation has polygons.
    pub has_polygons: bool,
    /// What was left out, each with a message naming the entry.
    pub problems: Vec<String>,
}

/// Parses the bytes of a COCO annotation file. Bad images and annotations are left out
/// and described in `problems`.
///
/// # Errors
/// A message (without the file name, with line and column) when the file is not JSON or
/// lacks `images` or `categories`.
pub fn parse(bytes: &[u8]) -> Result<CocoParsed, String> {
    let file: CocoFile = serde_json::from_slice(strip_bom_bytes(bytes))
        .map_err(|e| format!("malformed COCO JSON: {e}"))?;
    let mut problems = Vec::new();

    let mut categories = file.categories;
    categories.sort_by_key(|c| c.id);
    let mut class_of = BTreeMap::new();
    let mut classes = Vec::new();
    for c in categories {
        if class_of.contains_key(&c.id) {
            problems.push(format!(
                "category id {} appears twice; the first is kept",
                c.id
            ));
            continue;
        }
        class_of.insert(c.id, classes.len());
        classes.push(c.name);
    }

    let mut images = Vec::new();
    let mut index_of = BTreeMap::new();
    for (i, value) in file.images.into_iter().enumerate() {
        match CocoImage::deserialize(value) {
            Ok(im) => {
                if index_of.contains_key(&im.id) {
                    problems.push(format!("images[{i}]: image id {} appears twice", im.id));
                    continue;
                }
                if im.file_name.is_empty() || Path::new(&im.file_name).is_absolute() {
                    problems.push(format!(
                        "images[{i}] (id {}): file_name `{}` is not a relative path",
                        im.id,
                        super::yolo::shorten(&im.file_name)
                    ));
                    continue;
                }
                index_of.insert(im.id, images.len());
                images.push(CocoImageBoxes {
                    file_name: im.file_name,
                    size: im.width.zip(im.height),
                    boxes: Vec::new(),
                    polygons: Vec::new(),
                });
            }
            Err(e) => problems.push(format!("images[{i}]: {e}")),
        }
    }

    let mut has_polygons = false;
    for (i, value) in file.annotations.into_iter().enumerate() {
        let a = match CocoAnnotation::deserialize(value) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("annotations[{i}]: {e}"));
                continue;
            }
        };
        let what = match a.id {
            Some(id) => format!("annotations[{i}] (id {id})"),
            None => format!("annotations[{i}]"),
        };
        if a.iscrowd != 0 {
            continue;
        }
        let Some(&image) = index_of.get(&a.image_id) else {
            problems.push(format!(
                "{what}: names image id {}, which is not in `images`",
                a.image_id
            ));
            continue;
        };
        let Some(&class) = class_of.get(&a.category_id) else {
            problems.push(format!(
                "{what}: category_id {} is not in `categories` ({} categories)",
                a.category_id,
                classes.len()
            ));
            continue;
        };
        let b = match bbox(&a.bbox, class, images[image].size) {
            Ok(b) => b,
            Err(reason) => {
                problems.push(format!("{what}: {reason}"));
                continue;
            }
        };
        let polys = match a.segmentation.as_ref().map(polygons) {
            Some(Ok(p)) => p,
            Some(Err(reason)) => {
                problems.push(format!("{what}: {reason}; the box is kept"));
                Vec::new()
            }
            None => Vec::new(),
        };
        has_polygons |= !polys.is_empty();
        images[image].boxes.push(b);
        images[image].polygons.push(polys);
    }
    Ok(CocoParsed {
        classes,
        images,
        has_polygons,
        problems,
    })
}

/// A pixel box from COCO's `[x, y, w, h]`, checked against the stated image size.
fn bbox(v: &[f64], class: usize, size: Option<(u32, u32)>) -> Result<LabeledBox, String> {
    let [x, y, w, h] = v else {
        return Err(format!(
            "bbox must have 4 numbers [x, y, w, h], has {}",
            v.len()
        ));
    };
    let (x, y, w, h) = (*x as f32, *y as f32, *w as f32, *h as f32);
    if ![x, y, w, h].iter().all(|c| c.is_finite()) {
        return Err("bbox numbers are not finite".into());
    }
    if w <= 0.0 || h <= 0.0 {
        return Err(format!("bbox has zero or negative size ({w}×{h})"));
    }
    let b = LabeledBox {
        class,
        x0: x,
        y0: y,
        x1: x + w,
        y1: y + h,
    };
    if let Some((iw, ih)) = size {
        super::check_box(&b, iw, ih)
    } else if x < -1.0 || y < -1.0 {
        Err(format!("bbox [{x}, {y}, {w}, {h}] lies outside the image"))
    } else {
        Ok(b)
    }
}

/// Polygons of a `segmentation` value: a list of flat `[x, y, x, y, …]` lists. RLE
/// (an object) gives none.
fn polygons(value: &serde_json::Value) -> Result<Vec<Vec<f32>>, String> {
    let serde_json::Value::Array(list) = value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (k, poly) in list.iter().enumerate() {
        let coords: Vec<f64> = Vec::<f64>::deserialize(poly)
            .map_err(|e| format!("segmentation polygon {k} is not a list of numbers: {e}"))?;
        if coords.len() < 6 || !coords.len().is_multiple_of(2) {
            return Err(format!(
                "segmentation polygon {k} has {} numbers: a polygon needs an even number, at least 6",
                coords.len()
            ));
        }
        if coords.iter().any(|c| !c.is_finite()) {
            return Err(format!(
                "segmentation polygon {k} has numbers that are not finite"
            ));
        }
        out.push(coords.into_iter().map(|c| c as f32).collect());
    }
    Ok(out)
}

/// Rasterises polygons (flat `x, y, …` lists in pixels) into a `width × height` mask: a
/// pixel is set when its centre is inside (even-odd rule). No polygon, or polygons that
/// cover no pixel centre, give the filled box `b`.
pub fn polygon_mask(polys: &[Vec<f32>], b: &LabeledBox, width: u32, height: u32) -> InstanceMask {
    let (w, h) = (width as usize, height as usize);
    let mut pixels = vec![0u8; w * h];
    for poly in polys {
        let points: Vec<(f32, f32)> = poly.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        if points.len() < 3 {
            continue;
        }
        // Rows the polygon spans.
        let (ymin, ymax) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
        let first = (ymin - 0.5).ceil().max(0.0) as usize;
        let last = ((ymax - 0.5).floor() + 1.0).clamp(0.0, h as f32) as usize;
        let mut xs = Vec::new();
        for y in first..last {
            let py = y as f32 + 0.5;
            xs.clear();
            let mut j = points.len() - 1;
            for i in 0..points.len() {
                let (xi, yi) = points[i];
                let (xj, yj) = points[j];
                if (yi > py) != (yj > py) {
                    xs.push(xi + (py - yi) * (xj - xi) / (yj - yi));
                }
                j = i;
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                // Pixel x is inside when pair[0] <= x + 0.5 < pair[1].
                let start = (pair[0] - 0.5).ceil().clamp(0.0, w as f32) as usize;
                let end = (pair[1] - 0.5).ceil().clamp(0.0, w as f32) as usize;
                for x in start..end {
                    // Even-odd: overlapping polygons of one object still mean "object".
                    pixels[y * w + x] = 1;
                }
            }
        }
    }
    if !pixels.contains(&1) {
        let x0 = (b.x0.max(0.0).round() as usize).min(w);
        let x1 = (b.x1.max(0.0).round() as usize).clamp(x0, w);
        let y0 = (b.y0.max(0.0).round() as usize).min(h);
        let y1 = (b.y1.max(0.0).round() as usize).min(h);
        for y in y0..y1 {
            pixels[y * w + x0..y * w + x1].fill(1);
        }
    }
    InstanceMask {
        width,
        height,
        pixels,
    }
}

/// The split an annotation file's name says: `instances_train*` / `*train*.json` is
/// training, `*val*` / `*test*` validation, others unsplit.
fn split_of(path: &Path) -> (Split, String) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let tail = stem.strip_prefix("instances_").unwrap_or(&stem).to_string();
    let split = if tail.starts_with("train") {
        Split::Train
    } else if tail.starts_with("val") || tail.starts_with("test") {
        Split::Val
    } else {
        Split::Unsplit
    };
    (split, tail)
}

/// Where an image named `file_name` in annotation file `json` (with split `tail`) is; an
/// error naming the image when the one found is not a regular file (never opened).
fn find_image(
    dir: &Path,
    json: &Path,
    tail: &str,
    file_name: &str,
) -> Result<Option<PathBuf>, Skipped> {
    let mut candidates = vec![
        dir.join("images").join(tail).join(file_name),
        dir.join("images").join(file_name),
        dir.join(tail).join(file_name),
        dir.join(file_name),
    ];
    for split in ["train", "val"] {
        if tail.starts_with(split) {
            candidates.push(dir.join("images").join(split).join(file_name));
            candidates.push(dir.join(split).join(file_name));
        }
    }
    if let Some(parent) = json.parent() {
        candidates.push(parent.join(file_name));
    }
    super::existing_image(candidates)
}

/// Reads a COCO folder's annotation files (images are decoded later). Categories of all
/// files must agree; a file that cannot be parsed is left out and named in `skipped`.
///
/// # Errors
/// [`DetectionError::File`] when two annotation files have different categories.
pub fn read(dir: &Path) -> Result<RawSet, DetectionError> {
    let ann_dir = super::detect::subfolders(dir)
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
        .unwrap_or_else(|| dir.join("annotations"));
    let mut set = RawSet::default();
    let mut classes: Option<(PathBuf, Vec<String>)> = None;
    let mut walk = Walk::new();
    let json_files = annotation_files(&ann_dir, "json", &mut walk);
    set.skipped.append(&mut walk.skipped);
    for json in json_files {
        let parsed = match read_bytes(&json)
            .map_err(|e| format!("annotation file: {e}"))
            .and_then(|b| parse(&b))
        {
            Ok(p) => p,
            Err(reason) => {
                set.skipped.push(Skipped { path: json, reason });
                continue;
            }
        };
        match &classes {
            None => classes = Some((json.clone(), parsed.classes.clone())),
            Some((first, c)) if *c != parsed.classes => {
                return Err(DetectionError::File {
                    path: json.clone(),
                    message: format!(
                        "its categories ({}) differ from those of {} ({})",
                        parsed.classes.join(", "),
                        first.display(),
                        c.join(", ")
                    ),
                });
            }
            Some(_) => {}
        }
        set.skipped
            .extend(parsed.problems.iter().map(|reason| Skipped {
                path: json.clone(),
                reason: reason.clone(),
            }));
        let (split, tail) = split_of(&json);
        for im in parsed.images {
            let image = match find_image(dir, &json, &tail, &im.file_name) {
                Ok(Some(image)) => image,
                Ok(None) => {
                    set.skipped.push(Skipped {
                        path: json.clone(),
                        reason: format!(
                            "image `{}` is named but not found (looked in images/, images/{tail}/, {tail}/ and beside the annotations)",
                            im.file_name
                        ),
                    });
                    continue;
                }
                Err(left_out) => {
                    set.skipped.push(left_out);
                    continue;
                }
            };
            let name = Path::new(&im.file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            set.entries.push(Entry {
                image,
                name,
                split,
                stated_size: im.size,
                boxes: im.boxes,
                polygons: parsed.has_polygons.then_some(im.polygons),
                normalised: false,
            });
        }
    }
    if let Some((path, classes)) = classes {
        set.classes = classes;
        set.classes_from = Some(path);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_boxes_classes_and_polygons() {
        let json = br#"{
            "images": [{"id": 7, "file_name": "a.png", "width": 10, "height": 8}],
            "annotations": [
                {"id": 1, "image_id": 7, "category_id": 3, "bbox": [1, 2, 4, 3],
                 "segmentation": [[1, 2, 5, 2, 5, 5, 1, 5]]},
                {"id": 2, "image_id": 7, "category_id": 1, "bbox": [0, 0, 2, 2]},
                {"id": 3, "image_id": 9, "category_id": 1, "bbox": [0, 0, 2, 2]},
                {"id": 4, "image_id": 7, "category_id": 5, "bbox": [0, 0, 2, 2]},
                {"id": 5, "image_id": 7, "category_id": 1, "bbox": [0, 0, 0, 2]},
                {"id": 6, "image_id": 7, "category_id": 1, "bbox": [0, 0, 20, 2]},
                {"id": 7, "image_id": 7, "category_id": 1, "bbox": [0, 0, 2]},
                {"id": 8, "image_id": 7, "category_id": 1, "bbox": [0, 0, 1, 1], "iscrowd": 1}
            ],
            "categories": [{"id": 3, "name": "c"}, {"id": 1, "name": "a"}]
        }"#;
        let p = parse(json).unwrap();
        assert_eq!(p.classes, vec!["a", "c"]);
        assert_eq!(p.images.len(), 1);
        let im = &p.images[0];
        assert_eq!(im.boxes.len(), 2);
        assert_eq!(
            (im.boxes[0].class, im.boxes[0].x1, im.boxes[0].y1),
            (1, 5.0, 5.0)
        );
        assert_eq!(im.boxes[1].class, 0);
        assert!(p.has_polygons);
        assert_eq!(p.problems.len(), 5, "{:?}", p.problems);
        assert!(p.problems[0].contains("id 3") && p.problems[0].contains("image id 9"));
        assert!(p.problems[1].contains("category_id 5"));
        assert!(p.problems[2].contains("zero or negative"));
        assert!(p.problems[3].contains("outside"));
        assert!(p.problems[4].contains("4 numbers"));
        let mask = polygon_mask(&im.polygons[0], &im.boxes[0], 10, 8);
        // The square (1,2)–(5,5) covers pixel centres x 1..=4, y 2..=4.
        assert_eq!(mask.area(), 12);
        assert_eq!(mask.pixels[2 * 10 + 1], 1);
        assert_eq!(mask.pixels[5 * 10 + 1], 0);
        // No polygon: the filled box.
        assert_eq!(polygon_mask(&[], &im.boxes[1], 10, 8).area(), 4);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let e = parse(b"{\n \"images\": [\n  {\"id\": 1,,}\n]}").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(
            parse(b"{\"images\": []}")
                .unwrap_err()
                .contains("categories")
        );
    }
}
