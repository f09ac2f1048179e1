//! File dialogs: the system's own first, visionlab's in-window dialog where none opens.
//!
//! `rfd` blocks while its dialog is open and can hang or fail outright where no desktop
//! portal runs, so each system dialog runs on its own thread and hands its answer back
//! through a channel; the UI polls [`PendingDialog::poll`] once a frame and never waits.
//! When the system dialog cannot open (no XDG portal and no zenity, as on a minimal desktop
//! or under Xvfb) the same request goes on in a dialog drawn inside the window
//! (`egui_file`), so every open and save works everywhere. `VISIONLAB_FILE_DIALOG=builtin`
//! asks for the in-window dialog straight away.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use egui_file::{FileDialog, State};

use crate::ui::widgets::status_bar::Status;

/// A dialog that closes faster than this without an answer most likely never opened
/// (no desktop portal and no zenity): rfd reports that the same way as a cancel.
const TOO_FAST_TO_BE_A_CANCEL: Duration = Duration::from_millis(400);

/// Environment variable that picks the in-window dialog (`builtin`) over the system's.
pub const DIALOG_ENV: &str = "VISIONLAB_FILE_DIALOG";

/// Set when the in-window dialog is to be used without trying the system's (tests, or a
/// system dialog that was found missing once: it would fail the same way every time).
static BUILTIN_ONLY: AtomicBool = AtomicBool::new(false);

/// From now on, skips the system dialog and opens the in-window one at once.
pub fn use_builtin_dialog() {
    BUILTIN_ONLY.store(true, Ordering::Relaxed);
}

fn builtin_only() -> bool {
    BUILTIN_ONLY.load(Ordering::Relaxed)
        || std::env::var(DIALOG_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("builtin"))
}

/// File extension of checkpoints written by the training job.
pub use crate::train::checkpoint::CHECKPOINT_EXTENSION;

/// Image files the readers open.
const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "bmp", "gif", "webp"];

/// Which dialog to show.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogKind {
    /// Choose a dataset folder, starting in this folder when given.
    PickFolder(Option<PathBuf>),
    /// Choose where to save a checkpoint.
    SaveCheckpoint(Option<PathBuf>),
    /// Choose a checkpoint to open.
    OpenCheckpoint(Option<PathBuf>),
    /// Choose an image file (a style transfer input).
    OpenImage(Option<PathBuf>),
    /// Choose where to save an image (PNG or JPEG), with this title, suggesting this file
    /// name.
    SaveImage {
        /// Folder to start in.
        start: Option<PathBuf>,
        /// The dialog's title ("Export the stylized image").
        title: String,
        /// Suggested file name.
        name: String,
    },
    /// Choose where to save another kind of file (a list), added `extension` when the
    /// name has none.
    SaveFile {
        /// Folder to start in.
        start: Option<PathBuf>,
        /// The dialog's title.
        title: String,
        /// Suggested file name.
        name: String,
        /// Extension given to a name without one.
        extension: &'static str,
    },
}

impl DialogKind {
    fn start(&self) -> Option<&Path> {
        match self {
            DialogKind::PickFolder(start)
            | DialogKind::SaveCheckpoint(start)
            | DialogKind::OpenCheckpoint(start)
            | DialogKind::OpenImage(start)
            | DialogKind::SaveImage { start, .. }
            | DialogKind::SaveFile { start, .. } => start.as_deref().filter(|d| d.is_dir()),
        }
    }

    fn title(&self) -> &str {
        match self {
            DialogKind::PickFolder(_) => "Open a dataset folder",
            DialogKind::SaveCheckpoint(_) => "Save checkpoint",
            DialogKind::OpenCheckpoint(_) => "Load checkpoint",
            DialogKind::OpenImage(_) => "Open an image",
            DialogKind::SaveImage { title, .. } | DialogKind::SaveFile { title, .. } => title,
        }
    }

    /// What the chosen path becomes: a missing extension is added for saves.
    fn finish(&self, path: PathBuf) -> PathBuf {
        match self {
            DialogKind::SaveCheckpoint(_) => with_checkpoint_extension(path),
            DialogKind::SaveImage { .. } if path.extension().is_none() => {
                path.with_extension("png")
            }
            DialogKind::SaveFile { extension, .. } if path.extension().is_none() => {
                path.with_extension(extension)
            }
            _ => path,
        }
    }
}

