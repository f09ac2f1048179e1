//! The Attack tab: pick a validation image (or drop one), set ε, and see the original, the
//! amplified perturbation and the adversarial image with the model's top predictions; and
//! the robustness curve (accuracy against ε for FGSM and PGD), plotted as it is computed.

use std::path::PathBuf;

use egui::{Color32, RichText, Ui};

use crate::attack::robustness;
use crate::core::job::Waker;
use crate::core::protocol::{AttackMethod, FinishReason};
use crate::ui::attack::state::{AttackTab, MAX_EPS, Source};
use crate::ui::jobs::waker;
use crate::ui::widgets::class_name;
use crate::ui::widgets::plots::{AxisSpec, Chart, Series, Ticks};
use crate::ui::widgets::progress_bar::progress_bar;
use crate::ui::widgets::status_bar::{ERROR_COLOR, Status};
use crate::ui::widgets::textures::{TextureCache, show_picture};

const FGSM_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
const PGD_COLOR: Color32 = Color32::from_rgb(255, 150, 60);

/// Thumbnails per gallery row.
const GALLERY_COLUMNS: usize = 7;

/// Height of the robustness curve when the explorer leaves less room (the pane scrolls).
const MIN_CURVE_HEIGHT: f32 = 260.0;

/// Draws the tab: controls on the left, the explorer and the curve in the middle.
pub fn show(
    ui: &mut Ui,
    state: &mut AttackTab,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    state.show_dialog(ui.ctx());
    take_dropped_file(ui, state);
    egui::Panel::left("attack-controls")
        .resizable(true)
        .default_size(400.0)
        .min_size(320.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("attack-controls-scroll")
                .show(ui, |ui| controls(ui, state, textures, status, wake));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        // The explorer and the curve scroll together: in a small window the curve keeps a
        // readable height below the explorer instead of being cut off.
        egui::ScrollArea::vertical()
            .id_salt("attack-central-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                explorer(ui, state, textures);
                ui.separator();
                curve_plot(ui, state, ui.available_height().max(MIN_CURVE_HEIGHT));
            });
    });
}

fn take_dropped_file(ui: &Ui, state: &mut AttackTab) {
    let dropped: Option<PathBuf> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .find(|p| !p.as_os_str().is_empty())
    });
    if let Some(path) = dropped {
        state.select(Source::File(path));
    }
}

