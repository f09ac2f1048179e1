//! The real-photo scenes ([`crate::data::photo_scenes`]) as a detection set: a box and an
//! instance mask per visible object, training and validation scenes kept apart as made (the
//! writers put them in their own `train` / `val` files, and the readers keep that split).

use crate::data::photo_scenes::{self, PhotoScene, PhotoSplit, Photos};
use crate::tasks::detect::data::{
    AnnotationFormat, DetectionSample, DetectionSet, InstanceMask, LabeledBox,
};

/// `count` scenes of `size × size` from `photos` (seeded); the last `val_fraction` of them
/// are the validation scenes. The set's `format` is the in-memory built-in marker
/// ([`AnnotationFormat::Shapes`]): write it with [`super::write::write_set`].
pub fn photos_set(
    photos: &Photos,
    count: usize,
    size: u32,
    seed: u64,
    val_fraction: f32,
) -> DetectionSet {
    let mut train = Vec::new();
    let mut val = Vec::new();
    for scene in photo_scenes::scenes(photos, 0..count, count, size, seed, val_fraction) {
        match scene.split {
            PhotoSplit::Train => train.push(sample(scene)),
            PhotoSplit::Val => val.push(sample(scene)),
        }
    }
    DetectionSet {
        classes: photo_scenes::CLASSES.map(String::from).to_vec(),
        format: AnnotationFormat::Shapes,
        train,
        val,
        skipped: Vec::new(),
        streamed: None,
    }
}

/// A scene as a detection sample: one box (the tight box of the visible mask) and one
/// instance mask per object.
fn sample(scene: PhotoScene) -> DetectionSample {
    let (width, height) = (scene.image.width, scene.image.height);
    let mut boxes = Vec::with_capacity(scene.objects.len());
    let mut masks = Vec::with_capacity(scene.objects.len());
    for o in scene.objects {
        let [x0, y0, x1, y1] = o.bbox;
        boxes.push(LabeledBox {
            class: o.class,
            x0: x0 as f32,
            y0: y0 as f32,
            x1: x1 as f32,
            y1: y1 as f32,
        });
        masks.push(InstanceMask {
            width,
            height,
            pixels: o.mask,
        });
    }
    DetectionSample {
        name: scene.name,
        image: scene.image,
        boxes,
        masks: Some(masks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::shapes::mask_bbox;

    #[test]
    fn scenes_become_boxes_and_masks_in_their_split() {
        let photos = match Photos::load() {
            Ok(p) => p,
            Err(e) => panic!("the bundled photos load: {e}"),
        };
        let set = photos_set(&photos, 10, 64, 5, 0.3);
        assert_eq!((set.train.len(), set.val.len()), (7, 3));
        assert_eq!(set.classes.len(), photo_scenes::CLASSES.len());
        for s in set.train.iter().chain(&set.val) {
            let masks = s.masks.as_ref().expect("every scene has masks");
            assert_eq!(masks.len(), s.boxes.len());
            assert!(!s.boxes.is_empty());
            for (m, b) in masks.iter().zip(&s.boxes) {
                let [x0, y0, x1, y1] = mask_bbox(&m.pixels, 64);
                assert_eq!([x0, y0, x1, y1].map(|v| v as f32), [b.x0, b.y0, b.x1, b.y1]);
            }
        }
        assert!(set.val.iter().all(|s| s.name.as_str() >= "photo_00007"));
    }
}
