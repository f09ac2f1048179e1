//! The detection view: a validation image with boxes (class name and score) drawn over it
//! by egui's painter, one colour per class (see [`palette`]) with a dark halo so a box shows
//! on any background, and labels placed apart and inside the image (see [`label_layout`])
//! in black or white, whichever reads better on the class colour; a score-threshold slider
//! that filters the boxes at once; prediction / ground truth / errors (missed truth dashed, false boxes marked)
//! modes; instance masks blended into the picture, one colour per instance; and a gallery
//! to pick the image.

use egui::{Color32, FontId, Pos2, Rect, RichText, Sense, Shape, Stroke, Ui, Vec2};

use crate::core::protocol::{BoxPrediction, DetectionSummary, LabeledBox, ScoredBox};
use crate::tasks::detect::paint_instances;
use crate::ui::detect::label_layout::{self, LabelRequest};
use crate::ui::detect::palette::{self, ERROR_COLOUR};
use crate::ui::widgets::textures::{Picture, TextureCache, show_picture};
use crate::ui::widgets::{class_name, unbroken};

/// Largest side of the main view, in points.
const VIEW_SIDE: f32 = 400.0;
/// Side of a gallery thumbnail, in points.
const THUMB_SIDE: f32 = 56.0;
/// Opacity of the instance masks.
const MASK_OPACITY: f32 = 0.5;
/// IoU at which a prediction counts as finding a true box (errors mode).
const MATCH_IOU: f32 = 0.5;

/// Which boxes the view draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxMode {
    /// The predicted boxes at or above the threshold.
    Prediction,
    /// The true boxes.
    Truth,
    /// Both, matched: found boxes in their class colour, false boxes and missed truth
    /// marked in red.
    Errors,
}

impl BoxMode {
    /// All modes, for the toggle.
    pub const ALL: [BoxMode; 3] = [BoxMode::Prediction, BoxMode::Truth, BoxMode::Errors];

    /// Name on the toggle.
    pub fn label(self) -> &'static str {
        match self {
            BoxMode::Prediction => "Prediction",
            BoxMode::Truth => "Ground truth",
            BoxMode::Errors => "Both, with errors",
        }
    }
}

/// One validation image with its boxes, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxesItem {
    /// Name of the image.
    pub name: String,
    /// The image.
    pub picture: Picture,
    /// True boxes.
    pub truth: Vec<LabeledBox>,
    /// Predicted boxes, best first.
    pub predicted: Vec<ScoredBox>,
}

/// What a box drawn in the view is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DrawnKind {
    /// A prediction (matched to a true box in the errors mode).
    Predicted(f32),
    /// A true box.
    Truth,
    /// A prediction that matches no true box (errors mode).
    False(f32),
    /// A true box no prediction found (errors mode).
    Missed,
}

/// A box to draw, in image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drawn {
    /// Class and corners.
    pub bbox: LabeledBox,
    /// What it is.
    pub kind: DrawnKind,
}

/// The detection view's data and controls.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxesState {
    /// Validation images of the last epoch.
    pub items: Vec<BoxesItem>,
    /// Index of the image shown.
    pub selected: usize,
    /// Boxes scoring below this are hidden.
    pub threshold: f32,
    /// What is drawn.
    pub mode: BoxMode,
    /// Blend the instance masks of the shown predictions into the image.
    pub show_masks: bool,
}

impl Default for BoxesState {
    fn default() -> Self {
        BoxesState {
            items: Vec::new(),
            selected: 0,
            threshold: 0.3,
            mode: BoxMode::Prediction,
            show_masks: true,
        }
    }
}

impl BoxesState {
    /// Takes in an epoch's validation boxes (the selection is kept when it still exists).
    pub fn set_boxes(&mut self, boxes: Vec<BoxPrediction>) {
        self.items = boxes
            .into_iter()
            .map(|b| BoxesItem {
                name: b.name,
                picture: Picture::new(b.image),
                truth: b.truth,
                predicted: b.predicted,
            })
            .collect();
        if self.selected >= self.items.len() {
            self.selected = 0;
        }
    }

    /// Forgets a run's results (a new run starts).
    pub fn clear(&mut self) {
        self.items.clear();
        self.selected = 0;
    }

    /// The image shown.
    pub fn current(&self) -> Option<&BoxesItem> {
        self.items.get(self.selected)
    }

    /// The boxes the view draws for the shown image with the current threshold and mode.
    pub fn drawn(&self) -> Vec<Drawn> {
        self.current()
            .map(|item| boxes_to_draw(item, self.threshold, self.mode))
            .unwrap_or_default()
    }
}

