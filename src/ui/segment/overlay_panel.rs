//! The segmentation overlay: a validation image with its predicted mask, the ground truth
//! or the errors colour-blended over it; an opacity slider, a colour legend with each
//! class's IoU, the class under the pointer, and a gallery to pick the image.

use egui::{Color32, RichText, Sense, Ui, Vec2};

use crate::core::device::{self, Placement};
use crate::tasks::segment::class_colour;
use crate::tasks::segment::data::IGNORE;
use crate::ui::segment::SegmentTab;
use crate::ui::segment::overlay::{ERROR_COLOUR, OverlayMode, compose};
use crate::ui::segment::overlay_gpu::{self, UploadCounter};
use crate::ui::widgets::textures::{Picture, TextureCache, show_picture};
use crate::ui::widgets::{class_name, unbroken};

/// Largest side of the main view, in points.
const VIEW_SIDE: f32 = 360.0;
/// Side of a gallery thumbnail, in points.
const THUMB_SIDE: f32 = 56.0;

/// Draws the overlay panel with the names of `classes`. `gpu` is the upload counter when
/// the WGSL path is installed.
pub fn show(
    ui: &mut Ui,
    tab: &mut SegmentTab,
    classes: &[String],
    textures: &mut TextureCache,
    gpu: Option<&UploadCounter>,
) {
    header(ui, tab, gpu);
    if tab.overlay.masks.is_empty() {
        ui.label(RichText::new("Validation masks appear here after each epoch.").weak());
        legend(ui, tab, classes);
        return;
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| main_view(ui, tab, textures, gpu, classes));
        // Space, not a separator: a vertical separator would take the whole height and
        // push the gallery out of view.
        ui.add_space(16.0);
        ui.vertical(|ui| legend(ui, tab, classes));
    });
    ui.separator();
    gallery(ui, tab, textures);
}

fn header(ui: &mut Ui, tab: &mut SegmentTab, gpu: Option<&UploadCounter>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Masks ({})", tab.overlay.masks.len()));
        ui.separator();
        for mode in OverlayMode::ALL {
            ui.selectable_value(&mut tab.overlay.mode, mode, mode.label());
        }
        ui.separator();
        unbroken(ui, 230.0, |ui| {
            ui.add(
                egui::Slider::new(&mut tab.overlay.opacity, 0.0..=1.0)
                    .text("opacity")
                    .fixed_decimals(2),
            );
        });
        ui.separator();
        let runs_on = device::runs_on(&Placement::renderer(gpu.and_then(UploadCounter::adapter)));
        let how = match gpu {
            Some(counter) => format!(
                "the WGSL shader draws the overlay ({} uploads)",
                counter.get()
            ),
            None => "the overlay is coloured on the CPU (no WGSL shader)".to_string(),
        };
        ui.label(RichText::new(format!("Overlay · {runs_on}")).weak())
            .on_hover_text(how);
    });
}

