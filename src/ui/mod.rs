//! The desktop GUI (eframe/egui). It owns plain data only: every long task runs as a job
//! on its own thread and talks to the UI through [`crate::core::protocol`]; nothing here
//! touches a tensor.
//!
//! Layout:
//! - [`app`]: the tabs, routing each tab's jobs into its state, and the frame layout;
//! - one folder per tab, each with its state (`state.rs`) and its drawing (`view.rs`, and
//!   a file per panel): [`classify`], [`segment`], [`detect`], [`attack`], [`compress`],
//!   [`style`], [`runs`] (every recorded run);
//! - [`training`]: what the three training tabs share (one run's lifecycle, the data,
//!   training and curves panels, the frame they sit in);
//! - [`widgets`]: pieces every tab may draw with (status bar, pictures, file dialogs…);
//! - [`jobs`]: taking job events a frame at a time; [`settings`]: what is remembered.

pub mod app;
pub mod attack;
pub mod classify;
pub mod compress;
pub mod detect;
pub mod explore;
pub mod frame_timing;
pub mod jobs;
pub mod runs;
pub mod segment;
pub mod settings;
pub mod style;
pub mod training;
pub mod widgets;

pub use app::VisionApp;

/// Opens the visionlab window and runs until it is closed.
pub fn run() -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("visionlab")
            .with_app_id("visionlab")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_icon(icon()),
        ..Default::default()
    };
    eframe::run_native(
        "visionlab",
        options,
        Box::new(|cc| {
            let mut app = restore(cc.storage)
                .with_runs_root(settings::RunsSettings::load(cc.storage).root())
                .with_gpu_overlay(cc.wgpu_render_state.as_ref())
                .inspect_on_start();
            app.status_mut().log(
                match crate::core::assets::dir_holding(crate::core::assets::ASSETS_MARKER) {
                    Some(dir) => format!("Assets from {}", dir.display()),
                    None => format!("Bundled assets not found: set {}", crate::core::assets::ENV),
                },
            );
            Ok(Box::new(app))
        }),
    )
}

/// The window icon: the packaged 128-px PNG, built in (a broken one leaves the default).
fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../packaging/icons/visionlab-128.png"))
        .unwrap_or_default()
}

/// The app as the user left it: each tab's settings, the lab tabs' fields and the window
/// layout, read from eframe's storage (defaults for whatever is absent or unreadable).
pub fn restore(storage: Option<&dyn eframe::Storage>) -> VisionApp {
    let classify = settings::Settings::load(storage);
    let segment = settings::Settings::load_segment(storage);
    let detect = settings::Settings::load_detect(storage);
    let mut app = VisionApp::from_settings(classify, segment)
        .with_detect_settings(detect)
        .with_layout(&settings::Layout::load(storage))
        .with_runs_settings(&settings::RunsSettings::load(storage));
    if let Some(lab) = settings::LabSettings::load(storage) {
        app = app.with_lab_settings(&lab);
    }
    app
}
