//! The Style tab's state and actions: the content and style wells (filled by dropping
//! files, Open… or a bundled sample), the request being edited, the running job and what
//! it sent (previews, losses, the result), the built-in styles' previews, and Export….
//!
//! Drawing is in [`view`](crate::ui::style::view).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use crate::core::assets;
use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{
    Command, FinishReason, RgbaImage, StyleEvent, StyleLosses, StyleRequest,
};
use crate::style::{job, picture};
use crate::ui::jobs::{DrainEnd, LAB_EVENTS_PER_FRAME, LabReport, drain};
use crate::ui::style::previews::BuiltinPreviews;
use crate::ui::widgets::dialogs::{DialogKind, DialogPoll, PendingDialog};
use crate::ui::widgets::remote_form::RemoteForm;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::Picture;

/// Longest side of a well's thumbnail.
pub const THUMBNAIL_SIDE: u32 = 160;

/// Bundled content samples (files in assets/images).
pub const CONTENT_SAMPLES: [&str; 2] = ["chelsea.png", "coffee.png"];
/// Bundled style samples (files in assets/images).
pub const STYLE_SAMPLES: [&str; 4] = ["starry_night.jpg", "flower.jpg", "brick.png", "gravel.png"];

/// Which input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WellKind {
    /// The photo to stylize.
    Content,
    /// The image whose style is taken.
    Style,
}

impl WellKind {
    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            WellKind::Content => "Content",
            WellKind::Style => "Style",
        }
    }
}

/// One input image: its file and a thumbnail read off the UI thread.
#[derive(Default)]
pub struct Well {
    /// The file.
    pub path: Option<PathBuf>,
    /// Its thumbnail, once read.
    pub thumbnail: Option<Picture>,
    /// Its size in pixels, once read.
    pub size: Option<(u32, u32)>,
    /// Why it could not be read.
    pub error: Option<String>,
    loading: Option<Receiver<WellLoad>>,
}

/// What the thread reading a well's image sends back: the picture and its size, or why not.
type WellLoad = Result<(RgbaImage, (u32, u32)), String>;

impl Well {
    /// Takes a new file and starts reading its thumbnail on a thread.
    pub fn set(&mut self, path: PathBuf, wake: Waker) {
        let (tx, rx) = mpsc::channel();
        let file = path.clone();
        let spawned = std::thread::Builder::new()
            .name("thumbnail".into())
            .spawn(move || {
                let result = picture::read(&file)
                    .map(|image| {
                        let own = image.dimensions();
                        let ((w, h), _) = picture::output_size(own, THUMBNAIL_SIDE)
                            .unwrap_or(((own.0.min(1), own.1.min(1)), false));
                        (picture::rgba(&picture::resize(&image, w, h)), own)
                    })
                    .map_err(|e| e.to_string());
                let _ = tx.send(result);
                wake();
            });
        *self = Well {
            path: Some(path),
            ..Well::default()
        };
        match spawned {
            Ok(_) => self.loading = Some(rx),
            Err(e) => self.error = Some(format!("could not read the image: {e}")),
        }
    }

    /// Takes a finished thumbnail; true while one is still being read.
    fn poll(&mut self) -> bool {
        let Some(rx) = &self.loading else {
            return false;
        };
        match rx.try_recv() {
            Ok(Ok((thumbnail, size))) => {
                self.thumbnail = Some(Picture::new(thumbnail));
                self.size = Some(size);
                self.loading = None;
                false
            }
            Ok(Err(message)) => {
                self.error = Some(message);
                self.loading = None;
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.error = Some("could not read the image".into());
                self.loading = None;
                false
            }
        }
    }

    /// Whether a thumbnail is being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }
}

/// What the Style tab's open dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StyleDialog {
    Open(WellKind),
    Export,
}

/// Everything the Style tab shows and edits.
pub struct StyleTab {
    /// The options of the next run (its image paths come from the wells).
    pub request: StyleRequest,
    /// The content image.
    pub content: Well,
    /// The style image.
    pub style: Well,
    /// Built-in styles: blend several with sliders instead of picking one.
    pub blend: bool,
    /// The picked built-in style (single mode).
    pub builtin: usize,
    /// Blend weights of the 26 styles.
    pub blend_weights: [f32; crate::style::fast::STYLES],
    /// Previews of the 26 styles for the picker, made when it is first shown.
    pub previews: BuiltinPreviews,
    /// The image as it forms, or the result.
    pub output: Option<Picture>,
    /// Whether `output` is the finished result (what Export writes).
    pub output_is_result: bool,
    /// Iterations done / in all (optimisation).
    pub progress: Option<(usize, usize)>,
    /// Losses of every iteration so far.
    pub losses: Vec<StyleLosses>,
    /// The device the last run used, in words.
    pub device_text: Option<String>,
    /// "Remote…" in the device box: a `visionlab serve` address and token.
    pub remote: RemoteForm,
    /// Milliseconds the last run took.
    pub millis: Option<f64>,
    /// How the last run ended.
    pub finished: Option<FinishReason>,
    /// The last file exported.
    pub exported: Option<PathBuf>,
    /// Screen areas of the wells last frame (files dropped on one go to it).
    pub well_rects: [Option<egui::Rect>; 2],
    job: Option<JobHandle>,
    dialog: Option<(StyleDialog, PendingDialog)>,
}

