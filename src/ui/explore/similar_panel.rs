//! The side panel's "Similar" view: the image in focus (its picture, file, label and
//! prediction) and its nearest neighbours by cosine similarity, in a strip; an image from
//! outside the dataset (dropped, or opened) is searched for the same way.

use egui::Ui;

use crate::core::job::Waker;
use crate::core::protocol::Neighbour;
use crate::ui::explore::atlas::tile_button;
use crate::ui::explore::state::{ExploreTab, Focus};
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::{Picture, TextureCache};

/// Side of a neighbour's tile in the strip.
const NEIGHBOUR_SIDE: f32 = 56.0;

/// Draws the view.
pub fn show(
    ui: &mut Ui,
    state: &mut ExploreTab,
    textures: &mut TextureCache,
    status: &mut Status,
    wake: &Waker,
) {
    ui.horizontal(|ui| {
        if ui
            .button("Find similar to a file…")
            .on_hover_text("An image from anywhere: its nearest images in this dataset (or drop one on the window)")
            .clicked()
        {
            state.open_query_dialog(wake.clone());
        }
        if state.searching() {
            ui.spinner();
        }
    });
    let _ = status;
    let Some(report) = &state.report else {
        return;
    };
    let (title, picture, lines, neighbours): (
        String,
        Option<Picture>,
        Vec<String>,
        Vec<Neighbour>,
    ) = match &state.focus {
        None => {
            ui.weak("Click an image on the map, in the gallery or in a list to see its nearest neighbours.");
            return;
        }
        Some(Focus::Image(index)) => {
            let Some(image) = report.images.get(*index) else {
                return;
            };
            let label = report.classes.get(image.label).cloned().unwrap_or_default();
            (
                file_name(&image.path),
                state.previews.get(index).cloned(),
                vec![
                    format!("label: {label}"),
                    format!(
                        "predicted: {} ({:.0} %)",
                        image.predicted,
                        image.confidence * 100.0
                    ),
                    if image.held_out {
                        "validation split".into()
                    } else {
                        "training split".into()
                    },
                    image.path.display().to_string(),
                ],
                image.neighbours.clone(),
            )
        }
        Some(Focus::File {
            path,
            preview,
            neighbours,
        }) => (
            file_name(path),
            preview.clone(),
            vec![
                "from outside the dataset".into(),
                path.display().to_string(),
            ],
            neighbours.clone(),
        ),
    };
    ui.strong(title);
    if let Some(picture) = picture
        && let Some(texture) = textures.get(ui.ctx(), &picture)
    {
        let size = egui::vec2(160.0 * picture.aspect().min(1.5), 160.0);
        ui.add(egui::Image::new((texture.id(), size)));
    }
    for line in lines {
        ui.add(egui::Label::new(line).truncate());
    }
    ui.separator();
    ui.label(format!("Nearest {} (cosine similarity)", neighbours.len()));
    let mut picked = None;
    // Rows of as many tiles as the panel holds (a wrapped row would widen the panel).
    let per_row = ((ui.available_width() / (NEIGHBOUR_SIDE + 8.0)).floor() as usize).max(1);
    for row in neighbours.chunks(per_row) {
        ui.horizontal(|ui| {
            for n in row {
                ui.vertical(|ui| {
                    ui.set_width(NEIGHBOUR_SIDE);
                    let framed = state.selection.contains(&n.index);
                    let name = report
                        .images
                        .get(n.index)
                        .map(|i| i.path.display().to_string())
                        .unwrap_or_default();
                    if tile_button(ui, &state.atlas, n.index, NEIGHBOUR_SIDE, framed)
                        .on_hover_text(name)
                        .clicked()
                    {
                        picked = Some(n.index);
                    }
                    ui.small(format!("{:.3}", n.similarity));
                });
            }
        });
    }
    if neighbours.is_empty() && state.searching() {
        ui.weak("Searching…");
    }
    if let Some(index) = picked {
        state.focus_on(index, true);
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
