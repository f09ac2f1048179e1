//! The job runtime: a job runs on its own thread (on its own compute pool), takes
//! [`Command`]s and sends [`Event`]s. Every long task (training, style, attack, compress)
//! runs through [`spawn_job`]; a failure or a panic arrives as [`Event::Failed`].

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crate::core::protocol::{Command, Event};

/// Called after every event is sent, so a UI can repaint (egui's `request_repaint`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A waker that does nothing (CLI, tests).
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// The UI's end of a running job. Dropping it tells the job to end.
pub struct JobHandle {
    commands: Sender<Command>,
    events: Receiver<Event>,
}

impl JobHandle {
    /// Sends a command; false when the job has ended.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The next event if one is waiting.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// The event channel, for blocking receives (CLI, tests).
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }
}

/// The job's end of the event channel: sends and wakes the UI.
pub struct Outbox {
    events: Sender<Event>,
    wake: Waker,
}

impl Outbox {
    /// An outbox sending into `events` and calling `wake` after each event.
    pub fn new(events: Sender<Event>, wake: Waker) -> Self {
        Outbox { events, wake }
    }

    /// Sends an event (ignored when the UI has gone) and wakes the UI.
    pub fn send(&self, event: Event) {
        let _ = self.events.send(event);
        (self.wake)();
    }
}

/// What a job that panicked with `panic` on this thread says: the server it lost, when it
/// ran on a remote one (a server that went away takes the job with it), else the panic's text.
pub fn crash_message(panic: &(dyn std::any::Any + Send)) -> String {
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    crate::core::remote_device::lost_server_message(&message)
        .unwrap_or_else(|| format!("the job crashed: {message}"))
}

/// Runs `job` on its own thread. An error it returns, or a panic, arrives as
/// [`Event::Failed`]; the caller lives on.
pub fn spawn_job<F>(name: &str, wake: Waker, job: F) -> JobHandle
where
    F: FnOnce(&Receiver<Command>, &Outbox) -> anyhow::Result<()> + Send + 'static,
{
    let (command_tx, command_rx) = mpsc::channel();
    let (event_tx, event_rx) = mpsc::channel();
    let outbox = Outbox {
        events: event_tx.clone(),
        wake: wake.clone(),
    };
    let pool_name = name.to_string();
    let spawned = std::thread::Builder::new()
        .name(format!("visionlab-{name}"))
        .spawn(move || {
            // The job's tensor work runs on its own pool's worker (see `compute`).
            crate::core::compute::run_on_pool(&pool_name, move || {
                // A pool thread may have run a remote job before: this one starts local.
                crate::core::remote_device::forget_in_use();
                let result =
                    std::panic::catch_unwind(AssertUnwindSafe(|| job(&command_rx, &outbox)));
                match result {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => outbox.send(Event::Failed(format!("{error:#}"))),
                    Err(panic) => outbox.send(Event::Failed(crash_message(&*panic))),
                }
            })
        });
    if let Err(error) = spawned {
        let _ = event_tx.send(Event::Failed(format!("could not start a thread: {error}")));
        wake();
    }
    JobHandle {
        commands: command_tx,
        events: event_rx,
    }
}

/// A progress callback for dataset readers: sends [`Event::Loading`] at most every 100 ms,
/// and always for the last image.
pub fn loading_progress(out: &Outbox) -> impl FnMut(usize, usize) + '_ {
    let mut last = Instant::now();
    move |done, total| {
        if done == total || last.elapsed() > Duration::from_millis(100) {
            last = Instant::now();
            out.send(Event::Loading { done, total });
        }
    }
}
