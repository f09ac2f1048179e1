//! How the C allocator treats the large, short-lived buffers of tensor work.
//!
//! Every training step allocates and frees the same activations, gradients and im2col
//! bands, 1–100 MB each. glibc serves blocks above its mmap threshold (128 KiB, raised
//! dynamically up to 32 MiB) with fresh `mmap`s and gives them back with `munmap` on free,
//! so each step faults in and zero-fills those pages again (7–11 % of a ConvNet or
//! MobileNetV2 training step, by `perf`), and it trims freed memory at the top of the heap
//! beyond 128 KiB. [`keep_freed_buffers`] raises both thresholds so freed buffers are
//! reused: measured on 2 cores, ConvNet training +7–17 %, MobileNetV2 fine-tuning +2–11 %,
//! the other benchmark rows unchanged. At most 256 MiB of freed memory stays with the
//! process.

/// Blocks up to this size come from the heap, not from their own `mmap`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 256 << 20;
/// Freed memory at the top of the heap beyond this is given back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 256 << 20;

/// Raises glibc's mmap and trim thresholds (see the module doc); call once, first thing in
/// `main`. Other platforms' allocators keep their own policy. Returns whether glibc took
/// both settings.
pub fn keep_freed_buffers() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes allocator parameters; both values are in range.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_thresholds() {
        assert!(super::keep_freed_buffers());
        // Buffers of the sizes a training step uses still allocate and free.
        let buffers: Vec<Vec<f32>> = (0..4).map(|i| vec![i as f32; 8 << 20]).collect();
        assert!(
            buffers
                .iter()
                .enumerate()
                .all(|(i, b)| b[b.len() - 1] == i as f32)
        );
    }
}
