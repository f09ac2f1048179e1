//! Writes a detection set to disk as YOLO, COCO or Pascal VOC (images as PNG), so the
//! synthetic shapes can be used by other tools and read back by [`super::load`]:
//!
//! - YOLO: `images/{train,val}/NAME.png`, `labels/{train,val}/NAME.txt`, `data.yaml`;
//! - COCO: `images/{train,val}/NAME.png`, `annotations/instances_{train,val}.json`, with
//!   each instance mask as `segmentation` polygons (one rectangle per run of mask pixels,
//!   so reading the polygons back gives the mask exactly);
//! - VOC: `JPEGImages/NAME.png`, `Annotations/NAME.xml`, `ImageSets/Main/{train,val}.txt`
//!   and `classes.txt`.
//!
//! Every file is written atomically.

use std::io::Cursor;
use std::path::Path;

use serde::Serialize;

use crate::tasks::detect::data::voc::VocAnnotation;

use crate::tasks::detect::data::voc::VocBox;

use crate::tasks::detect::data::voc::VocObject;

use crate::core::files::write_atomic;
use crate::data::Image;
use crate::tasks::detect::data::voc::VocSize;
use crate::tasks::detect::data::{
    AnnotationFormat, DetectionError, DetectionSample, DetectionSet, InstanceMask, LabeledBox,
};

/// Writes `set` in `format` under `dir`. Returns the number of images written.
///
/// # Errors
/// [`DetectionError::Write`] naming the file that could not be written; asking for the
/// `Shapes` format is an error too (it is not an on-disk format).
pub fn write_set(
    set: &DetectionSet,
    format: AnnotationFormat,
    dir: &Path,
) -> Result<usize, DetectionError> {
    let splits = [("train", &set.train), ("val", &set.val)];
    match format {
        AnnotationFormat::Yolo => write_yolo(set, &splits, dir),
        AnnotationFormat::Coco => write_coco(set, &splits, dir),
        AnnotationFormat::Voc => write_voc(set, &splits, dir),
        AnnotationFormat::Shapes => Err(DetectionError::Write {
            path: dir.to_path_buf(),
            message: "`shapes` is not a file format: choose yolo, coco or voc".into(),
        }),
    }?;
    Ok(set.train.len() + set.val.len())
}

/// Writes `count` synthetic shape scenes (`size × size`, 20 % validation) in `format`.
///
/// # Errors
/// As [`write_set`]; a size outside 8..=1024 is refused.
pub fn write_shapes(
    dir: &Path,
    format: AnnotationFormat,
    count: usize,
    size: u32,
    seed: u64,
) -> Result<usize, DetectionError> {
    if !(8..=1024).contains(&size) {
        return Err(DetectionError::Write {
            path: dir.to_path_buf(),
            message: format!(
                "shape image size {size} is out of range: it must be between 8 and 1024 pixels"
            ),
        });
    }
    write_set(&super::shapes_set(count, size, seed, 0.2), format, dir)
}

type Splits<'a> = [(&'a str, &'a Vec<DetectionSample>); 2];

fn put(path: &Path, bytes: &[u8]) -> Result<(), DetectionError> {
    let err = |message: String| DetectionError::Write {
        path: path.to_path_buf(),
        message,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| err(format!("cannot create folder: {e}")))?;
    }
    write_atomic(path, bytes).map_err(|e| err(e.to_string()))
}

fn put_png(path: &Path, image: &Image) -> Result<(), DetectionError> {
    let color = if image.channels == 1 {
        image::ExtendedColorType::L8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut bytes = Cursor::new(Vec::new());
    image::write_buffer_with_format(
        &mut bytes,
        &image.pixels,
        image.width,
        image.height,
        color,
        image::ImageFormat::Png,
    )
    .map_err(|e| DetectionError::Write {
        path: path.to_path_buf(),
        message: format!("cannot encode PNG: {e}"),
    })?;
    put(path, bytes.get_ref())
}

#[derive(Serialize)]
struct DataYaml<'a> {
    path: &'a str,
    train: &'a str,
    val: &'a str,
    nc: usize,
    names: &'a [String],
}