fn controls(
    ui: &mut Ui,
    state: &mut AttackTab,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    ui.heading("Adversarial examples");
    state.fields.show(
        ui,
        state.gallery_loading() || state.curve_running(),
        "attack",
    );
    if ui.button("Load validation images").clicked() {
        state.load_gallery(wake.clone(), status);
    }
    ui.separator();
    ui.label(RichText::new("Attack settings").strong());
    let before = (state.settings, state.target_class);
    ui.horizontal(|ui| {
        for method in AttackMethod::ALL {
            ui.selectable_value(&mut state.settings.method, method, method.label());
        }
    });
    ui.add(
        egui::Slider::new(&mut state.settings.eps, 0.0..=MAX_EPS)
            .text("ε")
            .step_by(0.0025)
            .fixed_decimals(4),
    );
    ui.label(
        RichText::new(format!(
            "ε = {:.1}/255 of the pixel range, applied before normalisation",
            state.settings.eps * 255.0
        ))
        .weak(),
    );
    ui.add_enabled(
        state.settings.method == AttackMethod::Pgd,
        egui::Slider::new(&mut state.settings.steps, 1..=50).text("PGD steps"),
    );
    let mut targeted = state.settings.target.is_some();
    ui.horizontal(|ui| {
        ui.checkbox(&mut targeted, "Targeted, towards");
        ui.add_enabled_ui(targeted && !state.classes.is_empty(), |ui| {
            egui::ComboBox::from_id_salt("attack-target")
                .selected_text(class_name(&state.classes, state.target_class))
                .show_ui(ui, |ui| {
                    for (i, name) in state.classes.iter().enumerate() {
                        ui.selectable_value(&mut state.target_class, i, name);
                    }
                });
        });
    });
    state.settings.target = targeted.then_some(state.target_class);
    if (state.settings, state.target_class) != before {
        state.attack_again();
    }
    ui.separator();
    ui.label(format!("Validation images ({})", state.gallery.len()));
    ui.label(RichText::new("Click one to attack it, or drop an image file on the window.").weak());
    let selected = match &state.source {
        Some(Source::Gallery(i)) => Some(*i),
        _ => None,
    };
    let mut clicked = None;
    // Rows of a fixed number of thumbnails: a wrapping row (or one sized from the
    // available width) would widen the resizable side panel frame after frame.
    let per_row = GALLERY_COLUMNS;
    for (r, row) in state.gallery.chunks(per_row).enumerate() {
        ui.horizontal(|ui| {
            for (j, (picture, label)) in row.iter().enumerate() {
                let i = r * per_row + j;
                let frame = egui::Frame::new()
                    .stroke(if selected == Some(i) {
                        egui::Stroke::new(2.0, FGSM_COLOR)
                    } else {
                        egui::Stroke::NONE
                    })
                    .inner_margin(1.0);
                let response = frame
                    .show(ui, |ui| show_picture(ui, picture, 40.0, textures))
                    .response
                    .interact(egui::Sense::click())
                    .on_hover_text(class_name(&state.classes, *label));
                if response.clicked() {
                    clicked = Some(i);
                }
            }
        });
    }
    if let Some(i) = clicked {
        state.select(Source::Gallery(i));
    }
    ui.separator();
    robustness_controls(ui, state, status, wake);
}

fn robustness_controls(ui: &mut Ui, state: &mut AttackTab, status: &mut Status, wake: &Waker) {
    ui.label(RichText::new("Robustness curve").strong());
    let running = state.curve_running();
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            ui.label("ε list");
            ui.add(egui::TextEdit::singleline(&mut state.curve_eps_text).desired_width(220.0));
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut state.curve_methods[0], "FGSM");
            ui.checkbox(&mut state.curve_methods[1], "PGD");
            ui.add(
                egui::DragValue::new(&mut state.curve_images)
                    .range(10..=100_000)
                    .suffix(" images"),
            );
        });
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!running, egui::Button::new("Compute curve"))
            .clicked()
        {
            state.start_curve(wake.clone(), status);
        }
        if ui
            .add_enabled(running, egui::Button::new("Cancel curve"))
            .clicked()
        {
            state.cancel_curve();
        }
    });
    if let Some((done, total)) = state.curve_progress {
        progress_bar(ui, done, total, " batches");
    }
    ui.label(format!("Curve points: {}", state.curve.len()));
}

fn top_lines(ui: &mut Ui, top: &[(usize, f32)], classes: &[String], truth: Option<usize>) {
    for (i, &(class, p)) in top.iter().enumerate() {
        let text = format!("{} {:.1} %", class_name(classes, class), p * 100.0);
        let text = if i == 0 {
            RichText::new(text).strong()
        } else {
            RichText::new(text)
        };
        let text = match truth {
            Some(t) if i == 0 && t == class => text.color(Color32::from_rgb(110, 200, 110)),
            Some(_) if i == 0 => text.color(ERROR_COLOR),
            _ => text,
        };
        ui.label(text);
    }
}

