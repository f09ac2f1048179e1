//! Where tensors run: the GPU through wgpu when a hardware adapter exists, else the CPU
//! (burn's flex backend), with a description to show the user.

use std::sync::OnceLock;

use burn::prelude::Device;
use burn::tensor::DeviceKind;

use crate::core::protocol::DeviceChoice;

/// What wgpu found on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adapter {
    /// Adapter name, e.g. "NVIDIA H200" or "llvmpipe (LLVM 15.0.6, 256 bits)".
    pub name: String,
    /// Graphics API, e.g. "Vulkan".
    pub backend: String,
    /// True for software rasterisers (lavapipe/llvmpipe), which are slower than the CPU backend.
    pub software: bool,
}

/// A device to run on, with its description.
#[derive(Clone, Debug)]
pub struct Selected {
    /// The burn device (without autodiff).
    pub device: Device,
    /// Shown to the user: "GPU: NVIDIA H200 (Vulkan)" or "CPU (flex, 2 threads)".
    pub description: String,
    /// True when the device is a wgpu adapter.
    pub is_gpu: bool,
}

/// Why a device could not be chosen.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// `--device gpu` on a machine where wgpu finds no adapter.
    #[error(
        "no GPU adapter found by wgpu (install the Vulkan driver of your GPU, or Mesa's mesa-vulkan-drivers for a software one); use the CPU instead"
    )]
    NoAdapter,
}

/// The adapters wgpu finds, looked up once per process. Hardware adapters come first.
pub fn adapters() -> &'static [Adapter] {
    static ADAPTERS: OnceLock<Vec<Adapter>> = OnceLock::new();
    ADAPTERS.get_or_init(|| {
        // Instance creation and enumeration can panic inside drivers; treat that as "none".
        std::panic::catch_unwind(|| {
            let instance = wgpu::Instance::default();
            let found = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
            let mut list: Vec<Adapter> = found
                .iter()
                .map(|a| {
                    let info = a.get_info();
                    Adapter {
                        name: info.name.clone(),
                        backend: format!("{:?}", info.backend),
                        software: info.device_type == wgpu::DeviceType::Cpu,
                    }
                })
                .collect();
            list.sort_by_key(|a| a.software);
            list
        })
        .unwrap_or_default()
    })
}

/// The first hardware GPU adapter, if any.
pub fn hardware_gpu() -> Option<&'static Adapter> {
    adapters().iter().find(|a| !a.software)
}

/// The CPU device with its description. The thread count is rayon's, which flex splits its
/// operations over (`RAYON_NUM_THREADS` sets it; the default is one per core).
pub fn cpu() -> Selected {
    let threads = rayon::current_num_threads();
    Selected {
        device: Device::flex(),
        description: format!("CPU (flex backend, {threads} threads)"),
        is_gpu: false,
    }
}

/// Resolves the user's choice to a device.
///
/// `Auto` takes a hardware GPU when there is one and the CPU otherwise (a software Vulkan
/// adapter is slower than the CPU backend). `Gpu` takes any adapter, software ones too, and
/// fails clearly when there is none.
pub fn select(choice: DeviceChoice) -> Result<Selected, DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok(cpu()),
        DeviceChoice::Auto => Ok(match hardware_gpu() {
            Some(adapter) => gpu(adapter),
            None => {
                let mut selected = cpu();
                selected.description.push_str(" — no GPU adapter found");
                selected
            }
        }),
        DeviceChoice::Gpu => adapters().first().map(gpu).ok_or(DeviceError::NoAdapter),
    }
}

fn gpu(adapter: &Adapter) -> Selected {
    let kind = if adapter.software {
        DeviceKind::Cpu
    } else {
        DeviceKind::DefaultDevice
    };
    let software = if adapter.software {
        ", software rasteriser"
    } else {
        ""
    };
    Selected {
        device: Device::wgpu(kind),
        description: format!("GPU: {} ({}{software})", adapter.name, adapter.backend),
        is_gpu: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_always_available() {
        let selected = select(DeviceChoice::Cpu).unwrap();
        assert!(!selected.is_gpu);
        assert!(selected.description.starts_with("CPU"));
    }

    #[test]
    fn auto_never_fails() {
        let selected = select(DeviceChoice::Auto).unwrap();
        assert_eq!(selected.is_gpu, hardware_gpu().is_some());
    }
}
