//! Native file dialogs, run off the UI thread.
//!
//! `rfd` blocks while its dialog is open and can hang or fail outright where no desktop
//! portal runs, so each dialog runs on its own thread and hands its answer back through a
//! channel. The UI polls [`PendingDialog::poll`] once a frame and never waits.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// A dialog that closes faster than this without an answer most likely never opened
/// (no desktop portal and no zenity): rfd reports that the same way as a cancel.
const TOO_FAST_TO_BE_A_CANCEL: Duration = Duration::from_millis(400);

/// File extension of checkpoints written by the training job.
pub use crate::train::checkpoint::CHECKPOINT_EXTENSION;

/// Which dialog to show.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogKind {
    /// Choose a dataset folder, starting in this folder when given.
    PickFolder(Option<PathBuf>),
    /// Choose where to save a checkpoint.
    SaveCheckpoint(Option<PathBuf>),
    /// Choose a checkpoint to resume from.
    OpenCheckpoint(Option<PathBuf>),
    /// Choose an image file (a style transfer input).
    OpenImage(Option<PathBuf>),
    /// Choose where to export an image (PNG or JPEG), suggesting this file name.
    SaveImage(Option<PathBuf>, String),
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
    /// The dialog closed at once without an answer: it most likely could not open.
    Unavailable,
    /// The dialog could not run; the message says why.
    Failed(String),
}

/// A dialog running on its own thread.
pub struct PendingDialog {
    kind: DialogKind,
    opened: Instant,
    answer: Receiver<Option<PathBuf>>,
}

impl PendingDialog {
    /// Opens the dialog on a new thread; `wake` is called when it closes.
    pub fn spawn(kind: DialogKind, wake: impl Fn() + Send + 'static) -> Result<Self, String> {
        let (sender, answer) = mpsc::channel();
        let thread_kind = kind.clone();
        std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let picked = show(thread_kind);
                // The UI may have stopped waiting; then nobody needs the answer.
                let _ = sender.send(picked);
                wake();
            })
            .map_err(|err| format!("could not open a file dialog: {err}"))?;
        Ok(PendingDialog {
            kind,
            opened: Instant::now(),
            answer,
        })
    }

    /// What kind of dialog this is.
    pub fn kind(&self) -> &DialogKind {
        &self.kind
    }

    /// Checks, without blocking, whether the dialog has closed.
    pub fn poll(&self) -> DialogPoll {
        match self.answer.try_recv() {
            Ok(Some(path)) => DialogPoll::Picked(path),
            Ok(None) if self.opened.elapsed() < TOO_FAST_TO_BE_A_CANCEL => DialogPoll::Unavailable,
            Ok(None) => DialogPoll::Cancelled,
            Err(TryRecvError::Empty) => DialogPoll::Pending,
            Err(TryRecvError::Disconnected) => DialogPoll::Failed(
                "the file dialog failed; type the path into the text field instead".into(),
            ),
        }
    }
}

fn show(kind: DialogKind) -> Option<PathBuf> {
    let with_dir = |dialog: rfd::FileDialog, dir: Option<PathBuf>| match dir {
        Some(dir) if dir.is_dir() => dialog.set_directory(dir),
        _ => dialog,
    };
    match kind {
        DialogKind::PickFolder(start) => with_dir(rfd::FileDialog::new(), start)
            .set_title("Open a dataset folder")
            .pick_folder(),
        DialogKind::SaveCheckpoint(start) => with_dir(rfd::FileDialog::new(), start)
            .set_title("Save checkpoint")
            .add_filter("visionlab checkpoint", &[CHECKPOINT_EXTENSION])
            .set_file_name(format!("checkpoint.{CHECKPOINT_EXTENSION}"))
            .save_file()
            .map(with_checkpoint_extension),
        DialogKind::OpenCheckpoint(start) => with_dir(rfd::FileDialog::new(), start)
            .set_title("Load checkpoint")
            .add_filter("visionlab checkpoint", &[CHECKPOINT_EXTENSION])
            .pick_file(),
        DialogKind::OpenImage(start) => with_dir(rfd::FileDialog::new(), start)
            .set_title("Open an image")
            .add_filter("Images", &["png", "jpg", "jpeg", "bmp", "gif", "webp"])
            .pick_file(),
        DialogKind::SaveImage(start, name) => with_dir(rfd::FileDialog::new(), start)
            .set_title("Export the stylized image")
            .add_filter("PNG", &["png"])
            .add_filter("JPEG", &["jpg", "jpeg"])
            .set_file_name(name)
            .save_file()
            .map(|p| {
                if p.extension().is_some() {
                    p
                } else {
                    p.with_extension("png")
                }
            }),
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
    }
}
