//! The SSD anchors of BlazeFace short-range, as MediaPipe's `SsdAnchorsCalculator` makes them
//! with the model's options (`face_detection_short_range.pbtxt`): 4 layers with strides 8,
//! 16, 16, 16 on a 128² input, one aspect ratio (1.0) plus the interpolated scale, so 2
//! anchors per cell and layer, layers of the same stride sharing their cells; fixed anchor
//! size (every anchor is 1 × 1), centres at the cell middles. 16² · 2 + 8² · 6 = 896.

/// Side of the network's square input, in pixels.
pub const INPUT_SIDE: usize = 128;

/// The strides of the anchor layers.
pub const STRIDES: [usize; 4] = [8, 16, 16, 16];

/// Anchors per cell that each layer adds (its aspect ratio 1.0 and the interpolated scale).
const ANCHORS_PER_LAYER: usize = 2;

/// Number of anchors (rows of the network's outputs).
pub const ANCHORS: usize = 896;

/// An anchor's centre, as a fraction of the input's width and height (its size is 1 × 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    /// Horizontal centre, 0..1.
    pub x: f32,
    /// Vertical centre, 0..1.
    pub y: f32,
}

/// The anchors in the order of the network's output rows: stride 8's 16 × 16 cells (2 each),
/// then stride 16's 8 × 8 cells (6 each), row by row.
pub fn anchors() -> Vec<Anchor> {
    let mut out = Vec::with_capacity(ANCHORS);
    let mut layer = 0;
    while layer < STRIDES.len() {
        let stride = STRIDES[layer];
        let same = STRIDES[layer..]
            .iter()
            .take_while(|&&s| s == stride)
            .count();
        let cells = INPUT_SIDE.div_ceil(stride);
        for y in 0..cells {
            for x in 0..cells {
                let anchor = Anchor {
                    x: (x as f32 + 0.5) / cells as f32,
                    y: (y as f32 + 0.5) / cells as f32,
                };
                out.extend(std::iter::repeat_n(anchor, same * ANCHORS_PER_LAYER));
            }
        }
        layer += same;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_896_anchors_at_the_cell_centres() {
        let a = anchors();
        assert_eq!(a.len(), ANCHORS);
        // Stride 8: 16 × 16 cells, two anchors each.
        assert_eq!(
            a[0],
            Anchor {
                x: 0.5 / 16.0,
                y: 0.5 / 16.0
            }
        );
        assert_eq!(a[1], a[0]);
        assert_eq!(
            a[2],
            Anchor {
                x: 1.5 / 16.0,
                y: 0.5 / 16.0
            }
        );
        assert_eq!(
            a[511],
            Anchor {
                x: 15.5 / 16.0,
                y: 15.5 / 16.0
            }
        );
        // Stride 16: 8 × 8 cells, six anchors each.
        assert_eq!(
            a[512],
            Anchor {
                x: 0.5 / 8.0,
                y: 0.5 / 8.0
            }
        );
        assert_eq!(a[517], a[512]);
        assert_eq!(
            a[518],
            Anchor {
                x: 1.5 / 8.0,
                y: 0.5 / 8.0
            }
        );
        assert_eq!(
            a[895],
            Anchor {
                x: 7.5 / 8.0,
                y: 7.5 / 8.0
            }
        );
    }
}
