//! Drawing of the Style tab: the two wells (drop targets with thumbnails, Open…, samples,
//! swap), the method and its options (the built-in styles as a picker of previews), where
//! it runs, Start / Cancel / Export…, and the image as it forms with the loss read-out.

use egui::{Color32, RichText, Stroke, Ui};

use crate::core::device;
use crate::core::job::Waker;
use crate::core::protocol::{FinishReason, PixelOptimizer, StyleInit, StyleMethod};
use crate::style::fast::STYLES;
use crate::ui::style::state::{CONTENT_SAMPLES, STYLE_SAMPLES, StyleTab, WellKind};
use crate::ui::widgets::plots::{AxisSpec, Chart, Series, Ticks};
use crate::ui::widgets::progress_bar::progress_bar;
use crate::ui::widgets::remote_form;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{TextureCache, show_picture};

/// Side of a well.
const WELL_SIDE: f32 = 150.0;

/// Width of a tile of the built-in style picker, in points.
const TILE_WIDTH: f32 = 64.0;

/// Longer side of a preview beside a blend slider, in points.
const BLEND_PREVIEW_SIDE: f32 = 28.0;

/// MobileNetV2 stages offered as style layers.
const STYLE_LAYER_CHOICES: [usize; 9] = [1, 2, 3, 4, 5, 7, 10, 14, 17];

/// Draws the tab.
pub fn show(
    ui: &mut Ui,
    state: &mut StyleTab,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    state.show_dialog(ui.ctx());
    let (dropped, at, hovering) = ui.ctx().input(|i| {
        (
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect::<Vec<_>>(),
            i.pointer.latest_pos(),
            !i.raw.hovered_files.is_empty(),
        )
    });
    if !dropped.is_empty() {
        state.take_dropped(dropped, at, wake);
    }
    egui::Panel::left("style-controls")
        .resizable(true)
        .default_size(400.0)
        .min_size(340.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("style-controls-scroll")
                .show(ui, |ui| {
                    controls(ui, state, textures, status, wake, hovering)
                });
        });
    egui::CentralPanel::default().show(ui, |ui| output(ui, state, textures));
}

fn controls(
    ui: &mut Ui,
    state: &mut StyleTab,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
    hovering: bool,
) {
    ui.heading("Style transfer");
    ui.label(RichText::new("Drop image files from the file manager onto the wells.").weak());
    let busy = state.running();
    ui.add_enabled_ui(!busy, |ui| {
        ui.horizontal(|ui| {
            well(
                ui,
                state,
                WellKind::Content,
                textures,
                status,
                wake,
                hovering,
            );
            if state.request.method.needs_style_image() {
                ui.vertical(|ui| {
                    ui.add_space(WELL_SIDE / 2.0);
                    if ui
                        .button("Swap")
                        .on_hover_text("Swap content and style")
                        .clicked()
                    {
                        state.swap();
                    }
                });
                well(ui, state, WellKind::Style, textures, status, wake, hovering);
            } else {
                state.well_rects[1] = None;
            }
        });
        ui.separator();
        ui.label(RichText::new("Method").strong());
        for method in StyleMethod::ALL {
            ui.radio_value(&mut state.request.method, method, method.label());
        }
        ui.separator();
        match state.request.method {
            StyleMethod::Optimize => optimize_options(ui, state),
            StyleMethod::Fast => builtin_options(ui, state, textures, wake),
            StyleMethod::Arbitrary => {
                ui.add(egui::Slider::new(&mut state.request.strength, 0.0..=1.0).text("strength"))
                    .on_hover_text("0 keeps the content's own style, 1 takes the style image's");
            }
        }
        ui.separator();
        common_options(ui, state);
    });
    ui.separator();
    device_line(ui, state);
    ui.horizontal(|ui| {
        if busy {
            if ui.button("Cancel").clicked() {
                state.cancel();
            }
        } else if ui
            .add_enabled(state.ready(), egui::Button::new("Stylize"))
            .on_disabled_hover_text("Needs a content image (and a style image for this method)")
            .clicked()
        {
            state.start(wake.clone(), status);
        }
        if ui
            .add_enabled(
                state.result().is_some() && !busy,
                egui::Button::new("Export…"),
            )
            .on_hover_text("Save the result at full size as PNG or JPEG")
            .clicked()
        {
            state.export_dialog(wake.clone());
        }
    });
    if let Some(path) = &state.exported {
        ui.label(RichText::new(format!("Exported to {}", path.display())).weak());
    }
}