/// Intersection over union of two boxes (0 when either is empty).
fn iou(a: &LabeledBox, b: &LabeledBox) -> f32 {
    let w = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let h = (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0);
    let inter = w * h;
    let area = |r: &LabeledBox| (r.x1 - r.x0).max(0.0) * (r.y1 - r.y0).max(0.0);
    let union = area(a) + area(b) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// The boxes of `item` to draw at `threshold` in `mode`. In the errors mode, predictions
/// (best first) are matched greedily to unmatched true boxes of their class with IoU ≥ 0.5.
pub fn boxes_to_draw(item: &BoxesItem, threshold: f32, mode: BoxMode) -> Vec<Drawn> {
    let shown = item.predicted.iter().filter(|p| p.score >= threshold);
    match mode {
        BoxMode::Prediction => shown
            .map(|p| Drawn {
                bbox: p.bbox,
                kind: DrawnKind::Predicted(p.score),
            })
            .collect(),
        BoxMode::Truth => item
            .truth
            .iter()
            .map(|t| Drawn {
                bbox: *t,
                kind: DrawnKind::Truth,
            })
            .collect(),
        BoxMode::Errors => {
            let mut matched = vec![false; item.truth.len()];
            let mut drawn = Vec::new();
            for p in shown {
                let best = item
                    .truth
                    .iter()
                    .enumerate()
                    .filter(|(i, t)| !matched[*i] && t.class == p.bbox.class)
                    .map(|(i, t)| (i, iou(t, &p.bbox)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                let kind = match best {
                    Some((i, overlap)) if overlap >= MATCH_IOU => {
                        matched[i] = true;
                        DrawnKind::Predicted(p.score)
                    }
                    _ => DrawnKind::False(p.score),
                };
                drawn.push(Drawn { bbox: p.bbox, kind });
            }
            for (t, found) in item.truth.iter().zip(matched) {
                if !found {
                    drawn.push(Drawn {
                        bbox: *t,
                        kind: DrawnKind::Missed,
                    });
                }
            }
            drawn
        }
    }
}

/// Draws the detection panel with the names of `classes`; `last` is the last epoch's
/// validation (its mAP and per-class AP).
pub fn show(
    ui: &mut Ui,
    boxes: &mut BoxesState,
    last: Option<&DetectionSummary>,
    classes: &[String],
    textures: &mut TextureCache,
) {
    header(ui, boxes);
    if boxes.items.is_empty() {
        ui.label(RichText::new("Validation boxes appear here after each epoch.").weak());
        return;
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| main_view(ui, boxes, textures, classes));
        ui.add_space(16.0);
        ui.vertical(|ui| legend(ui, boxes, last, classes));
    });
    ui.separator();
    gallery(ui, boxes, last, textures);
}

fn header(ui: &mut Ui, boxes: &mut BoxesState) {
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Boxes ({} images)", boxes.items.len()));
        ui.separator();
        for mode in BoxMode::ALL {
            ui.selectable_value(&mut boxes.mode, mode, mode.label());
        }
        ui.separator();
        unbroken(ui, 270.0, |ui| {
            ui.add(
                egui::Slider::new(&mut boxes.threshold, 0.0..=1.0)
                    .text("score threshold")
                    .fixed_decimals(2),
            );
        });
        ui.checkbox(&mut boxes.show_masks, "instance masks");
    });
}

fn main_view(ui: &mut Ui, boxes: &BoxesState, textures: &mut TextureCache, classes: &[String]) {
    let Some(item) = boxes.current() else {
        return;
    };
    let image = &item.picture.image;
    let (w, h) = (image.width.max(1), image.height.max(1));
    let side = VIEW_SIDE
        .min(ui.available_width().max(120.0))
        .min((ui.available_height() - 150.0).max(160.0));
    let scale = side / w.max(h) as f32;
    let size = Vec2::new(w as f32 * scale, h as f32 * scale);
    // Instance masks of the shown predictions, blended on the CPU (small images); the
    // texture cache keeps each composed picture by content.
    let picture = if boxes.show_masks && boxes.mode != BoxMode::Truth {
        let visible: Vec<ScoredBox> = item
            .predicted
            .iter()
            .filter(|p| p.score >= boxes.threshold)
            .cloned()
            .collect();
        let mut blended = image.clone();
        paint_instances(&mut blended, &visible, MASK_OPACITY);
        Picture::new(blended)
    } else {
        item.picture.clone()
    };
    let response = match textures.get(ui.ctx(), &picture) {
        Some(texture) => ui.add(
            egui::Image::new((texture.id(), size))
                .fit_to_exact_size(size)
                .sense(Sense::hover()),
        ),
        None => ui.allocate_exact_size(size, Sense::hover()).1,
    };
    let drawn = boxes_to_draw(item, boxes.threshold, boxes.mode);
    paint_boxes(ui, response.rect, scale, &drawn, classes);
    ui.label(format!("{} boxes drawn", drawn.len()));
    let (missed, false_boxes) = drawn.iter().fold((0, 0), |(m, f), d| match d.kind {
        DrawnKind::Missed => (m + 1, f),
        DrawnKind::False(_) => (m, f + 1),
        _ => (m, f),
    });
    let mut info = format!(
        "{} · {} true, {} predicted ≥ {:.2}",
        item.name,
        item.truth.len(),
        item.predicted
            .iter()
            .filter(|p| p.score >= boxes.threshold)
            .count(),
        boxes.threshold
    );
    if boxes.mode == BoxMode::Errors {
        info.push_str(&format!(" · {missed} missed, {false_boxes} false"));
    }
    ui.label(RichText::new(info).weak());
}

