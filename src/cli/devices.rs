//! `visionlab devices`: the wgpu adapters this machine offers and what `auto` picks.

use crate::core::device;
use crate::core::protocol::DeviceChoice;

/// Runs `visionlab devices`.
pub fn run() -> anyhow::Result<()> {
    let adapters = device::adapters();
    if adapters.is_empty() {
        println!("no wgpu adapter found");
    }
    for a in adapters {
        let kind = if a.software {
            "software rasteriser, slower than the CPU"
        } else {
            "hardware"
        };
        println!("{} ({}, {kind})", a.name, a.backend);
    }
    println!(
        "auto picks: {}",
        device::select(DeviceChoice::Auto)?.description
    );
    Ok(())
}