fn main_view(
    ui: &mut Ui,
    tab: &mut SegmentTab,
    textures: &mut TextureCache,
    gpu: Option<&UploadCounter>,
    classes: &[String],
) {
    let Some(view) = tab.overlay.current().cloned() else {
        return;
    };
    let (w, h) = (view.pixels.width.max(1), view.pixels.height.max(1));
    // Leave room below for the gallery.
    let side = VIEW_SIDE
        .min(ui.available_width().max(120.0))
        .min((ui.available_height() - 150.0).max(160.0));
    let scale = side / w.max(h) as f32;
    let size = Vec2::new(w as f32 * scale, h as f32 * scale);
    let (opacity, mode) = (tab.overlay.opacity, tab.overlay.mode);
    let response = if gpu.is_some() {
        let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
        overlay_gpu::paint(ui, rect, view.pixels.clone(), opacity, mode);
        response
    } else {
        // Colours on the CPU; the texture cache keeps each composed picture by content.
        let picture = Picture::new(compose(&view.pixels, mode, opacity));
        match textures.get(ui.ctx(), &picture) {
            Some(texture) => ui.add(
                egui::Image::new((texture.id(), size))
                    .fit_to_exact_size(size)
                    .sense(Sense::hover()),
            ),
            None => ui.allocate_exact_size(size, Sense::hover()).1,
        }
    };
    let hovered = response.hover_pos().and_then(|pos| {
        let local = (pos - response.rect.min) / scale;
        let (x, y) = (local.x.floor(), local.y.floor());
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (x, y) = (x as usize, y as usize);
        view.classes_at(x, y).map(|c| (x, y, c))
    });
    let name = |c: u8| {
        if c == IGNORE {
            "ignored".to_string()
        } else {
            class_name(classes, c as usize)
        }
    };
    let text = match hovered {
        Some((x, y, (p, t))) => format!(
            "pixel ({x}, {y}): predicted {} · true {}{}",
            name(p),
            name(t),
            if p != t && t != IGNORE {
                " (wrong)"
            } else {
                ""
            }
        ),
        None => "Point at the image to read a pixel's class.".to_string(),
    };
    ui.label(text);
    ui.label(
        RichText::new(format!(
            "{} · pixel accuracy {:.1}%",
            view.name,
            view.pixel_accuracy * 100.0
        ))
        .weak(),
    );
}

fn swatch(ui: &mut Ui, rgb: [u8; 3]) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
    ui.painter()
        .rect_filled(rect, 2.0, Color32::from_rgb(rgb[0], rgb[1], rgb[2]));
}

fn legend(ui: &mut Ui, tab: &SegmentTab, classes: &[String]) {
    ui.label(RichText::new("Legend").strong());
    let ious = tab
        .last_metrics()
        .map(|s| s.class_iou.clone())
        .unwrap_or_default();
    if let Some(last) = tab.last_metrics() {
        ui.label(format!(
            "epoch {}: mean IoU {:.3} · pixel accuracy {:.1}%",
            last.epoch,
            last.mean_iou,
            last.pixel_accuracy * 100.0
        ));
    }
    egui::Grid::new("overlay-legend")
        .num_columns(3)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for (i, name) in classes.iter().enumerate() {
                if i == 0 {
                    // Background is left uncoloured in the overlay.
                    ui.label("");
                    ui.label(format!("{name} (uncoloured)"));
                } else {
                    swatch(ui, class_colour(i.min(254) as u8));
                    ui.label(name);
                }
                match ious.get(i).copied().flatten() {
                    Some(iou) => ui.label(format!("IoU {iou:.3}")),
                    None => ui.label(""),
                };
                ui.end_row();
            }
            if tab.overlay.mode == OverlayMode::Error {
                swatch(ui, ERROR_COLOUR);
                ui.label("wrong pixel");
                ui.label("");
                ui.end_row();
            }
        });
}

fn gallery(ui: &mut Ui, tab: &mut SegmentTab, textures: &mut TextureCache) {
    ui.label(
        RichText::new(format!(
            "Validation images (epoch {}): click one to view it",
            tab.last_metrics().map_or(0, |s| s.epoch)
        ))
        .weak(),
    );
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("overlay-gallery")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (i, view) in tab.overlay.masks.iter().enumerate() {
                    let selected = i == tab.overlay.selected;
                    let stroke = if selected {
                        egui::Stroke::new(2.0, ui.visuals().selection.stroke.color)
                    } else {
                        egui::Stroke::new(1.0, ui.visuals().weak_text_color())
                    };
                    let response = egui::Frame::new()
                        .stroke(stroke)
                        .inner_margin(2.0)
                        .show(ui, |ui| {
                            ui.vertical(|ui| {
                                show_picture(ui, &view.thumbnail, THUMB_SIDE, textures);
                                ui.label(
                                    RichText::new(format!("{:.0}%", view.pixel_accuracy * 100.0))
                                        .small(),
                                );
                            });
                        })
                        .response
                        .interact(Sense::click())
                        .on_hover_text(&view.name);
                    if response.clicked() {
                        clicked = Some(i);
                    }
                }
            });
        });
    if let Some(i) = clicked {
        tab.overlay.selected = i;
    }
}
