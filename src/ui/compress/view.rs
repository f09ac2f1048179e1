//! The Compress tab: choose settings (int8 per tensor / per block, magnitude pruning with an
//! optional fine-tune), run them, and compare size on disk, validation accuracy and
//! latency before and after, as a table and as bar charts.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart};

use crate::core::job::Waker;
use crate::core::protocol::CompressionRow;
use crate::ui::compress::state::CompressTab;
use crate::ui::widgets::plots::{AxisSpec, Ticks, styled_plot};
use crate::ui::widgets::progress_bar::progress_bar;
use crate::ui::widgets::status_bar::Status;

const FLOAT_COLOR: Color32 = Color32::from_rgb(150, 150, 160);
const COMPRESSED_COLOR: Color32 = Color32::from_rgb(90, 160, 255);

/// Draws the tab: settings on the left, the table and the charts in the middle.
pub fn show(ui: &mut Ui, state: &mut CompressTab, status: &mut Status, wake: &Waker) {
    egui::Panel::left("compress-controls")
        .resizable(true)
        .default_size(400.0)
        .min_size(320.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("compress-controls-scroll")
                .show(ui, |ui| controls(ui, state, status, wake));
        });
    egui::CentralPanel::default().show(ui, |ui| {
        // The table and the charts scroll together in a small window.
        egui::ScrollArea::vertical()
            .id_salt("compress-central-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                table(ui, state);
                ui.separator();
                charts(ui, state);
            });
    });
}

fn controls(ui: &mut Ui, state: &mut CompressTab, status: &mut Status, wake: &Waker) {
    ui.heading("Model compression");
    let running = state.is_running();
    state.fields.show(ui, running, "compress");
    ui.separator();
    ui.add_enabled_ui(!running, |ui| {
        ui.label(RichText::new("Post-training quantization (int8 weights)").strong());
        ui.checkbox(&mut state.int8_tensor, "int8, one scale per tensor");
        ui.checkbox(
            &mut state.int8_block,
            "int8, one scale per block (≤ 32 weights)",
        );
        ui.separator();
        ui.label(RichText::new("Global magnitude pruning").strong());
        ui.checkbox(&mut state.prune, "prune conv/linear weights");
        ui.add_enabled(
            state.prune,
            egui::Slider::new(&mut state.sparsity, 0.05..=0.95)
                .text("sparsity")
                .fixed_decimals(2),
        );
        ui.add_enabled(
            state.prune,
            egui::Slider::new(&mut state.finetune_epochs, 0..=5).text("fine-tune epochs"),
        );
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("Output folder");
            ui.add(
                egui::TextEdit::singleline(&mut state.out_dir_text)
                    .hint_text("next to the model")
                    .desired_width(220.0),
            );
        });
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!running, egui::Button::new("Run compression"))
            .clicked()
        {
            state.start(wake.clone(), status);
        }
        if ui
            .add_enabled(running, egui::Button::new("Cancel"))
            .clicked()
        {
            state.cancel();
        }
        if running {
            ui.spinner();
        }
    });
    if let Some((done, total)) = state.progress {
        progress_bar(ui, done, total, "");
    }
    ui.label(
        RichText::new(
            "Each model is written to disk without optimizer state, loaded back and measured \
             on the validation split. Latency: forward pass over a batch of up to 64 images, \
             median of 7 runs, per image.",
        )
        .weak(),
    );
}

fn table(ui: &mut Ui, state: &CompressTab) {
    ui.heading("Before and after");
    ui.label(format!("Rows: {}", state.rows.len()));
    if state.rows.is_empty() {
        ui.label("Tick settings and press Run compression.");
        return;
    }
    let float = state.rows.first();
    egui::Grid::new("compress-table")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for head in [
                "model",
                "size on disk",
                "accuracy",
                "latency",
                "sparsity",
                "file",
            ] {
                ui.label(RichText::new(head).strong());
            }
            ui.end_row();
            for row in &state.rows {
                ui.label(&row.setting);
                let ratio = float
                    .filter(|f| f.size_bytes > 0)
                    .map(|f| row.size_bytes as f64 / f.size_bytes as f64);
                ui.label(format!(
                    "{:.1} KiB{}",
                    row.size_bytes as f64 / 1024.0,
                    ratio.map_or(String::new(), |r| format!(" ({:.0} %)", r * 100.0))
                ));
                let delta = float.map(|f| (row.accuracy - f.accuracy) * 100.0);
                ui.label(format!(
                    "{:.2} %{}",
                    row.accuracy * 100.0,
                    match delta {
                        Some(d) if row.setting != "float" => format!(" ({d:+.2})"),
                        _ => String::new(),
                    }
                ));
                ui.label(format!("{:.3} ms/img", row.latency_ms));
                ui.label(format!("{:.1} %", row.sparsity * 100.0));
                ui.label(
                    row.path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                )
                .on_hover_text(row.path.display().to_string());
                ui.end_row();
            }
        });
}

fn charts(ui: &mut Ui, state: &CompressTab) {
    if state.rows.is_empty() {
        return;
    }
    let height = (ui.available_height() - 30.0).max(120.0);
    ui.columns(3, |cols| {
        chart(
            &mut cols[0],
            state,
            "size-chart",
            "size (KiB)",
            height,
            |r| r.size_bytes as f64 / 1024.0,
        );
        chart(
            &mut cols[1],
            state,
            "accuracy-chart",
            "accuracy (%)",
            height,
            |r| f64::from(r.accuracy) * 100.0,
        );
        chart(
            &mut cols[2],
            state,
            "latency-chart",
            "latency (ms/img)",
            height,
            |r| f64::from(r.latency_ms),
        );
    });
}

fn chart(
    ui: &mut Ui,
    state: &CompressTab,
    id: &str,
    title: &str,
    height: f32,
    value: impl Fn(&CompressionRow) -> f64,
) {
    ui.label(title);
    let bars: Vec<Bar> = state
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            Bar::new(i as f64, value(row))
                .name(&row.setting)
                .width(0.7)
                .fill(if i == 0 {
                    FLOAT_COLOR
                } else {
                    COMPRESSED_COLOR
                })
        })
        .collect();
    // Horizontal bars: the settings' names sit on the y axis, where long ones still fit.
    let names: Vec<String> = state.rows.iter().map(|r| r.setting.clone()).collect();
    let x = AxisSpec::new(title, Ticks::Number);
    let y = AxisSpec::new("", Ticks::Names(names));
    styled_plot(ui, id, height, &x, &y)
        .include_x(0.0)
        .invert_y(true)
        .allow_drag(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(title.to_string(), bars).horizontal())
        });
}