/// What a pending dialog has to say this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogPoll {
    /// Still open.
    Pending,
    /// The user chose this path.
    Picked(PathBuf),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// The system dialog could not open; the in-window dialog took over (the message says
    /// why, for the status line). The dialog is still open.
    FellBack(String),
}

/// Where an open dialog runs.
enum Mode {
    /// The system's dialog, on its own thread.
    System {
        opened: Instant,
        answer: Receiver<Option<PathBuf>>,
    },
    /// visionlab's dialog, drawn by [`PendingDialog::show`] every frame.
    InWindow(Box<FileDialog>),
}

/// An open file dialog.
pub struct PendingDialog {
    kind: DialogKind,
    mode: Mode,
}

/// Polls the dialog held in `slot`: the path picked (the slot emptied), or `None` while it
/// is open and when it was cancelled (the slot emptied too); falling back to the in-window
/// dialog is said in `status`.
pub fn poll_slot(slot: &mut Option<PendingDialog>, status: &mut Status) -> Option<PathBuf> {
    match slot.as_mut()?.poll() {
        DialogPoll::Pending => None,
        DialogPoll::FellBack(message) => {
            status.log(message);
            None
        }
        DialogPoll::Cancelled => {
            *slot = None;
            None
        }
        DialogPoll::Picked(path) => {
            *slot = None;
            Some(path)
        }
    }
}

impl PendingDialog {
    /// Opens the dialog: the system's on a new thread (`wake` is called when it closes),
    /// or the in-window one when the system's is known to be missing.
    pub fn spawn(kind: DialogKind, wake: impl Fn() + Send + 'static) -> Self {
        if builtin_only() {
            return Self::in_window(kind);
        }
        let (sender, answer) = mpsc::channel();
        let thread_kind = kind.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let picked = show_system(&thread_kind);
                // The UI may have stopped waiting; then nobody needs the answer.
                let _ = sender.send(picked);
                wake();
            });
        match spawned {
            Ok(_) => PendingDialog {
                kind,
                mode: Mode::System {
                    opened: Instant::now(),
                    answer,
                },
            },
            Err(_) => Self::in_window(kind),
        }
    }

    /// Opens the in-window dialog.
    pub fn in_window(kind: DialogKind) -> Self {
        let dialog = in_window_dialog(&kind);
        PendingDialog {
            kind,
            mode: Mode::InWindow(Box::new(dialog)),
        }
    }

    /// What kind of dialog this is.
    pub fn kind(&self) -> &DialogKind {
        &self.kind
    }

    /// Whether the dialog is drawn inside the window (and needs [`PendingDialog::show`]).
    pub fn is_in_window(&self) -> bool {
        matches!(self.mode, Mode::InWindow(_))
    }

    /// Checks, without blocking, whether the dialog has closed. A system dialog that could
    /// not open hands over to the in-window dialog ([`DialogPoll::FellBack`]).
    pub fn poll(&mut self) -> DialogPoll {
        let fell_back = match &mut self.mode {
            Mode::System { opened, answer } => match answer.try_recv() {
                Ok(Some(path)) => return DialogPoll::Picked(self.kind.finish(path)),
                Ok(None) if opened.elapsed() >= TOO_FAST_TO_BE_A_CANCEL => {
                    return DialogPoll::Cancelled;
                }
                Err(TryRecvError::Empty) => return DialogPoll::Pending,
                Ok(None) => {
                    "no system file dialog could open (it needs a desktop portal or zenity)"
                }
                Err(TryRecvError::Disconnected) => "the system file dialog failed",
            },
            Mode::InWindow(dialog) => {
                return match dialog.state() {
                    State::Selected => match dialog.path() {
                        Some(path) => DialogPoll::Picked(self.kind.finish(path.to_path_buf())),
                        None => DialogPoll::Cancelled,
                    },
                    State::Cancelled | State::Closed => DialogPoll::Cancelled,
                    State::Open => DialogPoll::Pending,
                };
            }
        };
        // It would fail the same way next time: go straight to the in-window dialog then.
        use_builtin_dialog();
        self.mode = Mode::InWindow(Box::new(in_window_dialog(&self.kind)));
        DialogPoll::FellBack(format!("{fell_back}; using visionlab's own file dialog"))
    }

    /// Draws the in-window dialog; does nothing for a system dialog. Call once a frame
    /// while the dialog is pending.
    pub fn show(&mut self, ctx: &egui::Context) {
        if let Mode::InWindow(dialog) = &mut self.mode {
            dialog.show(ctx);
        }
    }
}