fn colour_of(class: usize) -> Color32 {
    palette::class_colour(class)
}

/// Font of the box labels.
const LABEL_FONT: f32 = 12.0;
/// Padding around a label's text, in points.
const LABEL_PADDING: Vec2 = Vec2::new(3.0, 1.0);
/// The halo under each box outline: dark and translucent, so a box stands out on light and
/// dark pictures alike.
const HALO: Stroke = Stroke {
    width: 4.0,
    color: Color32::from_rgba_premultiplied(0, 0, 0, 150),
};

/// A box on screen, with its colour and label.
struct ScreenBox {
    rect: Rect,
    colour: Color32,
    label: String,
    kind: DrawnKind,
}

/// Draws `drawn` over the image at `image` (`scale` points per pixel): the outlines
/// first, then every label where [`label_layout`] puts it, so no label hides under a box.
pub fn paint_boxes(ui: &Ui, image: Rect, scale: f32, drawn: &[Drawn], classes: &[String]) {
    let painter = ui.painter_at(image);
    let boxes: Vec<ScreenBox> = drawn
        .iter()
        .filter_map(|d| screen_box(image.min, scale, d, classes))
        .collect();
    for b in &boxes {
        paint_outline(&painter, b);
    }
    let font = FontId::proportional(LABEL_FONT);
    // Black or white text, whichever reads better on the class colour.
    let galleys: Vec<_> = boxes
        .iter()
        .map(|b| {
            let text = palette::text_colour_on(b.colour);
            painter.layout_no_wrap(b.label.clone(), font.clone(), text)
        })
        .collect();
    let requests: Vec<LabelRequest> = boxes
        .iter()
        .zip(&galleys)
        .map(|(b, g)| LabelRequest {
            target: b.rect,
            size: g.size() + 2.0 * LABEL_PADDING,
        })
        .collect();
    let places = label_layout::place_labels(image, &requests);
    for ((b, galley), place) in boxes.iter().zip(galleys).zip(places) {
        painter.rect_filled(place, 2.0, b.colour);
        painter.galley(place.min + LABEL_PADDING, galley, Color32::BLACK);
    }
}

fn screen_box(origin: Pos2, scale: f32, d: &Drawn, classes: &[String]) -> Option<ScreenBox> {
    let b = &d.bbox;
    if !(b.x0.is_finite() && b.y0.is_finite() && b.x1.is_finite() && b.y1.is_finite()) {
        return None;
    }
    let rect = Rect::from_min_max(
        origin + Vec2::new(b.x0, b.y0) * scale,
        origin + Vec2::new(b.x1, b.y1) * scale,
    );
    let name = class_name(classes, b.class);
    let (colour, label) = match d.kind {
        DrawnKind::Predicted(score) => (colour_of(b.class), format!("{name} {score:.2}")),
        DrawnKind::Truth => (colour_of(b.class), name),
        DrawnKind::False(score) => (ERROR_COLOUR, format!("false: {name} {score:.2}")),
        DrawnKind::Missed => (ERROR_COLOUR, format!("missed {name}")),
    };
    Some(ScreenBox {
        rect,
        colour,
        label,
        kind: d.kind,
    })
}

fn paint_outline(painter: &egui::Painter, b: &ScreenBox) {
    let rect = b.rect;
    let stroke = Stroke::new(2.0, b.colour);
    if b.kind == DrawnKind::Missed {
        let corners = [
            rect.left_top(),
            rect.right_top(),
            rect.right_bottom(),
            rect.left_bottom(),
            rect.left_top(),
        ];
        painter.extend(Shape::dashed_line(&corners, HALO, 6.0, 4.0));
        painter.extend(Shape::dashed_line(&corners, stroke, 6.0, 4.0));
    } else {
        painter.rect_stroke(rect, 0.0, HALO, egui::StrokeKind::Middle);
        painter.rect_stroke(rect, 0.0, stroke, egui::StrokeKind::Middle);
        if matches!(b.kind, DrawnKind::False(_)) {
            // A cross through a false box.
            let thin = Stroke::new(1.0, b.colour);
            painter.line_segment([rect.left_top(), rect.right_bottom()], thin);
            painter.line_segment([rect.right_top(), rect.left_bottom()], thin);
        }
    }
}

