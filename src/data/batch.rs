//! Batches: `u8` images → normalised `f32` tensors data (NCHW), made on a loader thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::data::augment::Policy;
use crate::data::{Image, LabeledImage};

/// Batches the loader thread may have ready ahead of the consumer.
const QUEUE_DEPTH: usize = 4;

/// Per-channel mean and standard deviation on the 0..1 scale: a pixel `p` becomes
/// `(p / 255 - mean) / std`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Normalization {
    /// Mean of each channel.
    pub mean: Vec<f32>,
    /// Standard deviation of each channel (at least 1e-3).
    pub std: Vec<f32>,
}

impl Normalization {
    /// Smallest standard deviation kept (flat channels would otherwise divide by zero).
    pub const MIN_STD: f32 = 1e-3;

    /// The identity for `channels` channels: mean 0, std 1 (values stay on 0..1).
    pub fn identity(channels: u32) -> Self {
        let c = channels.max(1) as usize;
        Normalization {
            mean: vec![0.0; c],
            std: vec![1.0; c],
        }
    }

    /// Measures mean and standard deviation per channel over all pixels of `items`.
    /// A grey image counts towards every channel; with no pixels it is the identity.
    pub fn from_images(items: &[LabeledImage], channels: u32) -> Self {
        Self::from_pixels(items.iter().map(|item| &item.image), channels)
    }

    /// Like [`Normalization::from_images`], over any images.
    pub fn from_pixels<'a>(images: impl IntoIterator<Item = &'a Image>, channels: u32) -> Self {
        let c = channels.max(1) as usize;
        let mut sum = vec![0f64; c];
        let mut sum_sq = vec![0f64; c];
        let mut count = vec![0u64; c];
        for img in images {
            let ic = img.channels.max(1) as usize;
            for px in img.pixels.chunks_exact(ic) {
                for ch in 0..c {
                    let v = f64::from(px[ch.min(ic - 1)]) / 255.0;
                    sum[ch] += v;
                    sum_sq[ch] += v * v;
                    count[ch] += 1;
                }
            }
        }
        let mut mean = Vec::with_capacity(c);
        let mut std = Vec::with_capacity(c);
        for ch in 0..c {
            if count[ch] == 0 {
                mean.push(0.0);
                std.push(1.0);
                continue;
            }
            let n = count[ch] as f64;
            let m = sum[ch] / n;
            let var = (sum_sq[ch] / n - m * m).max(0.0);
            mean.push(m as f32);
            std.push((var.sqrt() as f32).max(Self::MIN_STD));
        }
        Normalization { mean, std }
    }

    fn channel(&self, c: usize) -> (f32, f32) {
        let mean = self
            .mean
            .get(c)
            .or(self.mean.last())
            .copied()
            .unwrap_or(0.0);
        let std = self.std.get(c).or(self.std.last()).copied().unwrap_or(1.0);
        (mean, std.max(Self::MIN_STD))
    }

    /// Normalises one image into `out` (CHW order, `channels` planes of `height × width`).
    /// Images of another size are sampled nearest-neighbour; another channel count is
    /// mapped channel by channel (grey is repeated).
    pub fn write_chw(
        &self,
        image: &Image,
        channels: usize,
        height: usize,
        width: usize,
    ) -> Vec<f32> {
        let mut out = vec![0f32; channels * height * width];
        let (iw, ih) = (image.width as usize, image.height as usize);
        let ic = image.channels.max(1) as usize;
        if iw == 0 || ih == 0 || image.pixels.len() < iw * ih * ic {
            return out;
        }
        let same = iw == width && ih == height;
        for c in 0..channels {
            let (mean, std) = self.channel(c);
            let src_c = c.min(ic - 1);
            let plane = &mut out[c * height * width..(c + 1) * height * width];
            for y in 0..height {
                let sy = if same { y } else { y * ih / height };
                for x in 0..width {
                    let sx = if same { x } else { x * iw / width };
                    let p = image.pixels[(sy * iw + sx) * ic + src_c];
                    plane[y * width + x] = (f32::from(p) / 255.0 - mean) / std;
                }
            }
        }
        out
    }
}

/// A batch ready for the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// `N * C * H * W` normalised values, each image in CHW order.
    pub images: Vec<f32>,
    /// One class index per image.
    pub labels: Vec<i64>,
    /// Index of each image in the item slice the batch was made from.
    pub indices: Vec<usize>,
    /// `[N, C, H, W]`.
    pub shape: [usize; 4],
}

impl Batch {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.shape[0]
    }

    /// Whether the batch holds no image.
    pub fn is_empty(&self) -> bool {
        self.shape[0] == 0
    }
}

