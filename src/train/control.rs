//! The controls every training job shares: pause, resume, stop, a new epoch budget and
//! "save a checkpoint now", applied between steps, and the idle loop after a run ends.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use crate::core::job::Outbox;
use crate::core::protocol::{Command, Event, ExplainRequest};

/// What the commands asked of the training loop.
pub enum Control {
    /// Take the next step.
    Continue,
    /// End the run now (stopped, or the UI has gone).
    Stop,
}

/// A run the shared controls can steer.
pub trait Controlled {
    /// Last finished global step.
    fn step(&self) -> u64;
    /// Whole epochs finished.
    fn epochs_done(&self) -> usize;
    /// The epoch budget.
    fn epochs(&self) -> usize;
    /// Changes the epoch budget.
    fn set_epochs(&mut self, epochs: usize);
    /// Writes a checkpoint to `path` and reports [`Event::CheckpointSaved`] or
    /// [`Event::CheckpointFailed`].
    fn save(&self, path: &Path, out: &Outbox);
    /// Answers [`Command::Explain`] (runs that cannot explain ignore it).
    fn explain(&self, _request: ExplainRequest, _out: &Outbox) {}
}

/// Applies waiting commands between steps; while paused, blocks until resumed or stopped.
pub fn between_steps(
    run: &mut impl Controlled,
    inbox: &Receiver<Command>,
    out: &Outbox,
) -> Control {
    let mut paused = false;
    loop {
        let command = if paused {
            match inbox.recv_timeout(Duration::from_millis(200)) {
                Ok(c) => c,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Control::Stop,
            }
        } else {
            match inbox.try_recv() {
                Ok(c) => c,
                Err(TryRecvError::Empty) => return Control::Continue,
                Err(TryRecvError::Disconnected) => return Control::Stop,
            }
        };
        match command {
            Command::Pause => {
                if !paused {
                    paused = true;
                    out.send(Event::Paused { step: run.step() });
                }
            }
            Command::Resume => {
                if paused {
                    paused = false;
                    out.send(Event::Resumed);
                }
            }
            Command::Stop => return Control::Stop,
            Command::SetEpochs(n) => {
                // The epoch in progress always finishes.
                let epochs = n.max(run.epochs_done() + 1);
                run.set_epochs(epochs);
                out.send(Event::EpochsChanged(epochs));
            }
            Command::SaveCheckpoint(path) => run.save(&path, out),
            Command::Explain(request) => run.explain(request, out),
        }
    }
}

/// After a run ended: answers save and epoch-budget commands until a resume that has
/// epochs left (returns true) or until the UI drops its handle (returns false).
pub fn idle(run: &mut impl Controlled, inbox: &Receiver<Command>, out: &Outbox) -> bool {
    loop {
        match inbox.recv() {
            Err(_) => return false,
            Ok(Command::SaveCheckpoint(path)) => run.save(&path, out),
            Ok(Command::Explain(request)) => run.explain(request, out),
            Ok(Command::SetEpochs(n)) => {
                run.set_epochs(n);
                out.send(Event::EpochsChanged(n));
            }
            Ok(Command::Resume) if run.epochs_done() < run.epochs() => {
                out.send(Event::Resumed);
                return true;
            }
            Ok(_) => {}
        }
    }
}
