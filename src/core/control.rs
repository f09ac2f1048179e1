//! The common controls of a job that has no training state: pause, resume and stop (the
//! attack and compression jobs). Training has its own loop in the engine.

use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use crate::core::job::Outbox;
use crate::core::protocol::{Command, Event};

/// Applies the commands waiting in `inbox`; while paused, blocks until resumed. Returns
/// false when the job should stop (asked to, or the UI has gone). `step` is reported in
/// [`Event::Paused`]. Other commands do not apply to these jobs and are ignored.
pub fn keep_going(inbox: &Receiver<Command>, out: &Outbox, step: u64) -> bool {
    let mut paused = false;
    loop {
        let command = if paused {
            match inbox.recv_timeout(Duration::from_millis(200)) {
                Ok(c) => c,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        } else {
            match inbox.try_recv() {
                Ok(c) => c,
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            }
        };
        match command {
            Command::Pause if !paused => {
                paused = true;
                out.send(Event::Paused { step });
            }
            Command::Resume if paused => {
                paused = false;
                out.send(Event::Resumed);
            }
            Command::Stop => return false,
            _ => {}
        }
    }
}