fn write_yolo(set: &DetectionSet, splits: &Splits, dir: &Path) -> Result<(), DetectionError> {
    for (split, samples) in splits {
        for s in samples.iter() {
            put_png(
                &dir.join("images")
                    .join(split)
                    .join(format!("{}.png", s.name)),
                &s.image,
            )?;
            let (w, h) = (s.image.width.max(1) as f32, s.image.height.max(1) as f32);
            let text: String = s
                .boxes
                .iter()
                .map(|b| {
                    format!(
                        "{} {:.6} {:.6} {:.6} {:.6}\n",
                        b.class,
                        (b.x0 + b.x1) / 2.0 / w,
                        (b.y0 + b.y1) / 2.0 / h,
                        b.width() / w,
                        b.height() / h
                    )
                })
                .collect();
            put(
                &dir.join("labels")
                    .join(split)
                    .join(format!("{}.txt", s.name)),
                text.as_bytes(),
            )?;
        }
    }
    let yaml = serde_norway::to_string(&DataYaml {
        path: ".",
        train: "images/train",
        val: "images/val",
        nc: set.classes.len(),
        names: &set.classes,
    })
    .map_err(|e| DetectionError::Write {
        path: dir.join("data.yaml"),
        message: e.to_string(),
    })?;
    put(&dir.join("data.yaml"), yaml.as_bytes())
}

#[derive(Serialize)]
struct CocoOut<'a> {
    images: Vec<CocoImageOut>,
    annotations: Vec<CocoAnnotationOut>,
    categories: Vec<CocoCategoryOut<'a>>,
}

#[derive(Serialize)]
struct CocoImageOut {
    id: usize,
    file_name: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct CocoAnnotationOut {
    id: usize,
    image_id: usize,
    category_id: usize,
    bbox: [f32; 4],
    area: f32,
    iscrowd: u8,
    segmentation: Vec<Vec<f32>>,
}

#[derive(Clone, Copy, Serialize)]
struct CocoCategoryOut<'a> {
    id: usize,
    name: &'a str,
    supercategory: &'a str,
}

