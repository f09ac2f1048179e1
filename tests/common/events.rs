//! Waiting for a job's events, for the tests that drive a job through the protocol only.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use visionlab::core::job::JobHandle;
use visionlab::core::protocol::Event;

/// Longest wait for the next expected event (a small run on a slow 2-core machine).
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// Waits for the first event that `pick` accepts, handing every event to `pick` in order;
/// fails on [`Event::Failed`], [`Event::CheckpointFailed`] or after [`TIMEOUT`].
pub fn wait_for<T>(job: &JobHandle, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match job.events().recv_timeout(left) {
            Ok(Event::Failed(message)) => panic!("the job failed: {message}"),
            Ok(Event::CheckpointFailed(message)) => panic!("a checkpoint failed: {message}"),
            Ok(event) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
            }
            Err(e) => panic!("no expected event within {TIMEOUT:?}: {e}"),
        }
    }
}

/// The events already sent, without waiting.
pub fn drain(job: &JobHandle) -> Vec<Event> {
    std::iter::from_fn(|| job.try_recv()).collect()
}

/// Runs the tests of one binary that train one at a time: every job seeds and draws from
/// the same CPU device's random generator, so jobs running side by side would draw each
/// other's numbers (and two jobs on 2 cores each run at half speed).
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
