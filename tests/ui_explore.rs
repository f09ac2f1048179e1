//! The Explore tab, driven like a user would: explore an ImageFolder with the bundled
//! ImageNet model, see the map, select by box (the gallery counts what the box held), by
//! lasso and by a class in the legend; export the selection as a list and copy it into a
//! new ImageFolder; drop an image from outside the dataset and get its planted twin as the
//! nearest neighbour; click a likely label error.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::ui::{click, drop_files, harness_sized, has_label_containing, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::DeviceChoice;
use visionlab::data::shapes;
use visionlab::ui::VisionApp;
use visionlab::ui::app::Tab;
use visionlab::ui::explore::map::MapTool;
use visionlab::ui::explore::state::{Focus, SideView};

/// A primary-button drag from `from` to `to` in a few moves.
fn drag(harness: &mut Harness<'_, VisionApp>, from: egui::Pos2, to: egui::Pos2) {
    let modifiers = egui::Modifiers::default();
    harness
        .input_mut()
        .events
        .push(egui::Event::PointerMoved(from));
    harness.step();
    harness.input_mut().events.push(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    harness.step();
    for k in 1..=6 {
        let t = k as f32 / 6.0;
        harness
            .input_mut()
            .events
            .push(egui::Event::PointerMoved(from + (to - from) * t));
        harness.step();
    }
    harness.input_mut().events.push(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    harness.step();
    harness.step();
}

/// The app on the Explore tab, set to explore `data` with the ImageNet model at 96 px on
/// the CPU, caching in `cache`, at 1024×700.
fn explorer(data: &Path, cache: &Path) -> Harness<'static, VisionApp> {
    let mut app = VisionApp::new();
    app.set_tab(Tab::Explore);
    let state = app.explore_mut();
    state.data = data.display().to_string();
    state.imagenet_side = 96;
    state.device = DeviceChoice::Cpu;
    state.cache_dir = Some(cache.to_path_buf());
    harness_sized(app, 1024.0, 700.0)
}

fn explored(harness: &mut Harness<'_, VisionApp>) {
    click(harness, "Explore dataset");
    wait_until(harness, "the explorer's report", |h| {
        h.state().explore().report.is_some()
    });
    wait_until(harness, "the thumbnails", |h| {
        let atlas = &h.state().explore().atlas;
        atlas.loaded() == atlas.len()
    });
    wait_until(harness, "the t-SNE map", |h| {
        !h.state().explore().making_layout()
    });
    assert_eq!(
        harness.state().explore().layouts.len(),
        2,
        "PCA, then t-SNE"
    );
    harness.run_steps(3);
}

#[test]
fn the_map_selects_by_box_lasso_and_class_and_the_selection_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shapes");
    let n = shapes::write_image_folder(&data, 60, 32, 3).unwrap();
    let mut harness = explorer(&data, &dir.path().join("cache"));
    explored(&mut harness);
    let state = harness.state().explore();
    assert_eq!(state.report.as_ref().unwrap().images.len(), n);
    assert!(has_label_containing(&harness, "Label errors ("));
    assert!(has_label_containing(&harness, "0 selected"));

    // Box select over the map's left half: the gallery holds the points drawn there.
    click(&mut harness, MapTool::Box.label());
    let rect = harness.state().explore().map.rect;
    assert!(rect.width() > 100.0 && rect.height() > 100.0, "{rect:?}");
    let state = harness.state().explore();
    let expected = state
        .points()
        .iter()
        .filter(|p| {
            let s = state.map.to_screen(**p);
            s.x < rect.center().x && rect.contains(s)
        })
        .count();
    assert!(
        expected > 0 && expected < n,
        "{expected} of {n} on the left"
    );
    drag(
        &mut harness,
        rect.left_top() + egui::vec2(1.0, 1.0),
        egui::pos2(rect.center().x, rect.bottom() - 1.0),
    );
    assert_eq!(harness.state().explore().selection.len(), expected);
    assert!(has_label_containing(
        &harness,
        &format!("{expected} selected")
    ));

    // A lasso around the whole map selects everything.
    click(&mut harness, MapTool::Lasso.label());
    let r = rect.shrink(1.0);
    let modifiers = egui::Modifiers::default();
    harness
        .input_mut()
        .events
        .push(egui::Event::PointerMoved(r.left_top()));
    harness.step();
    harness.input_mut().events.push(egui::Event::PointerButton {
        pos: r.left_top(),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    harness.step();
    for corner in [
        r.right_top(),
        r.right_bottom(),
        r.left_bottom(),
        r.left_top(),
    ] {
        harness
            .input_mut()
            .events
            .push(egui::Event::PointerMoved(corner));
        harness.step();
    }
    harness.input_mut().events.push(egui::Event::PointerButton {
        pos: r.left_top(),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    harness.run_steps(2);
    let state = harness.state().explore();
    let inside = state
        .points()
        .iter()
        .filter(|p| r.contains(state.map.to_screen(**p)))
        .count();
    assert_eq!(inside, n, "the fitted map shows every point");
    assert_eq!(harness.state().explore().selection.len(), inside);

    // A class in the legend selects its images.
    let report = harness.state().explore().report.clone().unwrap();
    let first = &report.classes[0];
    let of_first = report.images.iter().filter(|i| i.label == 0).count();
    let legend = format!("{first} ({of_first})");
    click(&mut harness, &legend);
    assert_eq!(harness.state().explore().selection.len(), of_first);
    assert!(has_label_containing(
        &harness,
        &format!("{of_first} selected")
    ));

    // The selection as a file list, and as a new ImageFolder.
    let list = dir.path().join("selection.txt");
    let mut status = visionlab::ui::widgets::status_bar::Status::default();
    harness
        .state_mut()
        .explore_mut()
        .export_list(&list, &mut status);
    assert!(status.error.is_none(), "{status:?}");
    let lines: Vec<String> = std::fs::read_to_string(&list)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), of_first);
    assert!(lines.iter().all(|l| Path::new(l).exists()));
    let copy = dir.path().join("copy");
    let wake: visionlab::core::job::Waker = Arc::new(|| {});
    harness
        .state_mut()
        .explore_mut()
        .copy_selection(copy.clone(), wake, &mut status);
    wait_until(&mut harness, "the copy", |h| !h.state().explore().copying());
    let copied = std::fs::read_dir(copy.join(first)).unwrap().count();
    assert_eq!(copied, of_first);
}

#[test]
fn a_dropped_image_finds_its_twin_and_a_label_error_is_clickable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("shapes");
    shapes::write_image_folder(&data, 40, 32, 5).unwrap();
    let mut harness = explorer(&data, &dir.path().join("cache"));
    explored(&mut harness);
    let report = harness.state().explore().report.clone().unwrap();
    let (twin_index, twin) = report
        .images
        .iter()
        .enumerate()
        .nth(7)
        .map(|(i, im)| (i, im.path.clone()))
        .unwrap();
    let outside = dir.path().join("outside.png");
    std::fs::copy(&twin, &outside).unwrap();
    drop_files(&mut harness, std::slice::from_ref(&outside));
    wait_until(
        &mut harness,
        "the neighbours of the dropped image",
        |h| matches!(&h.state().explore().focus, Some(Focus::File { neighbours, .. }) if !neighbours.is_empty()),
    );
    let Some(Focus::File { neighbours, .. }) = &harness.state().explore().focus else {
        unreachable!()
    };
    // The twin (or an identical image) is first, at cosine ~1.
    assert!(neighbours[0].similarity > 0.999, "{neighbours:?}");
    let first = &report.images[neighbours[0].index];
    let same = std::fs::read(&first.path).unwrap() == std::fs::read(&twin).unwrap();
    assert!(neighbours[0].index == twin_index || same, "{neighbours:?}");
    harness.run_steps(2);
    assert!(has_label_containing(&harness, "outside.png"));

    // The label-error list: a click focuses that image.
    let label_errors = format!("Label errors ({})", report.label_errors.len());
    click(&mut harness, &label_errors);
    assert_eq!(harness.state().explore().side, SideView::LabelErrors);
    if let Some(issue) = report.label_errors.first() {
        let row = format!("1. {} as {}", issue.given, issue.predicted);
        let text = harness
            .query_by_label_contains(&row)
            .and_then(|n| n.accesskit_node().label())
            .expect("the first row");
        click(&mut harness, &text);
        assert_eq!(
            harness.state().explore().focus,
            Some(Focus::Image(issue.index))
        );
    }
}