fn write_coco(set: &DetectionSet, splits: &Splits, dir: &Path) -> Result<(), DetectionError> {
    let categories: Vec<CocoCategoryOut> = set
        .classes
        .iter()
        .enumerate()
        .map(|(i, name)| CocoCategoryOut {
            id: i + 1,
            name,
            supercategory: "shape",
        })
        .collect();
    let mut next_annotation = 1;
    for (split, samples) in splits {
        let mut out = CocoOut {
            images: Vec::new(),
            annotations: Vec::new(),
            categories: categories.clone(),
        };
        for (k, s) in samples.iter().enumerate() {
            let file_name = format!("{}.png", s.name);
            put_png(&dir.join("images").join(split).join(&file_name), &s.image)?;
            let image_id = k + 1;
            out.images.push(CocoImageOut {
                id: image_id,
                file_name,
                width: s.image.width,
                height: s.image.height,
            });
            for (i, b) in s.boxes.iter().enumerate() {
                let mask = s.masks.as_ref().and_then(|m| m.get(i));
                let (segmentation, area) = match mask {
                    Some(m) => (mask_polygons(m), m.area() as f32),
                    None => (vec![box_polygon(b)], b.area()),
                };
                out.annotations.push(CocoAnnotationOut {
                    id: next_annotation,
                    image_id,
                    category_id: b.class + 1,
                    bbox: [b.x0, b.y0, b.width(), b.height()],
                    area,
                    iscrowd: 0,
                    segmentation,
                });
                next_annotation += 1;
            }
        }
        let path = dir
            .join("annotations")
            .join(format!("instances_{split}.json"));
        let json = serde_json::to_vec(&out).map_err(|e| DetectionError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        put(&path, &json)?;
    }
    Ok(())
}

fn box_polygon(b: &LabeledBox) -> Vec<f32> {
    vec![b.x0, b.y0, b.x1, b.y0, b.x1, b.y1, b.x0, b.y1]
}

/// An instance mask as polygons: one rectangle per horizontal run of pixels, runs that
/// repeat on the next rows merged into one taller rectangle. Rasterising them by pixel
/// centres gives the mask back exactly.
pub fn mask_polygons(m: &InstanceMask) -> Vec<Vec<f32>> {
    let (w, h) = (m.width as usize, m.height as usize);
    if m.pixels.len() != w * h {
        return Vec::new();
    }
    let mut done = Vec::new();
    // Open rectangles: (x0, x1, first row).
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let rect = |x0: usize, x1: usize, y0: usize, y1: usize| {
        let (x0, x1, y0, y1) = (x0 as f32, x1 as f32, y0 as f32, y1 as f32);
        vec![x0, y0, x1, y0, x1, y1, x0, y1]
    };
    for y in 0..=h {
        let mut runs = Vec::new();
        if y < h {
            let row = &m.pixels[y * w..(y + 1) * w];
            let mut x = 0;
            while x < w {
                if row[x] != 0 {
                    let start = x;
                    while x < w && row[x] != 0 {
                        x += 1;
                    }
                    runs.push((start, x));
                } else {
                    x += 1;
                }
            }
        }
        let mut next = Vec::new();
        for &(x0, x1, y0) in &open {
            if runs.contains(&(x0, x1)) {
                next.push((x0, x1, y0));
            } else {
                done.push(rect(x0, x1, y0, y));
            }
        }
        for &(x0, x1) in &runs {
            if !open.iter().any(|&(a, b, _)| (a, b) == (x0, x1)) {
                next.push((x0, x1, y));
            }
        }
        open = next;
    }
    done
}

fn write_voc(set: &DetectionSet, splits: &Splits, dir: &Path) -> Result<(), DetectionError> {
    for (split, samples) in splits {
        let mut list = String::new();
        for s in samples.iter() {
            let file_name = format!("{}.png", s.name);
            put_png(&dir.join("JPEGImages").join(&file_name), &s.image)?;
            let annotation = VocAnnotation {
                filename: Some(file_name),
                size: Some(VocSize {
                    width: s.image.width.to_string(),
                    height: s.image.height.to_string(),
                    depth: s.image.channels.to_string(),
                }),
                objects: s
                    .boxes
                    .iter()
                    .map(|b| VocObject {
                        name: set.classes.get(b.class).cloned().unwrap_or_default(),
                        difficult: Some("0".into()),
                        bndbox: Some(VocBox {
                            xmin: (b.x0 + 1.0).to_string(),
                            ymin: (b.y0 + 1.0).to_string(),
                            xmax: b.x1.to_string(),
                            ymax: b.y1.to_string(),
                        }),
                    })
                    .collect(),
            };
            let path = dir.join("Annotations").join(format!("{}.xml", s.name));
            let xml =
                quick_xml::se::to_string_with_root("annotation", &annotation).map_err(|e| {
                    DetectionError::Write {
                        path: path.clone(),
                        message: e.to_string(),
                    }
                })?;
            put(&path, xml.as_bytes())?;
            list.push_str(&s.name);
            list.push('\n');
        }
        put(
            &dir.join("ImageSets")
                .join("Main")
                .join(format!("{split}.txt")),
            list.as_bytes(),
        )?;
    }
    let classes: String = set.classes.iter().map(|c| format!("{c}\n")).collect();
    put(&dir.join("classes.txt"), classes.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::detect::data::coco::polygon_mask;
    use crate::tasks::detect::data::shapes_scene;

    #[test]
    fn mask_polygons_rasterise_back_exactly() {
        for i in 0..10 {
            let s = shapes_scene(i, 48, 2);
            for (m, b) in s.masks.as_ref().unwrap().iter().zip(&s.boxes) {
                let polys = mask_polygons(m);
                assert!(!polys.is_empty());
                assert_eq!(&polygon_mask(&polys, b, 48, 48), m);
            }
        }
    }
}
