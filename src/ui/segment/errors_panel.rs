//! Where a segmenter goes wrong: the IoU of each class as bars (from the last epoch's
//! metrics) and the pixel confusion matrix of the validation split as a heat map.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart};

use crate::core::protocol::PixelConfusion;
use crate::ui::segment::SegmentTab;
use crate::ui::widgets::class_name;
use crate::ui::widgets::confusion_grid::ConfusionGrid;
use crate::ui::widgets::plots::{AxisSpec, Ticks, styled_plot};

/// Colour of the IoU bars.
const BAR_COLOUR: egui::Color32 = egui::Color32::from_rgb(40, 110, 230);

/// The accessible name of the pixel-confusion cell (truth, predicted).
pub fn cell_label(truth: &str, predicted: &str) -> String {
    format!("{truth} pixels predicted as {predicted}")
}

/// Draws the IoU bars and the pixel confusion matrix.
pub fn show(ui: &mut Ui, tab: &SegmentTab, classes: &[String]) {
    egui::ScrollArea::vertical()
        .id_salt("segment-errors")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            match tab.last_metrics() {
                Some(last) => {
                    ui.label(format!(
                        "IoU per class (epoch {}, mean IoU {:.3})",
                        last.epoch, last.mean_iou
                    ));
                    iou_bars(ui, &last.class_iou, classes);
                }
                None => {
                    ui.label(
                        RichText::new("The IoU of each class appears after each epoch.").weak(),
                    );
                }
            }
            ui.separator();
            match &tab.confusion {
                Some(confusion) => matrix(ui, confusion, classes),
                None => {
                    ui.label(
                        RichText::new("The pixel confusion matrix appears after each epoch.")
                            .weak(),
                    );
                }
            }
        });
}

fn iou_bars(ui: &mut Ui, class_iou: &[Option<f32>], classes: &[String]) {
    let names: Vec<String> = (0..class_iou.len())
        .map(|c| class_name(classes, c))
        .collect();
    let bars: Vec<Bar> = class_iou
        .iter()
        .enumerate()
        .map(|(c, iou)| {
            Bar::new(c as f64, f64::from(iou.unwrap_or(0.0)))
                .name(&names[c])
                .width(0.7)
                .fill(BAR_COLOUR)
        })
        .collect();
    let height = (24.0 * names.len() as f32 + 40.0).clamp(120.0, 400.0);
    let x = AxisSpec::new("IoU", Ticks::Number);
    let y = AxisSpec::new("", Ticks::Names(names));
    styled_plot(ui, "segment-iou-bars", height, &x, &y)
        .include_x(0.0)
        .include_x(1.0)
        .invert_y(true)
        .allow_drag(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("IoU", bars).horizontal());
        });
}

fn matrix(ui: &mut Ui, confusion: &PixelConfusion, classes: &[String]) {
    let k = confusion.counts.len();
    let total: u64 = confusion.counts.iter().flatten().sum();
    ui.heading("Pixel confusion matrix");
    ui.label(
        RichText::new(format!(
            "epoch {}, {total} validation pixels · rows: true class · columns: predicted class",
            confusion.epoch
        ))
        .small(),
    );
    let grid = ConfusionGrid {
        id: "segment-confusion-grid",
        rows: (0..k)
            .map(|t| format!("{t} {}", class_name(classes, t)))
            .collect(),
        heads: (0..k).map(|p| p.to_string()).collect(),
        counts: &confusion.counts,
        right_below: k,
        selected: None,
    };
    grid.show(ui, |t, p| {
        cell_label(&class_name(classes, t), &class_name(classes, p))
    });
}
