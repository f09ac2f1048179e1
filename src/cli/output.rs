//! What several subcommands print through: progress bars, and an event sink for the
//! blocking library calls whose progress nobody watches.

use std::sync::mpsc;

use indicatif::ProgressStyle;

use crate::core::job::{self, Outbox};

/// A progress bar style from `template` (indicatif's default style should the template
/// not parse).
pub fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// An outbox whose events go nowhere: for blocking calls (`evaluate`, compression) that
/// report progress as a job would.
pub fn discarding_outbox() -> Outbox {
    let (events, _) = mpsc::channel();
    Outbox::new(events, job::no_waker())
}