#[allow(clippy::too_many_arguments)]
fn well(
    ui: &mut Ui,
    state: &mut StyleTab,
    kind: WellKind,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
    hovering: bool,
) {
    ui.vertical(|ui| {
        ui.label(RichText::new(kind.label()).strong());
        let (rect, _) =
            ui.allocate_exact_size(egui::vec2(WELL_SIDE, WELL_SIDE), egui::Sense::hover());
        state.well_rects[kind as usize] = Some(rect);
        let pointer_in = ui
            .ctx()
            .pointer_latest_pos()
            .is_some_and(|p| rect.contains(p));
        let stroke = if hovering && pointer_in {
            Stroke::new(2.0, ui.visuals().selection.stroke.color)
        } else {
            Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color)
        };
        ui.painter()
            .rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Inside);
        let w = state.well(kind);
        let mut inner = ui.new_child(egui::UiBuilder::new().max_rect(rect.shrink(4.0)));
        inner.centered_and_justified(|ui| {
            if let Some(picture) = &w.thumbnail {
                ui.vertical_centered(|ui| show_picture(ui, picture, WELL_SIDE - 10.0, textures));
            } else if let Some(error) = &w.error {
                ui.label(RichText::new(error).color(Color32::LIGHT_RED).small());
            } else if w.is_loading() {
                ui.spinner();
            } else {
                ui.label(
                    RichText::new(format!(
                        "Drop the {} image here",
                        kind.label().to_lowercase()
                    ))
                    .weak(),
                );
            }
        });
        let name = w
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let size = w
            .size
            .map(|(a, b)| format!(" · {a}×{b}"))
            .unwrap_or_default();
        ui.label(RichText::new(format!("{}{size}", name.as_deref().unwrap_or("—"))).small());
        ui.horizontal_wrapped(|ui| {
            ui.set_max_width(WELL_SIDE);
            if ui.small_button("Open…").clicked() {
                state.open_dialog(kind, wake.clone());
            }
            let samples: &[&str] = match kind {
                WellKind::Content => &CONTENT_SAMPLES,
                WellKind::Style => &STYLE_SAMPLES,
            };
            for name in samples {
                let short = name.split('.').next().unwrap_or(name).replace('_', " ");
                if ui
                    .small_button(&short)
                    .on_hover_text(format!("The bundled sample image {name}"))
                    .clicked()
                {
                    state.use_sample(kind, name, wake.clone(), status);
                }
            }
        });
    });
}

fn optimize_options(ui: &mut Ui, state: &mut StyleTab) {
    let r = &mut state.request;
    egui::Grid::new("style-optimize")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Iterations");
            ui.add(egui::Slider::new(&mut r.iterations, 1..=1000).logarithmic(true));
            ui.end_row();
            ui.label("Content weight");
            ui.add(
                egui::DragValue::new(&mut r.content_weight)
                    .speed(0.05)
                    .range(0.0..=1e6),
            );
            ui.end_row();
            ui.label("Style weight");
            ui.add(
                egui::DragValue::new(&mut r.style_weight)
                    .speed(50.0)
                    .range(0.0..=1e9),
            );
            ui.end_row();
            ui.label("TV weight");
            ui.add(
                egui::DragValue::new(&mut r.tv_weight)
                    .speed(1e-6)
                    .range(0.0..=1.0)
                    .max_decimals(7),
            );
            ui.end_row();
            ui.label("Optimizer");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut r.optimizer, PixelOptimizer::Adam, "Adam");
                ui.selectable_value(&mut r.optimizer, PixelOptimizer::Lbfgs, "L-BFGS");
            });
            ui.end_row();
            ui.label("Step size");
            ui.add(
                egui::DragValue::new(&mut r.learning_rate)
                    .speed(0.001)
                    .range(0.0001..=2.0),
            );
            ui.end_row();
            ui.label("Start from");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut r.init, StyleInit::Content, "content");
                ui.selectable_value(&mut r.init, StyleInit::Noise, "noise");
                if r.init == StyleInit::Noise {
                    ui.label("seed");
                    ui.add(egui::DragValue::new(&mut r.seed));
                }
            });
            ui.end_row();
            ui.label("Preview every");
            ui.add(egui::Slider::new(&mut r.preview_every, 1..=50).suffix(" it."));
            ui.end_row();
            ui.label("Content layer");
            egui::ComboBox::from_id_salt("style-content-layer")
                .selected_text(format!("stage {}", r.content_layer))
                .show_ui(ui, |ui| {
                    for stage in STYLE_LAYER_CHOICES {
                        ui.selectable_value(&mut r.content_layer, stage, format!("stage {stage}"));
                    }
                });
            ui.end_row();
        });
    ui.label("Style layers (MobileNetV2 stages)");
    ui.horizontal_wrapped(|ui| {
        for stage in STYLE_LAYER_CHOICES {
            let mut on = r.style_layers.contains(&stage);
            if ui.checkbox(&mut on, stage.to_string()).changed() {
                if on {
                    r.style_layers.push(stage);
                    r.style_layers.sort_unstable();
                } else {
                    r.style_layers.retain(|&s| s != stage);
                }
            }
        }
    });
}

