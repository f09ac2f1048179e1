//! The explorer: attack one image and return the original, the (amplified) perturbation and
//! the adversarial image with the model's top predictions; and the gallery of validation
//! images to pick from.

use crate::core::job;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::attack::{Attacker, Pixels, argmax};
use crate::core::device;
use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{
    AdversarialExample, DataSpec, DeviceChoice, Event, ExploreImage, ExploreRequest, FinishReason,
    LabEvent, RgbaImage,
};
use crate::data::Image;
use crate::tasks::classify::{self, Trained};
use crate::train::checkpoint;

/// Predictions listed per image.
pub const TOP_K: usize = 3;

/// Validation images offered in the gallery.
pub const GALLERY_SIZE: usize = 48;

/// Converts an RGBA picture to an [`Image`] with `channels` channels (grey takes the mean
/// of R, G and B; a picture of a grey image has them equal).
pub fn image_from_rgba(picture: &RgbaImage, channels: usize) -> Image {
    let n = picture.width * picture.height;
    let mut pixels = Vec::with_capacity(n * channels);
    for px in picture.pixels.chunks_exact(4).take(n) {
        if channels == 1 {
            let sum = u16::from(px[0]) + u16::from(px[1]) + u16::from(px[2]);
            pixels.push(((sum + 1) / 3) as u8);
        } else {
            pixels.extend_from_slice(&px[..3]);
        }
    }
    Image {
        width: picture.width as u32,
        height: picture.height as u32,
        channels: channels as u32,
        pixels,
    }
}

/// The `k` most probable classes, best first.
pub fn top_k(probabilities: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut order: Vec<usize> = (0..probabilities.len()).collect();
    order.sort_by(|&a, &b| probabilities[b].total_cmp(&probabilities[a]));
    order
        .into_iter()
        .take(k)
        .map(|i| (i, probabilities[i]))
        .collect()
}

/// Attacks one image with a loaded model and describes the result. Without a known true
/// class, an untargeted attack pushes away from the model's own prediction.
pub fn explore(
    attacker: &Attacker,
    image: &Image,
    truth: Option<usize>,
    request: &ExploreRequest,
    classes: &[String],
) -> anyhow::Result<AdversarialExample> {
    let original = Pixels::from_images([image], attacker.input());
    let before = attacker
        .probabilities(&original)?
        .pop()
        .context("no prediction")?;
    let label = truth.unwrap_or_else(|| argmax(&before));
    let adversarial = attacker.attack(&original, &[label], &request.attack)?;
    // What is shown and saved is the 8-bit image; the model is asked about that one.
    let adversarial_image = adversarial.to_image(0, Some(&original));
    let original_image = original.to_image(0, None);
    let shown = Pixels::from_images([&adversarial_image], attacker.input());
    let after = attacker
        .probabilities(&shown)?
        .pop()
        .context("no prediction")?;
    let linf = original_image
        .pixels
        .iter()
        .zip(&adversarial_image.pixels)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap_or(0);
    let linf = f32::from(linf) / 255.0;
    // Full scale of the picture: ±ε (at least one grey level), mapped onto 0..255.
    let amplification = 0.5 / request.attack.eps.max(linf).max(1.0 / 255.0);
    let perturbation = Image {
        pixels: original_image
            .pixels
            .iter()
            .zip(&adversarial_image.pixels)
            .map(|(&o, &a)| {
                let delta = (f32::from(a) - f32::from(o)) / 255.0;
                (127.5 + delta * amplification * 255.0)
                    .round()
                    .clamp(0.0, 255.0) as u8
            })
            .collect(),
        ..original_image.clone()
    };
    Ok(AdversarialExample {
        attack: request.attack,
        original: original_image.to_rgba(),
        perturbation: perturbation.to_rgba(),
        amplification,
        linf,
        adversarial: adversarial_image.to_rgba(),
        original_top: top_k(&before, TOP_K),
        adversarial_top: top_k(&after, TOP_K),
        truth,
        classes: classes.to_vec(),
    })
}

/// Attacks one image on its own thread: [`LabEvent::Adversarial`] then
/// [`Event::Finished`].
pub fn spawn(request: ExploreRequest, wake: Waker) -> JobHandle {
    job::spawn_job("explore", wake, move |_inbox, out| {
        let selected = device::select(request.device)?;
        let trained = Trained::load(&request.model, &selected)?;
        let meta = &trained.checkpoint.meta;
        let (image, truth) = match &request.image {
            ExploreImage::Picture { image, truth } => {
                (image_from_rgba(image, meta.input.channels), *truth)
            }
            ExploreImage::File(path) => (classify::load_image(path, meta.input)?, None),
        };
        if image.width as usize != meta.input.width || image.height as usize != meta.input.height {
            bail!(
                "the picture is {}×{}, the model takes {}×{}",
                image.width,
                image.height,
                meta.input.width,
                meta.input.height
            );
        }
        let attacker = Attacker::for_trained(&trained);
        let example = explore(&attacker, &image, truth, &request, &meta.classes)?;
        out.send(Event::Lab(LabEvent::Adversarial(Box::new(example))));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// Reads a model's validation images (split as in its training run) on its own thread:
/// [`LabEvent::Gallery`] then [`Event::Finished`].
pub fn spawn_gallery(model: PathBuf, data: DataSpec, wake: Waker) -> JobHandle {
    job::spawn_job("gallery", wake, move |_inbox, out| {
        let ck = checkpoint::load(&model)?;
        let set = classify::load_split_for(&ck.meta, &data, out)?;
        let items = if set.val.is_empty() {
            set.train
        } else {
            set.val
        };
        let items = super::robustness::subset(items, Some(GALLERY_SIZE));
        out.send(Event::Lab(LabEvent::Gallery {
            classes: ck.meta.classes.clone(),
            images: items
                .iter()
                .map(|item| (item.image.to_rgba(), item.label))
                .collect(),
        }));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// Writes a picture as a PNG (grey when R = G = B everywhere), atomically.
pub fn save_png(path: &Path, picture: &RgbaImage) -> anyhow::Result<()> {
    let grey = picture
        .pixels
        .chunks_exact(4)
        .all(|p| p[0] == p[1] && p[1] == p[2]);
    let image = image_from_rgba(picture, if grey { 1 } else { 3 });
    let color = if grey {
        image::ExtendedColorType::L8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut bytes = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut bytes),
        &image.pixels,
        image.width,
        image.height,
        color,
    )
    .with_context(|| format!("encoding {}", path.display()))?;
    crate::core::files::write_atomic(path, &bytes)?;
    Ok(())
}

/// The default device for the explorer and the curve: the CPU keeps the GUI responsive
/// on machines whose GPU also draws the window.
pub const DEFAULT_DEVICE: DeviceChoice = DeviceChoice::Cpu;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_is_sorted() {
        assert_eq!(top_k(&[0.1, 0.7, 0.2], 2), vec![(1, 0.7), (2, 0.2)]);
    }

    #[test]
    fn png_round_trip_keeps_grey() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("adv.png");
        let picture = RgbaImage {
            width: 2,
            height: 1,
            pixels: vec![7, 7, 7, 255, 250, 250, 250, 255],
        };
        save_png(&path, &picture).unwrap();
        let back = image::open(&path).unwrap();
        assert_eq!(back.color(), image::ColorType::L8);
        assert_eq!(back.to_luma8().into_raw(), vec![7, 250]);
    }
}