impl Default for StyleTab {
    fn default() -> Self {
        Self::new()
    }
}

impl StyleTab {
    /// An empty tab with the default options.
    pub fn new() -> Self {
        let mut blend_weights = [0.0; crate::style::fast::STYLES];
        blend_weights[0] = 1.0;
        StyleTab {
            request: StyleRequest::default(),
            content: Well::default(),
            style: Well::default(),
            blend: false,
            builtin: 0,
            blend_weights,
            previews: BuiltinPreviews::default(),
            output: None,
            output_is_result: false,
            progress: None,
            losses: Vec::new(),
            device_text: None,
            remote: RemoteForm::default(),
            millis: None,
            finished: None,
            exported: None,
            well_rects: [None, None],
            job: None,
            dialog: None,
        }
    }

    /// Whether a stylization runs.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// The well of `kind`.
    pub fn well(&self, kind: WellKind) -> &Well {
        match kind {
            WellKind::Content => &self.content,
            WellKind::Style => &self.style,
        }
    }

    /// Puts `path` into the well of `kind`.
    pub fn set_input(&mut self, kind: WellKind, path: PathBuf, wake: Waker) {
        match kind {
            WellKind::Content => self.content.set(path, wake),
            WellKind::Style => self.style.set(path, wake),
        }
    }

    /// Puts a bundled sample image (`assets/images/NAME`) into a well.
    pub fn use_sample(&mut self, kind: WellKind, name: &str, wake: Waker, status: &mut Status) {
        match assets::find(&format!("images/{name}")) {
            Ok(path) => self.set_input(kind, path, wake),
            Err(e) => status.fail(e.to_string()),
        }
    }

    /// Swaps the content and style images.
    pub fn swap(&mut self) {
        std::mem::swap(&mut self.content, &mut self.style);
    }

    /// Files dropped this frame: two or more fill both wells (content first); one goes to
    /// the well under the pointer, else to the first empty well it fits.
    pub fn take_dropped(&mut self, files: Vec<PathBuf>, at: Option<egui::Pos2>, wake: &Waker) {
        let mut files = files.into_iter().filter(|p| !p.as_os_str().is_empty());
        let Some(first) = files.next() else {
            return;
        };
        if let Some(second) = files.next() {
            self.set_input(WellKind::Content, first, wake.clone());
            self.set_input(WellKind::Style, second, wake.clone());
            return;
        }
        let under =
            |rect: Option<egui::Rect>| matches!((rect, at), (Some(r), Some(p)) if r.contains(p));
        let kind = if under(self.well_rects[1]) {
            WellKind::Style
        } else if under(self.well_rects[0]) || self.content.path.is_none() {
            WellKind::Content
        } else if self.style.path.is_none() && self.request.method.needs_style_image() {
            WellKind::Style
        } else {
            WellKind::Content
        };
        self.set_input(kind, first, wake.clone());
    }

    /// The built-in styles of the next run.
    pub fn builtin_styles(&self) -> Vec<(usize, f32)> {
        if self.blend {
            self.blend_weights
                .iter()
                .enumerate()
                .filter(|(_, w)| **w > 0.0)
                .map(|(i, w)| (i, *w))
                .collect()
        } else {
            vec![(self.builtin, 1.0)]
        }
    }

    /// Starts a stylization with the edited options.
    pub fn start(&mut self, wake: Waker, status: &mut Status) {
        if self.running() {
            return;
        }
        let Some(content) = self.content.path.clone() else {
            return status
                .fail("Drop a content image on the content well (or use Open… or a sample).");
        };
        let mut request = self.request.clone();
        request.content = content;
        request.style = self.style.path.clone();
        request.builtin = self.builtin_styles();
        request.preview_every = request.preview_every.max(1);
        if let Err(e) = job::validate(&request) {
            return status.fail(e.to_string());
        }
        self.progress = None;
        self.losses.clear();
        self.finished = None;
        self.millis = None;
        self.output_is_result = false;
        status.log(format!("Stylizing ({})…", request.method.label()));
        self.job = Some(job::spawn(request, wake));
    }

    /// Asks the running job to stop (the optimisation keeps its image so far).
    pub fn cancel(&mut self) {
        if let Some(job) = &self.job {
            job.send(Command::Stop);
        }
    }

    /// The finished image, ready to export.
    pub fn result(&self) -> Option<&RgbaImage> {
        self.output
            .as_ref()
            .filter(|_| self.output_is_result)
            .map(|p| &p.image)
    }

