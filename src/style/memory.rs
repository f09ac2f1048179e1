//! Memory a stylization needs, estimated before it starts, so an output size that would
//! not fit is refused with a clear message instead of failing half-way.

use crate::core::protocol::StyleMethod;
use crate::models::mobilenet_v2::STAGES;
use crate::style::StyleError;

/// Bytes per `f32`.
const F32: u64 = 4;

/// `(channels, stride)` of each MobileNetV2 stage's output and of the expanded tensors inside
/// it, as the network computes them: `(output channels, output stride, hidden channels,
/// hidden stride)`.
fn mobilenet_stages() -> Vec<(u64, u64, u64, u64)> {
    const SETTINGS: [(u64, u64, u64, u64); 7] = [
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ];
    let mut stages = vec![(32, 2, 32, 2)];
    let (mut cin, mut stride) = (32u64, 2u64);
    for (t, c, n, s) in SETTINGS {
        for i in 0..n {
            let s = if i == 0 { s } else { 1 };
            let hidden_stride = stride; // the expand conv runs at the input's resolution
            stride *= s;
            stages.push((c, stride, cin * t, hidden_stride));
            cin = c;
        }
    }
    stages.push((1280, stride, 1280, stride));
    debug_assert_eq!(stages.len(), STAGES);
    stages
}

/// Activation elements MobileNetV2 produces up to stage `deepest` for a `w×h` image,
/// counting each conv, batch norm and ReLU6 output of every block.
pub fn mobilenet_elements(width: u32, height: u32, deepest: usize) -> u64 {
    let (w, h) = (u64::from(width), u64::from(height));
    mobilenet_stages()
        .into_iter()
        .take(deepest + 1)
        .map(|(c, s, hidden, hs)| {
            let out = c * w.div_ceil(s) * h.div_ceil(s);
            let inner = hidden * w.div_ceil(hs) * h.div_ceil(hs);
            // expand (conv, bn, relu) + depthwise (conv, bn, relu) + project (conv, bn)
            3 * inner + 3 * inner / 2 + 2 * out
        })
        .sum()
}

/// Estimated peak bytes of one stylization at `width×height`.
///
/// - optimisation: MobileNetV2's activations up to the deepest layer used, kept for the
///   backward pass, their gradients and the optimizer's state (factor 3), plus the
///   style image's pass;
/// - fast: the 26-style network's widest layers (32 channels at full resolution, several
///   alive at once);
/// - arbitrary: the transformer network at its working size plus the style predictor.
pub fn estimate_bytes(method: StyleMethod, width: u32, height: u32, deepest: usize) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    match method {
        StyleMethod::Optimize => {
            3 * F32 * mobilenet_elements(width, height, deepest) + 12 * F32 * pixels
        }
        StyleMethod::Fast => 6 * 32 * F32 * pixels + 64 * 1024 * 1024,
        StyleMethod::Arbitrary => 6 * 32 * F32 * pixels + 256 * 1024 * 1024,
    }
}

/// Bytes the device can be expected to give: on the CPU the available memory
/// (`/proc/meminfo`'s MemAvailable, 70 % of it); on a GPU 8 GiB, or `VISIONLAB_MEMORY_MB`
/// when set (for either).
pub fn budget_bytes(is_gpu: bool) -> u64 {
    if let Some(mb) = std::env::var("VISIONLAB_MEMORY_MB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return mb * 1024 * 1024;
    }
    if is_gpu {
        return 8 * 1024 * 1024 * 1024;
    }
    available_memory().map_or(8 * 1024 * 1024 * 1024, |bytes| bytes / 10 * 7)
}

fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Refuses a size whose estimate exceeds `budget`, saying what would fit.
pub fn check(
    method: StyleMethod,
    width: u32,
    height: u32,
    deepest: usize,
    budget: u64,
) -> Result<(), StyleError> {
    let need = estimate_bytes(method, width, height, deepest);
    if need <= budget {
        return Ok(());
    }
    // The largest side (same aspect) whose estimate fits.
    let longest = width.max(height);
    let mut side = longest;
    while side > 16 {
        side = side * 9 / 10;
        let w = (u64::from(width) * u64::from(side) / u64::from(longest)).max(1) as u32;
        let h = (u64::from(height) * u64::from(side) / u64::from(longest)).max(1) as u32;
        if estimate_bytes(method, w, h, deepest) <= budget {
            break;
        }
    }
    Err(StyleError::Memory {
        size: format!("{width}×{height}"),
        need_mb: need / (1024 * 1024),
        budget_mb: budget / (1024 * 1024),
        suggestion: side,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_grows_with_size_and_depth() {
        let small = estimate_bytes(StyleMethod::Optimize, 256, 256, 14);
        let large = estimate_bytes(StyleMethod::Optimize, 512, 512, 14);
        assert!(large > 3 * small && large < 5 * small, "{small} {large}");
        assert!(mobilenet_elements(256, 256, 7) < mobilenet_elements(256, 256, 14));
    }

    #[test]
    fn too_large_is_refused_with_a_smaller_suggestion() {
        let budget = estimate_bytes(StyleMethod::Optimize, 512, 512, 14);
        assert!(check(StyleMethod::Optimize, 512, 512, 14, budget).is_ok());
        let err = check(StyleMethod::Optimize, 4000, 3000, 14, budget).unwrap_err();
        let StyleError::Memory { suggestion, .. } = &err else {
            panic!("{err}")
        };
        assert!(
            *suggestion <= 512 * 4 / 3 + 1 && *suggestion > 256,
            "{suggestion}"
        );
        assert!(err.to_string().contains("4000×3000"), "{err}");
    }
}