/// The in-window dialog for a request, open.
fn in_window_dialog(kind: &DialogKind) -> FileDialog {
    let mut dialog = match kind {
        DialogKind::PickFolder(_) => FileDialog::select_folder(),
        DialogKind::OpenCheckpoint(_) => {
            FileDialog::open_file().show_files_filter(only_extensions(&[CHECKPOINT_EXTENSION]))
        }
        DialogKind::OpenImage(_) => {
            FileDialog::open_file().show_files_filter(only_extensions(&IMAGE_EXTENSIONS))
        }
        DialogKind::SaveCheckpoint(_) => {
            FileDialog::save_file().default_filename(format!("checkpoint.{CHECKPOINT_EXTENSION}"))
        }
        DialogKind::SaveImage { name, .. } | DialogKind::SaveFile { name, .. } => {
            FileDialog::save_file().default_filename(name)
        }
    }
    .title(kind.title())
    .default_size(egui::vec2(560.0, 420.0))
    .keep_on_top(true)
    .show_new_folder(true)
    .show_rename(false);
    if let Some(start) = kind.start() {
        dialog = dialog.initial_path(start);
    }
    dialog.open();
    dialog
}

/// A filter showing files with one of these extensions (folders are always shown).
fn only_extensions(extensions: &'static [&'static str]) -> egui_file::Filter<PathBuf> {
    Box::new(move |path: &Path| {
        path.extension()
            .and_then(OsStr::to_str)
            .is_some_and(|ext| extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
    })
}

/// Runs the system dialog (blocking: on the dialog thread).
fn show_system(kind: &DialogKind) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new().set_title(kind.title());
    if let Some(start) = kind.start() {
        dialog = dialog.set_directory(start);
    }
    match kind {
        DialogKind::PickFolder(_) => dialog.pick_folder(),
        DialogKind::SaveCheckpoint(_) => dialog
            .add_filter("visionlab checkpoint", &[CHECKPOINT_EXTENSION])
            .set_file_name(format!("checkpoint.{CHECKPOINT_EXTENSION}"))
            .save_file(),
        DialogKind::OpenCheckpoint(_) => dialog
            .add_filter("visionlab checkpoint", &[CHECKPOINT_EXTENSION])
            .pick_file(),
        DialogKind::OpenImage(_) => dialog.add_filter("Images", &IMAGE_EXTENSIONS).pick_file(),
        DialogKind::SaveImage { name, .. } => dialog
            .add_filter("PNG", &["png"])
            .add_filter("JPEG", &["jpg", "jpeg"])
            .set_file_name(name)
            .save_file(),
        DialogKind::SaveFile {
            name, extension, ..
        } => dialog
            .add_filter(*extension, &[*extension])
            .set_file_name(name)
            .save_file(),
    }
}

/// Adds the checkpoint extension when the path has none.
pub fn with_checkpoint_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(CHECKPOINT_EXTENSION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_is_added_only_when_missing() {
        assert_eq!(
            with_checkpoint_extension(PathBuf::from("/tmp/run")),
            PathBuf::from("/tmp/run.vlck")
        );
        assert_eq!(
            with_checkpoint_extension(PathBuf::from("/tmp/run.vlck")),
            PathBuf::from("/tmp/run.vlck")
        );
        let image = DialogKind::SaveImage {
            start: None,
            title: "Save".into(),
            name: "a.png".into(),
        };
        assert_eq!(image.finish("/tmp/a".into()), PathBuf::from("/tmp/a.png"));
        assert_eq!(
            image.finish("/tmp/a.jpg".into()),
            PathBuf::from("/tmp/a.jpg")
        );
    }

    #[test]
    fn in_window_dialog_starts_open_in_the_given_folder() {
        let dir = std::env::temp_dir();
        let dialog = PendingDialog::in_window(DialogKind::OpenCheckpoint(Some(dir.clone())));
        assert!(dialog.is_in_window());
        let Mode::InWindow(inner) = &dialog.mode else {
            unreachable!("in_window makes an in-window dialog");
        };
        assert_eq!(inner.state(), State::Open);
        assert_eq!(inner.directory(), dir.as_path());
    }

    #[test]
    fn image_filter_matches_extensions_in_any_case() {
        let filter = only_extensions(&IMAGE_EXTENSIONS);
        assert!(filter(Path::new("/a/b.PNG")));
        assert!(filter(Path::new("b.jpeg")));
        assert!(!filter(Path::new("b.txt")));
        assert!(!filter(Path::new("noext")));
    }
}