fn builtin_options(ui: &mut Ui, state: &mut StyleTab, textures: &mut TextureCache, wake: &Waker) {
    state.previews.start(state.request.device, wake.clone());
    ui.horizontal(|ui| {
        ui.label("Built-in style");
        ui.selectable_value(&mut state.blend, false, "one");
        ui.selectable_value(&mut state.blend, true, "blend");
    });
    previews_note(ui, state);
    if state.blend {
        egui::Grid::new("style-blend")
            .num_columns(4)
            .show(ui, |ui| {
                for i in 0..STYLES {
                    ui.horizontal(|ui| {
                        preview_picture(ui, state, i, BLEND_PREVIEW_SIDE, textures);
                        ui.add(
                            egui::Slider::new(&mut state.blend_weights[i], 0.0..=1.0)
                                .text(format!("{i}"))
                                .show_value(false),
                        );
                    });
                    if i % 2 == 1 {
                        ui.end_row();
                    }
                }
            });
    } else {
        let spacing = ui.spacing().item_spacing.x;
        let columns = ((ui.available_width() + spacing) / (TILE_WIDTH + spacing))
            .floor()
            .clamp(1.0, STYLES as f32) as usize;
        egui::Grid::new("style-pick")
            .spacing([spacing, spacing])
            .show(ui, |ui| {
                for i in 0..STYLES {
                    if style_tile(ui, state, i, textures).clicked() {
                        state.builtin = i;
                    }
                    if (i + 1) % columns == 0 {
                        ui.end_row();
                    }
                }
            });
    }
}

/// The accessible name of built-in style `style`'s tile in the picker.
pub fn tile_label(style: usize) -> String {
    format!("Built-in style {style}")
}

/// Says while the previews are being made, or why there are none.
fn previews_note(ui: &mut Ui, state: &StyleTab) {
    let previews = &state.previews;
    if previews.making() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(
                RichText::new(format!(
                    "Making previews of the {STYLES} styles… {}/{STYLES}",
                    previews.made()
                ))
                .weak(),
            );
        });
    } else if let Some(error) = &previews.error {
        ui.label(RichText::new(format!("No previews: {error}")).weak())
            .on_hover_text("The styles still work: pick one by its number.");
    }
}

/// A preview at `side` points on its longer side, or an empty frame of that size.
fn preview_picture(
    ui: &mut Ui,
    state: &StyleTab,
    style: usize,
    side: f32,
    textures: &mut TextureCache,
) {
    match state.previews.get(style) {
        Some(picture) => {
            show_picture(ui, picture, side, textures);
        }
        None => {
            ui.allocate_exact_size(egui::vec2(side, side * 0.75), egui::Sense::hover());
        }
    }
}

/// One tile of the picker: the style's preview (a spinner until it arrives) with its
/// number under it, framed when it is the picked style.
fn style_tile(
    ui: &mut Ui,
    state: &StyleTab,
    style: usize,
    textures: &mut TextureCache,
) -> egui::Response {
    let picture_height = TILE_WIDTH * 0.75;
    let number_height = 16.0;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(TILE_WIDTH, picture_height + number_height),
        egui::Sense::click(),
    );
    let selected = !state.blend && state.builtin == style;
    let label = tile_label(style);
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::Button, ui.is_enabled(), selected, &label)
    });
    let picture_rect =
        egui::Rect::from_min_size(rect.min, egui::vec2(TILE_WIDTH, picture_height)).shrink(2.0);
    let texture = state
        .previews
        .get(style)
        .and_then(|picture| textures.get(ui.ctx(), picture));
    match texture {
        Some(texture) => {
            egui::Image::new((texture.id(), picture_rect.size()))
                .corner_radius(2.0)
                .paint_at(ui, picture_rect);
        }
        None => {
            ui.painter()
                .rect_filled(picture_rect, 2.0, ui.visuals().extreme_bg_color);
            if state.previews.making() {
                egui::Spinner::new()
                    .size(14.0)
                    .paint_at(ui, picture_rect.shrink(picture_rect.height() / 3.0));
            }
        }
    }
    let visuals = ui.style().interact_selectable(&response, selected);
    ui.painter().text(
        egui::pos2(rect.center().x, rect.max.y - number_height / 2.0),
        egui::Align2::CENTER_CENTER,
        style.to_string(),
        egui::FontId::proportional(12.0),
        if selected {
            ui.visuals().selection.stroke.color
        } else {
            visuals.text_color()
        },
    );
    if selected || response.hovered() {
        let stroke = if selected {
            Stroke::new(2.0, ui.visuals().selection.stroke.color)
        } else {
            visuals.fg_stroke
        };
        ui.painter()
            .rect_stroke(rect, 3.0, stroke, egui::StrokeKind::Inside);
    }
    response.on_hover_text(format!(
        "{label}: the bundled coffee photo in this style alone"
    ))
}

