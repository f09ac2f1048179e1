//! Running the `visionlab` binary from a test: the runs it keeps go to a scratch folder,
//! never the user's data folder.

use std::process::{Command, Output};

/// Runs `visionlab` with `args` and waits for it.
pub fn visionlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_visionlab"))
        .env(
            "VISIONLAB_RUNS_DIR",
            std::env::temp_dir().join("visionlab-test-runs"),
        )
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
