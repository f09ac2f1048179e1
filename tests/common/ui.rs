//! Driving the app like a user would, for the UI tests (egui_kittest): a harness around
//! [`VisionApp`], clicks by label (scrolled into view, after the layout settles), waiting in
//! real time for a job's result, reading numbers out of labels, and dropping files from the
//! file manager.
//!
//! Every UI test binary compiles this module; each uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use visionlab::core::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::ui::VisionApp;

/// A classification run that ends in seconds: one epoch of 300 shapes on the CPU.
pub fn small_config() -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes {
            count: 300,
            seed: 7,
        },
        epochs: 1,
        batch_size: 32,
        device: DeviceChoice::Cpu,
        ..TrainConfig::default()
    }
}

/// Longest wait for a job to show a result (a short run on a slow 2-core machine).
pub const TIMEOUT: Duration = Duration::from_secs(240);

/// The app in a 1400×900 window.
pub fn harness(app: VisionApp) -> Harness<'static, VisionApp> {
    harness_sized(app, 1400.0, 900.0)
}

/// The app in a window of this size (in points).
pub fn harness_sized(app: VisionApp, width: f32, height: f32) -> Harness<'static, VisionApp> {
    Harness::builder()
        .with_size(egui::Vec2::new(width, height))
        .build_eframe(|_| app)
}

/// Steps the UI in real time until `done` holds; panics with the tab and the status bar on
/// timeout ([`TIMEOUT`]).
pub fn wait_until(
    harness: &mut Harness<'_, VisionApp>,
    what: &str,
    mut done: impl FnMut(&Harness<'_, VisionApp>) -> bool,
) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "timed out after {TIMEOUT:?} waiting for {what}; tab: {:?}; status: {:?}",
            harness.state().tab(),
            harness.state().status()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Clicks a widget by its label like a user would: checks it is enabled, scrolls it into
/// view and lets the layout settle first (a panel that just grew moves its widgets on the
/// next frame).
pub fn click(harness: &mut Harness<'_, VisionApp>, label: &str) {
    harness.step();
    harness.step();
    assert!(is_enabled(harness, label), "{label} should be enabled");
    scroll_into_view(harness, label);
    harness.get_by_label(label).click();
    harness.step();
    harness.step();
}

/// Scrolls the widget into view and waits until it has stopped moving (the scroll starts
/// a frame or two later and may animate).
pub fn scroll_into_view(harness: &mut Harness<'_, VisionApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    let mut last = None;
    let mut still_frames = 0;
    for _ in 0..120 {
        harness.step();
        let rect = harness.get_by_label(label).rect();
        if last == Some(rect) {
            still_frames += 1;
            if still_frames >= 5 {
                return;
            }
        } else {
            still_frames = 0;
        }
        last = Some(rect);
    }
}

/// Whether the one widget with this label is enabled.
pub fn is_enabled(harness: &Harness<'_, VisionApp>, label: &str) -> bool {
    !harness.get_by_label(label).accesskit_node().is_disabled()
}

/// Whether any label contains `text`.
pub fn has_label_containing(harness: &Harness<'_, VisionApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// The number that follows `prefix` in the one label that contains it.
pub fn number_after(harness: &Harness<'_, VisionApp>, prefix: &str) -> Option<usize> {
    let node = harness.query_by_label_contains(prefix)?.accesskit_node();
    // A text label keeps its text in `value`; widgets keep it in `label`.
    let label = node.label().or_else(|| node.value())?;
    let rest = label.split(prefix).nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A file "dropped" from the file manager.
#[derive(Debug)]
pub struct Dropped(pub PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops `files` on the window and steps once.
pub fn drop_files(harness: &mut Harness<'_, VisionApp>, files: &[PathBuf]) {
    for f in files {
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(f.clone())));
    }
    harness.step();
}