fn swatch(ui: &mut Ui, colour: Color32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
}

fn legend(ui: &mut Ui, boxes: &BoxesState, last: Option<&DetectionSummary>, classes: &[String]) {
    ui.label(RichText::new("Legend").strong());
    if let Some(s) = last {
        ui.label(format!(
            "epoch {}: mAP@0.5 {:.3} · mAP@0.5:0.95 {:.3}",
            s.epoch, s.map50, s.map
        ));
    }
    egui::Grid::new("boxes-legend")
        .num_columns(3)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for (i, name) in classes.iter().enumerate() {
                swatch(ui, colour_of(i));
                ui.label(name);
                match last.and_then(|s| s.class_ap50.get(i).copied().flatten()) {
                    Some(ap) => ui.label(format!("AP50 {ap:.3}")),
                    None => ui.label(""),
                };
                ui.end_row();
            }
            if boxes.mode == BoxMode::Errors {
                swatch(ui, ERROR_COLOUR);
                ui.label("missed (dashed) / false (crossed out)");
                ui.label("");
                ui.end_row();
            }
        });
}

fn gallery(
    ui: &mut Ui,
    boxes: &mut BoxesState,
    last: Option<&DetectionSummary>,
    textures: &mut TextureCache,
) {
    ui.label(
        RichText::new(format!(
            "Validation images (epoch {}): click one to view it",
            last.map_or(0, |s| s.epoch)
        ))
        .weak(),
    );
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("boxes-gallery")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (i, item) in boxes.items.iter().enumerate() {
                    let selected = i == boxes.selected;
                    let stroke = if selected {
                        Stroke::new(2.0, ui.visuals().selection.stroke.color)
                    } else {
                        Stroke::new(1.0, ui.visuals().weak_text_color())
                    };
                    let found = item
                        .predicted
                        .iter()
                        .filter(|p| p.score >= boxes.threshold)
                        .count();
                    let response = egui::Frame::new()
                        .stroke(stroke)
                        .inner_margin(2.0)
                        .show(ui, |ui| {
                            ui.vertical(|ui| {
                                show_picture(ui, &item.picture, THUMB_SIDE, textures);
                                ui.label(
                                    RichText::new(format!("{found}/{}", item.truth.len())).small(),
                                );
                            });
                        })
                        .response
                        .interact(Sense::click())
                        .on_hover_text(&item.name);
                    if response.clicked() {
                        clicked = Some(i);
                    }
                }
            });
        });
    if let Some(i) = clicked {
        boxes.selected = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::RgbaImage;

    fn b(class: usize, x0: f32) -> LabeledBox {
        LabeledBox {
            class,
            x0,
            y0: 0.0,
            x1: x0 + 10.0,
            y1: 10.0,
        }
    }

    fn item() -> BoxesItem {
        BoxesItem {
            name: "x".into(),
            picture: Picture::new(RgbaImage {
                width: 2,
                height: 2,
                pixels: vec![0; 16],
            }),
            truth: vec![b(0, 0.0), b(1, 20.0)],
            predicted: vec![
                ScoredBox {
                    bbox: b(0, 1.0),
                    score: 0.9,
                    mask: None,
                },
                ScoredBox {
                    bbox: b(2, 40.0),
                    score: 0.4,
                    mask: None,
                },
                ScoredBox {
                    bbox: b(1, 20.0),
                    score: 0.1,
                    mask: None,
                },
            ],
        }
    }

    #[test]
    fn the_threshold_filters_predictions() {
        let item = item();
        assert_eq!(boxes_to_draw(&item, 0.05, BoxMode::Prediction).len(), 3);
        assert_eq!(boxes_to_draw(&item, 0.3, BoxMode::Prediction).len(), 2);
        assert_eq!(boxes_to_draw(&item, 0.95, BoxMode::Prediction).len(), 0);
        assert_eq!(boxes_to_draw(&item, 0.95, BoxMode::Truth).len(), 2);
    }

    #[test]
    fn errors_mark_missed_and_false_boxes() {
        let drawn = boxes_to_draw(&item(), 0.3, BoxMode::Errors);
        let kinds: Vec<DrawnKind> = drawn.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            vec![
                DrawnKind::Predicted(0.9),
                DrawnKind::False(0.4),
                DrawnKind::Missed
            ]
        );
        assert_eq!(drawn[2].bbox.class, 1);
    }
}
