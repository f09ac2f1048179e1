//! The side panel's lists: the likely label errors (the given label, what the model's
//! out-of-sample probabilities favour, the margin) and the near-duplicate pairs (exact
//! copies first; train/validation leaks marked). Each row is clickable: it focuses the
//! image and centres the map on it (a pair also selects both).

use egui::Ui;

use crate::ui::explore::atlas::tile_button;
use crate::ui::explore::state::ExploreTab;

/// Height of a list row.
const ROW: f32 = 40.0;

/// Draws the label-error list.
pub fn label_errors(ui: &mut Ui, state: &mut ExploreTab) {
    let Some(report) = &state.report else {
        return;
    };
    ui.weak(format!("From {}", report.out_of_sample));
    if report.label_errors.is_empty() {
        ui.label("No likely label errors in this split.");
        return;
    }
    let mut picked = None;
    egui::ScrollArea::vertical()
        .id_salt("explore-label-errors")
        .auto_shrink([false, false])
        .show_rows(ui, ROW, report.label_errors.len(), |ui, rows| {
            for rank in rows {
                let issue = &report.label_errors[rank];
                ui.horizontal(|ui| {
                    ui.set_height(ROW - 4.0);
                    let framed = matches!(&state.focus, Some(crate::ui::explore::state::Focus::Image(i)) if *i == issue.index);
                    let clicked = tile_button(ui, &state.atlas, issue.index, ROW - 6.0, framed).clicked();
                    // "3. cat as dog (-0.62)": labelled cat, the model says dog.
                    let text = format!(
                        "{}. {} as {}  ({:+.2})",
                        rank + 1,
                        issue.given,
                        issue.predicted,
                        issue.score
                    );
                    let row = ui
                        .selectable_label(framed, text)
                        .on_hover_text(format!(
                            "{}\ngiven label's probability {:.2}",
                            issue.path.display(),
                            issue.given_probability
                        ));
                    if clicked || row.clicked() {
                        picked = Some(issue.index);
                    }
                });
            }
        });
    if let Some(index) = picked {
        state.focus_on(index, true);
        state.side = crate::ui::explore::state::SideView::LabelErrors;
    }
}

/// Draws the duplicate list.
pub fn duplicates(ui: &mut Ui, state: &mut ExploreTab) {
    let Some(report) = &state.report else {
        return;
    };
    let leaks = report.duplicates.iter().filter(|d| d.leak).count();
    ui.checkbox(
        &mut state.leaks_only,
        format!("Only train/validation leaks ({leaks})"),
    );
    let shown: Vec<usize> = (0..report.duplicates.len())
        .filter(|&k| !state.leaks_only || report.duplicates[k].leak)
        .collect();
    if shown.is_empty() {
        ui.label("No near-duplicate pairs above the threshold.");
        return;
    }
    let mut picked = None;
    egui::ScrollArea::vertical()
        .id_salt("explore-duplicates")
        .auto_shrink([false, false])
        .show_rows(ui, ROW, shown.len(), |ui, rows| {
            for row in rows {
                let pair = &report.duplicates[shown[row]];
                ui.horizontal(|ui| {
                    ui.set_height(ROW - 4.0);
                    let a = tile_button(ui, &state.atlas, pair.a, ROW - 6.0, false).clicked();
                    let b = tile_button(ui, &state.atlas, pair.b, ROW - 6.0, false).clicked();
                    let mut text = format!("{:.3}", pair.similarity);
                    if pair.exact {
                        text.push_str(" exact");
                    }
                    if pair.leak {
                        text.push_str(" leak");
                    }
                    let clicked = ui
                        .selectable_label(false, text)
                        .on_hover_text(format!(
                            "{}\n{}",
                            pair.path_a.display(),
                            pair.path_b.display()
                        ))
                        .clicked();
                    if a || b || clicked {
                        picked = Some((pair.a, pair.b, b));
                    }
                });
            }
        });
    if let Some((a, b, second)) = picked {
        state.select([a, b], false);
        state.focus_on(if second { b } else { a }, true);
        state.side = crate::ui::explore::state::SideView::Duplicates;
    }
}
