//! The peers: reference programs (PyTorch, onnxruntime) run with the Python given to
//! `visionlab bench --reference-python`, each printing `label: FIGURE unit …` lines.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::bench::BenchOptions;

/// Runs `python script args…` and returns its stdout (echoed).
pub fn run_reference(python: &Path, script: &Path, args: &[String]) -> anyhow::Result<String> {
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .with_context(|| format!("running {} {}", python.display(), script.display()))?;
    if !output.status.success() {
        anyhow::bail!(
            "the reference {} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    eprint!("  {text}");
    Ok(text)
}

/// The figure of the first line `label: FIGURE unit …` whose label starts with `prefix`.
pub fn figure_after(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .filter(|line| line.trim_start().starts_with(prefix))
        .find_map(|line| {
            line.split_once(':')?
                .1
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
}

/// Runs a reference program when a Python was given: `(name, figure)` of the line that
/// starts with `prefix`. A failing reference is reported and the row goes without a peer.
pub fn peer(
    options: &BenchOptions,
    script: &Path,
    script_args: &[String],
    prefix: &str,
) -> Option<(String, f64)> {
    let python = options.reference_python.as_ref()?;
    match run_reference(python, script, script_args) {
        Ok(text) => match figure_after(&text, prefix) {
            Some(value) => Some((prefix.to_string(), value)),
            None => {
                eprintln!("  unexpected output of {}: {text}", script.display());
                None
            }
        },
        Err(error) => {
            eprintln!("  {error:#}");
            None
        }
    }
}

/// The peer's best throughput over `--threads` threads and one thread (its first
/// argument): on a busy machine PyTorch's OpenMP threads spin and one thread can be several
/// times faster, so the target is set by its best showing, named with its thread count.
pub fn peer_best_throughput(
    options: &BenchOptions,
    script: &Path,
    rest: &[String],
    prefix: &str,
) -> Option<(String, f64)> {
    let mut counts = vec![options.threads.max(1)];
    if !counts.contains(&1) {
        counts.push(1);
    }
    counts
        .into_iter()
        .filter_map(|threads| {
            let mut script_args = vec![threads.to_string()];
            script_args.extend_from_slice(rest);
            peer(options, script, &script_args, prefix)
                .map(|(name, value)| (format!("{name} ({threads} thr)"), value))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reference_figures() {
        let text = "pytorch convnet train: 12345 img/s (threads=2, batch=64)\nonnxruntime multistyle26 512x512: 850 ms/image\n";
        assert_eq!(figure_after(text, "pytorch convnet train"), Some(12345.0));
        assert_eq!(figure_after(text, "onnxruntime"), Some(850.0));
        assert_eq!(figure_after(text, "missing"), None);
    }
}
