//! Where the detection view puts each box's label: greedily, in the order given (the most
//! important first), at the first of a list of spots around the box (above its top-left
//! corner, inside it, below it, the right-hand corners, then stacked further out) that
//! stays inside the image and covers no label placed before; a spot that would leave the
//! image is slid back inside. When every spot is taken the label goes where it covers the
//! least, still inside the image, so no label is ever clipped.

use egui::{Pos2, Rect, Vec2};

/// How many label heights a label may be stacked away from its box.
const MAX_STACK: usize = 6;

/// A label to place: the box it names and the label's size, in screen points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelRequest {
    /// The box.
    pub target: Rect,
    /// Width and height of the label (text and padding).
    pub size: Vec2,
}

/// The rectangle of each label, in the order of `labels`, inside `bounds` (unless a label
/// is larger than `bounds`; then it starts at its top-left corner).
pub fn place_labels(bounds: Rect, labels: &[LabelRequest]) -> Vec<Rect> {
    let mut placed: Vec<Rect> = Vec::with_capacity(labels.len());
    for label in labels {
        let spots: Vec<Rect> = candidates(label)
            .into_iter()
            .map(|spot| clamp_into(spot, bounds))
            .collect();
        let free = spots
            .iter()
            .find(|spot| placed.iter().all(|p| overlap(p, spot) <= 0.0));
        let chosen = match free {
            Some(spot) => *spot,
            None => spots
                .iter()
                .min_by(|a, b| {
                    let covered = |r: &Rect| placed.iter().map(|p| overlap(p, r)).sum::<f32>();
                    covered(a).total_cmp(&covered(b))
                })
                .copied()
                .unwrap_or_else(|| clamp_into(Rect::from_min_size(bounds.min, label.size), bounds)),
        };
        placed.push(chosen);
    }
    placed
}

/// The spots to try for `label`, best first.
fn candidates(label: &LabelRequest) -> Vec<Rect> {
    let (b, s) = (label.target, label.size);
    let at = |x: f32, y: f32| Rect::from_min_size(Pos2::new(x, y), s);
    let (left, right) = (b.left(), b.right() - s.x);
    let (above, inside_top) = (b.top() - s.y, b.top());
    let (below, inside_bottom) = (b.bottom(), b.bottom() - s.y);
    let mut spots = Vec::with_capacity(8 + 6 * MAX_STACK);
    for x in [left, right] {
        for y in [above, inside_top, below, inside_bottom] {
            spots.push(at(x, y));
        }
    }
    for k in 1..=MAX_STACK {
        let step = k as f32 * s.y;
        for x in [left, right] {
            spots.push(at(x, above - step));
            spots.push(at(x, inside_top + step));
            spots.push(at(x, below + step));
        }
    }
    spots
}

/// `rect` moved (not resized) to lie inside `bounds` where it fits.
fn clamp_into(rect: Rect, bounds: Rect) -> Rect {
    let size = rect.size();
    let x = rect.min.x.min(bounds.max.x - size.x).max(bounds.min.x);
    let y = rect.min.y.min(bounds.max.y - size.y).max(bounds.min.y);
    Rect::from_min_size(Pos2::new(x, y), size)
}

/// The area two rectangles share (0 when they only touch).
fn overlap(a: &Rect, b: &Rect) -> f32 {
    let w = (a.max.x.min(b.max.x) - a.min.x.max(b.min.x)).max(0.0);
    let h = (a.max.y.min(b.max.y) - a.min.y.max(b.min.y)).max(0.0);
    w * h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect::from_min_max(Pos2::new(x0, y0), Pos2::new(x1, y1))
    }

    fn request(target: Rect, width: f32) -> LabelRequest {
        LabelRequest {
            target,
            size: Vec2::new(width, 14.0),
        }
    }

    fn assert_inside(bounds: Rect, labels: &[Rect]) {
        for label in labels {
            assert!(
                bounds.contains_rect(*label),
                "{label:?} leaves the image {bounds:?}"
            );
        }
    }

    fn assert_apart(labels: &[Rect]) {
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert_eq!(overlap(a, b), 0.0, "{a:?} covers {b:?}");
            }
        }
    }

    #[test]
    fn a_lone_label_sits_above_the_top_left_corner() {
        let bounds = rect(0.0, 0.0, 400.0, 400.0);
        let placed = place_labels(bounds, &[request(rect(100.0, 100.0, 200.0, 200.0), 60.0)]);
        assert_eq!(placed, [rect(100.0, 86.0, 160.0, 100.0)]);
    }

    /// Five boxes stacked on the same spot: five labels, none covering another, all inside.
    #[test]
    fn stacked_boxes_get_labels_that_do_not_overlap() {
        let bounds = rect(0.0, 0.0, 400.0, 400.0);
        let labels: Vec<LabelRequest> = (0..5)
            .map(|i| request(rect(150.0, 150.0 + i as f32, 250.0, 250.0), 80.0))
            .collect();
        let placed = place_labels(bounds, &labels);
        assert_eq!(placed.len(), 5);
        assert_inside(bounds, &placed);
        assert_apart(&placed);
    }

    /// Boxes at every edge and corner: the labels slide inside; many at one corner still
    /// stay inside and apart while there is room.
    #[test]
    fn labels_never_leave_the_image() {
        let bounds = rect(10.0, 20.0, 266.0, 276.0);
        let boxes = [
            rect(10.0, 20.0, 60.0, 60.0),     // top-left corner
            rect(230.0, 20.0, 266.0, 50.0),   // top-right corner, label wider than the box
            rect(10.0, 240.0, 40.0, 276.0),   // bottom-left
            rect(200.0, 250.0, 266.0, 276.0), // bottom-right
            rect(-30.0, 100.0, 20.0, 150.0),  // partly outside
            rect(100.0, 100.0, 101.0, 101.0), // tiny
        ];
        let labels: Vec<LabelRequest> = boxes.iter().map(|b| request(*b, 90.0)).collect();
        let placed = place_labels(bounds, &labels);
        assert_inside(bounds, &placed);
        assert_apart(&placed);
        // Twenty labels crowding one corner of a small image: all inside, none lost.
        let crowd: Vec<LabelRequest> = (0..20)
            .map(|_| request(rect(10.0, 20.0, 30.0, 40.0), 70.0))
            .collect();
        let placed = place_labels(bounds, &crowd);
        assert_eq!(placed.len(), 20);
        assert_inside(bounds, &placed);
    }

    #[test]
    fn a_label_larger_than_the_image_starts_at_its_corner() {
        let bounds = rect(0.0, 0.0, 50.0, 10.0);
        let placed = place_labels(bounds, &[request(rect(20.0, 2.0, 30.0, 8.0), 80.0)]);
        assert_eq!(placed[0].min, Pos2::new(0.0, 0.0));
    }
}
