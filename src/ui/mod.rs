//! The desktop GUI (eframe/egui). It owns plain data only: every long task runs as a job
//! on its own thread and talks to the UI through [`crate::train::protocol`].
//!
//! Layout: [`app`] routes job events into state and lays out the frame; each panel has
//! its own module; [`classify`] holds a training tab's state and actions (Classify and Segment share it);
//! [`overlay`], [`overlay_panel`] and [`overlay_gpu`] draw segmentation masks.

pub mod app;
pub mod boxes_panel;
pub mod classify;
pub mod confusion_panel;
pub mod curves;
pub mod data_panel;
pub mod dialogs;
pub mod insight;
pub mod overlay;
pub mod overlay_gpu;
pub mod overlay_panel;
pub mod plot_panel;
pub mod predictions_panel;
pub mod saliency_panel;
pub mod settings;
pub mod status_bar;
pub mod textures;
pub mod train_panel;
// --- adversarial / compression ---
pub mod attack_tab;
pub mod compress_tab;
pub mod lab_common;
// --- neural style transfer (issue 5) ---
pub mod style_panel;
pub mod style_tab;

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
                .with_gpu_overlay(cc.wgpu_render_state.as_ref())
                .inspect_on_start();
            app.status_mut().log(
                match crate::assets::dir_holding(crate::assets::ASSETS_MARKER) {
                    Some(dir) => format!("Assets from {}", dir.display()),
                    None => format!("Bundled assets not found: set {}", crate::assets::ENV),
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
        .with_layout(&settings::Layout::load(storage));
    if let Some(lab) = settings::LabSettings::load(storage) {
        app = app.with_lab_settings(&lab);
    }
    app
}