/// Makes a batch of `items[indices]`, normalised with `norm`, augmented (flip and shift)
/// when `augment_rng` is given. The shape is taken from the first item; indices out of
/// range are left out.
pub fn make_batch(
    items: &[LabeledImage],
    indices: &[usize],
    norm: &Normalization,
    mut augment: Option<(&mut StdRng, Policy)>,
) -> Batch {
    let picked: Vec<usize> = indices
        .iter()
        .copied()
        .filter(|&i| i < items.len())
        .collect();
    let Some(first) = picked.first().map(|&i| &items[i].image) else {
        return Batch {
            images: Vec::new(),
            labels: Vec::new(),
            indices: Vec::new(),
            shape: [0, 0, 0, 0],
        };
    };
    let (c, h, w) = (
        first.channels.max(1) as usize,
        first.height as usize,
        first.width as usize,
    );
    let mut images = Vec::with_capacity(picked.len() * c * h * w);
    let mut labels = Vec::with_capacity(picked.len());
    for &i in &picked {
        let item = &items[i];
        let values = match augment.as_mut() {
            Some((rng, policy)) if !policy.is_off() => {
                let aug = policy.draw(&mut **rng, item.image.width, item.image.height);
                norm.write_chw(&aug.apply(&item.image), c, h, w)
            }
            _ => norm.write_chw(&item.image, c, h, w),
        };
        images.extend_from_slice(&values);
        labels.push(item.label as i64);
    }
    Batch {
        images,
        labels,
        shape: [picked.len(), c, h, w],
        indices: picked,
    }
}

/// Where a loader takes its images from: decoded images in memory, or files decoded batch
/// by batch ([`super::stream::StreamedImages`]).
pub trait ItemSource: Send + Sync {
    /// Number of images.
    fn len(&self) -> usize;

    /// Whether there is none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The batch of images `indices`, as [`make_batch`] makes it (images that cannot be
    /// had are left out).
    fn batch(
        &self,
        indices: &[usize],
        norm: &Normalization,
        augment: Option<(&mut StdRng, Policy)>,
    ) -> Batch;
}

impl ItemSource for Vec<LabeledImage> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn batch(
        &self,
        indices: &[usize],
        norm: &Normalization,
        augment: Option<(&mut StdRng, Policy)>,
    ) -> Batch {
        make_batch(self, indices, norm, augment)
    }
}

/// One epoch of batches, made on a background thread (at most 4 ready ahead).
///
/// Dropping the loader stops its thread after the batch it is making.
pub struct Loader {
    rx: Option<Receiver<Batch>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    num_batches: usize,
    received: usize,
}

impl Loader {
    /// Starts a loader over `items` in batches of `batch_size` (at least 1; the last batch
    /// may be smaller). With `shuffle` the order is a permutation drawn from `seed`; with
    /// `augment` each image is flipped and shifted at random (also seeded).
    pub fn new<S: ItemSource + ?Sized + 'static>(
        items: Arc<S>,
        batch_size: usize,
        norm: Normalization,
        shuffle: bool,
        augment: Policy,
        seed: u64,
    ) -> Loader {
        let batch_size = batch_size.max(1);
        let num_batches = items.len().div_ceil(batch_size);
        let (tx, rx) = sync_channel(QUEUE_DEPTH);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let spawned = std::thread::Builder::new()
            .name("visionlab-loader".into())
            .spawn(move || {
                let mut order: Vec<usize> = (0..items.len()).collect();
                if shuffle {
                    order.shuffle(&mut StdRng::seed_from_u64(seed));
                }
                let mut aug_rng = StdRng::seed_from_u64(seed ^ 0xA5A5_5A5A_D1B5_4A32);
                for chunk in order.chunks(batch_size) {
                    if thread_stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let batch = items.batch(chunk, &norm, Some((&mut aug_rng, augment)));
                    if tx.send(batch).is_err() {
                        return;
                    }
                }
            });
        // If the thread cannot be spawned the loader simply yields nothing.
        let (rx, handle) = match spawned {
            Ok(handle) => (Some(rx), Some(handle)),
            Err(_) => (None, None),
        };
        Loader {
            rx,
            stop,
            handle,
            num_batches,
            received: 0,
        }
    }

    /// Number of batches in the epoch (the last one may be partial).
    pub fn num_batches(&self) -> usize {
        self.num_batches
    }
}

