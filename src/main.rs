//! `visionlab`: no arguments opens the GUI; subcommands run the same engine headless.

use clap::Parser;
use visionlab::cli;
use visionlab::core::device;

fn main() -> std::process::ExitCode {
    // Before any tensor work allocates: reuse freed buffers instead of new mmaps.
    visionlab::core::allocator::keep_freed_buffers();
    // Optimizer state in checkpoints is materialised on burn's default device before it moves
    // to the parameters' device: keep that on the CPU so machines without a GPU can resume.
    if std::env::var_os("BURN_DEVICE").is_none() {
        // SAFETY: nothing else runs yet: this is the first statement of a single-threaded main.
        unsafe { std::env::set_var("BURN_DEVICE", "flex") };
    }
    let args = cli::Cli::parse();
    // A subcommand opens no window: keep the Vulkan loader's display probing off stderr.
    if args.command.is_some()
        && let Some((key, value)) = device::headless_environment(std::env::var_os)
    {
        // SAFETY: still single-threaded: parsing the arguments starts no thread.
        unsafe { std::env::set_var(key, value) };
    }
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