fn common_options(ui: &mut Ui, state: &mut StyleTab) {
    let own = state.content.size.map(|(w, h)| w.max(h));
    let busy = state.running();
    let (r, remote) = (&mut state.request, &mut state.remote);
    egui::Grid::new("style-common")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Output size");
            let max = own.unwrap_or(2048).max(64);
            ui.add(egui::Slider::new(&mut r.size, 32..=max).suffix(" px"))
                .on_hover_text("Longer side of the output; at most the content image's own size");
            ui.end_row();
            ui.label("Colours");
            ui.checkbox(&mut r.keep_colors, "keep the content's colours");
            ui.end_row();
            remote_form::device_rows(ui, &mut r.device, remote, !busy);
        });
    if let Some(own) = own
        && r.size > own
    {
        ui.label(
            RichText::new(format!(
                "The output is capped at the image's own size ({own} px)."
            ))
            .weak(),
        );
    }
}

fn device_line(ui: &mut Ui, state: &StyleTab) {
    let line = ui.label(RichText::new(device::planned_runs_on(state.request.device)).strong());
    if let Some(text) = &state.device_text {
        line.on_hover_text(format!("The last run used {text}"));
    }
}

fn output(ui: &mut Ui, state: &mut StyleTab, textures: &mut TextureCache) {
    ui.horizontal(|ui| {
        ui.heading("Result");
        if let Some((done, total)) = state.progress {
            ui.scope(|ui| {
                ui.set_max_width(220.0);
                progress_bar(ui, done, total, " iterations");
            });
        }
        if let Some(l) = state.losses.last() {
            ui.label(format!(
                "loss {:.4}  (content {:.4} · style {:.4} · TV {:.4})",
                l.total(),
                l.content,
                l.style,
                l.tv
            ));
        }
        if let Some(ms) = state.millis {
            ui.label(RichText::new(format!("{:.2} s", ms / 1000.0)).weak());
        }
        match state.finished {
            Some(FinishReason::Stopped) => {
                ui.label("stopped");
            }
            Some(FinishReason::Completed) | None => {}
        }
    });
    let plot_height = if state.losses.len() > 1 { 120.0 } else { 0.0 };
    let available = ui.available_size() - egui::vec2(0.0, plot_height + 12.0);
    match &state.output {
        Some(picture) => {
            let aspect = picture.aspect();
            let side = if aspect >= 1.0 {
                available.x.min(available.y * aspect)
            } else {
                available.y.min(available.x / aspect)
            }
            .max(64.0);
            let caption = format!(
                "{}×{}{}",
                picture.image.width,
                picture.image.height,
                if state.output_is_result {
                    ""
                } else {
                    " · forming…"
                }
            );
            ui.vertical_centered(|ui| {
                show_picture(ui, picture, side, textures);
                ui.label(RichText::new(caption).small());
            });
        }
        None => {
            ui.centered_and_justified(|ui| {
                ui.label(RichText::new("The stylized image appears here.").weak());
            });
        }
    }
    if state.losses.len() > 1 {
        let points: Vec<[f64; 2]> = state
            .losses
            .iter()
            .enumerate()
            .map(|(i, l)| [(i + 1) as f64, f64::from(l.total()).max(1e-12).log10()])
            .collect();
        Chart::new("style-loss", plot_height)
            .x_axis(AxisSpec::new("iteration", Ticks::Integer))
            .y_axis(AxisSpec::new("total loss", Ticks::Log10))
            .series(Series::line(
                "total loss",
                points,
                Color32::from_rgb(90, 160, 255),
            ))
            .show(ui);
    }
}