impl Iterator for Loader {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        let batch = self.rx.as_ref()?.recv().ok()?;
        self.received += 1;
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.num_batches.saturating_sub(self.received);
        (0, Some(left))
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Dropping the receiver wakes a thread blocked in `send`.
        self.rx.take();
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<LabeledImage> {
        (0..n)
            .map(|i| LabeledImage {
                image: Image {
                    width: 4,
                    height: 3,
                    channels: 3,
                    pixels: (0..36).map(|p| ((p * 10 + i) % 256) as u8).collect(),
                },
                label: i % 3,
            })
            .collect()
    }

    #[test]
    fn normalization_stats() {
        let its = vec![
            LabeledImage {
                image: Image {
                    width: 2,
                    height: 1,
                    channels: 1,
                    pixels: vec![0, 255],
                },
                label: 0,
            },
            LabeledImage {
                image: Image {
                    width: 2,
                    height: 1,
                    channels: 1,
                    pixels: vec![0, 255],
                },
                label: 1,
            },
        ];
        let n = Normalization::from_images(&its, 1);
        assert!((n.mean[0] - 0.5).abs() < 1e-6);
        assert!((n.std[0] - 0.5).abs() < 1e-6);
        let flat = Normalization::from_images(&its[..0], 3);
        assert_eq!(flat, Normalization::identity(3));
        let json = serde_json::to_string(&n).unwrap_or_default();
        let back: Normalization = serde_json::from_str(&json).unwrap_or(flat);
        assert_eq!(back, n);
    }

    #[test]
    fn std_is_floored() {
        let its = vec![LabeledImage {
            image: Image {
                width: 2,
                height: 2,
                channels: 1,
                pixels: vec![9; 4],
            },
            label: 0,
        }];
        let n = Normalization::from_images(&its, 1);
        assert_eq!(n.std[0], Normalization::MIN_STD);
    }

    #[test]
    fn batch_layout_is_chw() {
        let its = items(5);
        let norm = Normalization::identity(3);
        let b = make_batch(&its, &[2, 0], &norm, None);
        assert_eq!(b.shape, [2, 3, 3, 4]);
        assert_eq!(b.labels, vec![2, 0]);
        assert_eq!(b.indices, vec![2, 0]);
        assert_eq!(b.images.len(), 2 * 36);
        // Image 2, channel 1, y 2, x 3 → HWC index (2*4+3)*3+1.
        let hwc = its[2].image.pixels[(2 * 4 + 3) * 3 + 1];
        let chw = b.images[12 + 2 * 4 + 3];
        assert!((chw - f32::from(hwc) / 255.0).abs() < 1e-6);
        let empty = make_batch(&its, &[], &norm, None);
        assert!(empty.is_empty());
    }

    #[test]
    fn augmented_batch_keeps_shape() {
        let its = items(4);
        let norm = Normalization::from_images(&its, 3);
        let mut rng = StdRng::seed_from_u64(0);
        let b = make_batch(
            &its,
            &[0, 1, 2, 3],
            &norm,
            Some((
                &mut rng,
                Policy {
                    shift: true,
                    flip: true,
                },
            )),
        );
        assert_eq!(b.shape, [4, 3, 3, 4]);
        assert_eq!(b.images.len(), 4 * 36);
    }

    #[test]
    fn loader_covers_epoch_once() {
        let its = Arc::new(items(23));
        let norm = Normalization::identity(3);
        let loader = Loader::new(Arc::clone(&its), 5, norm.clone(), true, Policy::OFF, 7);
        assert_eq!(loader.num_batches(), 5);
        let batches: Vec<Batch> = loader.collect();
        assert_eq!(batches.len(), 5);
        assert_eq!(batches[4].len(), 3);
        let mut seen: Vec<usize> = batches.iter().flat_map(|b| b.indices.clone()).collect();
        let order = seen.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..23).collect::<Vec<_>>());
        assert_ne!(order, (0..23).collect::<Vec<_>>());
        // Same seed, same order; no shuffle, natural order.
        let again: Vec<usize> =
            Loader::new(Arc::clone(&its), 5, norm.clone(), true, Policy::OFF, 7)
                .flat_map(|b| b.indices)
                .collect();
        assert_eq!(again, order);
        let plain: Vec<usize> = Loader::new(its, 5, norm, false, Policy::OFF, 7)
            .flat_map(|b| b.indices)
            .collect();
        assert_eq!(plain, (0..23).collect::<Vec<_>>());
    }

    #[test]
    fn dropping_loader_stops_thread() {
        let its = Arc::new(items(1000));
        let mut loader = Loader::new(
            its,
            1,
            Normalization::identity(3),
            false,
            Policy {
                shift: true,
                flip: true,
            },
            1,
        );
        assert!(loader.next().is_some());
        let start = std::time::Instant::now();
        drop(loader);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