fn explorer(ui: &mut Ui, state: &mut AttackTab, textures: &mut TextureCache) {
    ui.horizontal(|ui| {
        ui.heading("Explorer");
        if state.exploring() {
            ui.spinner();
        }
    });
    let Some(view) = &state.example else {
        ui.label("Load validation images and pick one (or drop an image file).");
        return;
    };
    let example = &view.example;
    let side = ((ui.available_width() - 60.0) / 3.0).clamp(96.0, 240.0);
    let changed =
        example.original_top.first().map(|t| t.0) != example.adversarial_top.first().map(|t| t.0);
    ui.label(format!(
        "Adversarial: {} at ε = {:.4} ({:.1}/255){}; largest pixel change {:.4}; prediction {}",
        example.attack.method.label(),
        example.attack.eps,
        example.attack.eps * 255.0,
        match example.attack.target {
            Some(t) => format!(", towards {}", class_name(&example.classes, t)),
            None => String::new(),
        },
        example.linf,
        if changed { "changed" } else { "unchanged" }
    ));
    ui.columns(3, |cols| {
        cols[0].label(RichText::new("Original").strong());
        show_picture(&mut cols[0], &view.pictures[0], side, textures);
        if let Some(t) = example.truth {
            cols[0].label(format!("true class: {}", class_name(&example.classes, t)));
        }
        top_lines(
            &mut cols[0],
            &example.original_top,
            &example.classes,
            example.truth,
        );

        cols[1].label(RichText::new("Perturbation").strong());
        show_picture(&mut cols[1], &view.pictures[1], side, textures);
        cols[1].label(format!(
            "amplified ×{:.1}: grey = 0, black/white = ±{:.4}",
            example.amplification,
            0.5 / example.amplification
        ));

        cols[2].label(RichText::new("Adversarial").strong());
        show_picture(&mut cols[2], &view.pictures[2], side, textures);
        top_lines(
            &mut cols[2],
            &example.adversarial_top,
            &example.classes,
            example.truth,
        );
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!state.dialog_open(), egui::Button::new("Save adversarial…"))
            .on_hover_text("Save the adversarial image as a PNG where you choose")
            .clicked()
        {
            state.save_dialog(waker(ui.ctx()));
        }
        if let Some(path) = &state.saved {
            ui.label(RichText::new(format!("Saved to {}", path.display())).weak());
        }
    });
}

/// The robustness curve with its title, `height` points high in all: the x axis runs from
/// 0 to the largest ε asked for, and the plot leaves room for its axis.
fn curve_plot(ui: &mut Ui, state: &AttackTab, height: f32) {
    let title = ui
        .horizontal(|ui| {
            ui.heading("Accuracy against ε");
            if state.curve_end == Some(FinishReason::Stopped) {
                ui.label("(cancelled)");
            }
        })
        .response
        .rect
        .height();
    let plot_height = (height - title - ui.spacing().item_spacing.y).max(120.0);
    let line = |method: AttackMethod| -> Vec<[f64; 2]> {
        let mut points: Vec<[f64; 2]> = state
            .curve
            .iter()
            .filter(|p| p.method == method)
            .map(|p| [f64::from(p.eps), f64::from(p.accuracy)])
            .collect();
        points.sort_by(|a, b| a[0].total_cmp(&b[0]));
        points
    };
    let asked = robustness::parse_epsilons(&state.curve_eps_text).unwrap_or_default();
    let max_eps = asked
        .iter()
        .map(|e| f64::from(*e))
        .chain(state.curve.iter().map(|p| f64::from(p.eps)))
        .fold(0.0, f64::max);
    Chart::new("robustness-plot", plot_height)
        .x_axis(AxisSpec::new("ε (0..1 pixel scale)", Ticks::Number))
        .y_axis(AxisSpec::new("validation accuracy", Ticks::Number))
        .include_x(0.0)
        .include_x(max_eps)
        .include_y(0.0)
        .include_y(1.0)
        .empty_message("No curve yet — press Compute curve")
        .series(
            Series::line(
                AttackMethod::Fgsm.label(),
                line(AttackMethod::Fgsm),
                FGSM_COLOR,
            )
            .dots(3.5, "robustness-fgsm"),
        )
        .series(
            Series::line(
                AttackMethod::Pgd.label(),
                line(AttackMethod::Pgd),
                PGD_COLOR,
            )
            .dots(3.5, "robustness-pgd"),
        )
        .show(ui);
}
