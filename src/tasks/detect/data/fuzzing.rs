//! Entry points for fuzzing the label parsers from raw bytes (used by the cargo-fuzz
//! targets in `fuzz/` and by the regression test that replays their findings). Each
//! parses the input, never panics on bad input, and asserts what a successful parse
//! promises.

use crate::tasks::detect::data::coco;

use crate::tasks::detect::data::voc;

use crate::tasks::detect::data::yolo;
use crate::tasks::segment::data as masks;

/// YOLO label text (the first byte picks the class count, 0–7), `data.yaml` and
/// `classes.txt`.
pub fn yolo_labels(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let classes = usize::from(first % 8);
    let (boxes, errors) = yolo::parse_labels(text, classes);
    for b in &boxes {
        assert!(b.class < classes);
        assert!(0.0 <= b.x0 && b.x0 < b.x1 && b.x1 <= 1.0, "{b:?}");
        assert!(0.0 <= b.y0 && b.y0 < b.y1 && b.y1 <= 1.0, "{b:?}");
    }
    assert!(errors.iter().all(|e| e.line >= 1 && !e.reason.is_empty()));
    if let Ok(names) = yolo::parse_data_yaml(text) {
        assert!(!names.is_empty());
    }
    let _ = yolo::parse_classes_txt(text);
}

/// A COCO annotation file, then its polygons rasterised at a small size.
pub fn coco_json(data: &[u8]) {
    let Ok(parsed) = coco::parse(data) else {
        return;
    };
    for image in &parsed.images {
        assert_eq!(image.boxes.len(), image.polygons.len());
        let (w, h) = image.size.map_or((16, 16), |(w, h)| (w.min(48), h.min(48)));
        for (b, polygons) in image.boxes.iter().zip(&image.polygons) {
            assert!(b.class < parsed.classes.len());
            assert!(b.x0 < b.x1 && b.y0 < b.y1, "{b:?}");
            let mask = coco::polygon_mask(polygons, b, w, h);
            assert_eq!(mask.pixels.len(), (w * h) as usize);
        }
    }
}

/// A Pascal VOC annotation: the document, its size and every object's box.
pub fn voc_xml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(annotation) = voc::parse(text) else {
        return;
    };
    let size = voc::stated_size(&annotation).ok().flatten();
    for object in &annotation.objects {
        if let Ok(b) = voc::object_box(object, 0, size) {
            assert!(b.x0 < b.x1 && b.y0 < b.y1, "{b:?}");
            if let Some((w, h)) = size {
                assert!(b.x0 >= 0.0 && b.y0 >= 0.0, "{b:?}");
                assert!(b.x1 <= w as f32 && b.y1 <= h as f32, "{b:?}");
            }
        }
    }
}

/// A segmentation mask file (PNG or another image format), at most 65 536 pixels.
pub fn mask_file(data: &[u8]) {
    if let Ok(mask) = masks::read_mask_bytes(data, 1 << 16) {
        assert_eq!(
            mask.values.len(),
            mask.width as usize * mask.height as usize
        );
        assert!(u64::from(mask.width) * u64::from(mask.height) <= 1 << 16);
    }
}