    /// Writes the result, at full size, to `path` (PNG or JPEG by extension).
    pub fn export_to(&mut self, path: &Path, status: &mut Status) {
        let Some(image) = self.result() else {
            return status.fail("Nothing to export yet: stylize an image first.");
        };
        match picture::export(path, image) {
            Ok(()) => {
                status.log(format!(
                    "Exported {}×{} to {}",
                    image.width,
                    image.height,
                    path.display()
                ));
                self.exported = Some(path.to_path_buf());
            }
            Err(e) => status.fail(e.to_string()),
        }
    }

    /// Opens the Open… dialog for a well.
    pub fn open_dialog(&mut self, kind: WellKind, wake: Waker) {
        let start = self
            .well(kind)
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        self.spawn_dialog(StyleDialog::Open(kind), DialogKind::OpenImage(start), wake);
    }

    /// Opens the Export… dialog.
    pub fn export_dialog(&mut self, wake: Waker) {
        let stem = self
            .content
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or("image".into(), |s| s.to_string_lossy().into_owned());
        let start = self
            .exported
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        let kind = DialogKind::SaveImage {
            start,
            title: "Export the stylized image".into(),
            name: format!("{stem}-stylized.png"),
        };
        self.spawn_dialog(StyleDialog::Export, kind, wake);
    }

    fn spawn_dialog(&mut self, purpose: StyleDialog, kind: DialogKind, wake: Waker) {
        if self.dialog.is_none() {
            self.dialog = Some((purpose, PendingDialog::spawn(kind, move || wake())));
        }
    }

    /// Draws the open dialog when it is visionlab's own (a system dialog draws itself).
    pub fn show_dialog(&mut self, ctx: &egui::Context) {
        if let Some((_, dialog)) = &mut self.dialog {
            dialog.show(ctx);
        }
    }

    /// Whether a system file dialog is open (outside the window).
    fn waiting_for_system_dialog(&self) -> bool {
        self.dialog.as_ref().is_some_and(|(_, d)| !d.is_in_window())
    }

    /// One line on what the tab does, for the status bar.
    pub fn phase_text(&self) -> String {
        match (&self.job, self.progress) {
            (Some(_), Some((done, total))) => format!("Stylizing: iteration {done}/{total}"),
            (Some(_), None) => "Stylizing…".into(),
            (None, _) => "Idle".into(),
        }
    }

    /// Takes in what the job, the thumbnail readers and dialogs sent. Returns true while
    /// something is still running.
    pub fn poll(&mut self, wake: &Waker, status: &mut Status) -> bool {
        let loading = self.content.poll() | self.style.poll() | self.previews.poll();
        self.poll_dialog(wake, status);
        let Some(job) = &self.job else {
            return loading || self.waiting_for_system_dialog();
        };
        let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
        let mut ended = end == DrainEnd::Disconnected;
        for event in events {
            match LabReport::style(event) {
                LabReport::Device(text) => self.device_text = Some(text),
                LabReport::Log(line) => status.log(line),
                // The wells already show the inputs; previews come from their own job.
                LabReport::Own(StyleEvent::Inputs { .. } | StyleEvent::BuiltinPreview { .. }) => {}
                LabReport::Own(StyleEvent::Progress {
                    done,
                    total,
                    losses,
                }) => {
                    self.progress = Some((done, total));
                    if let Some(l) = losses {
                        self.losses.push(l);
                    }
                }
                LabReport::Own(StyleEvent::Preview(image)) => {
                    self.output = Some(Picture::new(image));
                    self.output_is_result = false;
                }
                LabReport::Own(StyleEvent::Result { image, millis }) => {
                    self.output = Some(Picture::new(image));
                    self.output_is_result = true;
                    self.millis = Some(millis);
                }
                LabReport::Finished(reason) => {
                    self.finished = Some(reason);
                    status.log(match reason {
                        FinishReason::Completed => "Stylized: Export… writes it at full size.",
                        FinishReason::Stopped => "Stopped: the image so far can be exported.",
                    });
                    ended = true;
                }
                LabReport::Failed(message) => {
                    status.fail(message);
                    ended = true;
                }
                LabReport::Ignored => {}
            }
        }
        if ended {
            self.job = None;
        }
        true
    }

    fn poll_dialog(&mut self, wake: &Waker, status: &mut Status) {
        let Some((purpose, dialog)) = &mut self.dialog else {
            return;
        };
        let purpose = *purpose;
        let answer = dialog.poll();
        match answer {
            DialogPoll::Pending => return,
            DialogPoll::FellBack(message) => {
                status.log(message);
                return;
            }
            _ => self.dialog = None,
        }
        match answer {
            DialogPoll::Pending | DialogPoll::FellBack(_) | DialogPoll::Cancelled => {}
            DialogPoll::Picked(path) => match purpose {
                StyleDialog::Open(kind) => self.set_input(kind, path, wake.clone()),
                StyleDialog::Export => self.export_to(&path, status),
            },
        }
    }

    /// Whether the chosen method can start with the wells as they are.
    pub fn ready(&self) -> bool {
        self.content.path.is_some()
            && (!self.request.method.needs_style_image() || self.style.path.is_some())
    }
}
