//! Where tensors run: the GPU through wgpu when a hardware adapter exists, else the CPU
//! (burn's flex backend), with a description to show the user. A software rasteriser
//! (llvmpipe, lavapipe) is never chosen on its own, and when asked for it is named as one
//! in the description, with a warning ([`report_warnings_to`]).
//!
//! [`headless_environment`] keeps the Vulkan loader's device-selection layer from probing
//! for a Wayland display in commands that open no window.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Said once to the user when this device is a poor choice (a software rasteriser).
    pub warning: Option<String>,
}

/// Where [`select`] sends its warnings (the CLI: stderr); unset, they only live in the
/// description (the GUI shows that).
static WARNING_SINK: OnceLock<fn(&str)> = OnceLock::new();

/// Whether a warning went to the sink already (one line per process is enough).
static WARNED: AtomicBool = AtomicBool::new(false);

/// Sends [`select`]'s warnings (a software adapter chosen) to `sink`, once per process.
/// The CLI prints them on stderr; the GUI leaves this unset and shows the description.
pub fn report_warnings_to(sink: fn(&str)) {
    let _ = WARNING_SINK.set(sink);
}

/// Hands `selected`'s warning to the sink, the first time only.
fn report(selected: &Selected) {
    if let (Some(warning), Some(sink)) = (&selected.warning, WARNING_SINK.get())
        && !WARNED.swap(true, Ordering::Relaxed)
    {
        sink(warning);
    }
}

/// The warning for a software adapter: what it is, and what to choose instead.
pub fn software_warning(adapter: &Adapter) -> String {
    format!(
        "the GPU adapter {} ({}) is a software rasteriser, not a GPU: it runs far slower than the CPU backend; choose the CPU (--device cpu or auto)",
        adapter.name, adapter.backend
    )
}

/// The environment variable and value that keep the Vulkan loader quiet in a command that
/// opens no window, or `None` when nothing needs setting.
///
/// Mesa's implicit device-selection layer (`VK_LAYER_MESA_device_select`) connects to the
/// Wayland display on every adapter enumeration to find the default GPU; without
/// `XDG_RUNTIME_DIR`, libwayland prints "error: XDG_RUNTIME_DIR is invalid or not set in
/// the environment." each time. With no runtime folder there is no Wayland display to ask,
/// so the layer has nothing to find: `NODEVICE_SELECT=1` (the layer's own off switch)
/// turns it off. Left alone when the user chose a device for the layer
/// (`MESA_VK_DEVICE_SELECT`) or set the switch, or when `XDG_RUNTIME_DIR` is a usable path.
/// `get` reads a variable (`std::env::var_os` in the program).
pub fn headless_environment(
    get: impl Fn(&'static str) -> Option<std::ffi::OsString>,
) -> Option<(&'static str, &'static str)> {
    let runtime_dir_usable =
        get("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).is_absolute());
    let wayland_absolute =
        get("WAYLAND_DISPLAY").is_some_and(|name| std::path::Path::new(&name).is_absolute());
    let user_chose = get("NODEVICE_SELECT").is_some() || get("MESA_VK_DEVICE_SELECT").is_some();
    (!runtime_dir_usable && !wayland_absolute && !user_chose).then_some(("NODEVICE_SELECT", "1"))
}

/// What a run with `choice` would use, in the words of [`Selected::description`], without
/// creating the device (for a device line shown before the run).
pub fn planned_description(choice: DeviceChoice) -> String {
    match choice {
        DeviceChoice::Cpu => cpu_description(),
        DeviceChoice::Auto => match hardware_gpu() {
            Some(adapter) => describe_gpu(adapter).0,
            None => auto_cpu_description(),
        },
        DeviceChoice::Gpu => adapters().first().map_or_else(
            || "no GPU: wgpu finds no adapter".into(),
            |adapter| describe_gpu(adapter).0,
        ),
    }
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
    Selected {
        device: Device::flex(),
        description: cpu_description(),
        is_gpu: false,
        warning: None,
    }
}

fn cpu_description() -> String {
    let threads = rayon::current_num_threads();
    format!("CPU (flex backend, {threads} threads)")
}

/// The CPU as `Auto` takes it when there is no hardware GPU, saying why.
fn auto_cpu_description() -> String {
    let why = match adapters().first() {
        Some(a) => format!(
            " — no hardware GPU ({} is a software rasteriser, slower than the CPU)",
            a.name
        ),
        None => " — no GPU adapter found".into(),
    };
    cpu_description() + &why
}

/// Resolves the user's choice to a device.
///
/// `Auto` takes a hardware GPU when there is one and the CPU otherwise (a software Vulkan
/// adapter is slower than the CPU backend). `Gpu` takes any adapter, software ones too (with
/// a [`Selected::warning`], sent to the [`report_warnings_to`] sink), and fails clearly
/// when there is none.
pub fn select(choice: DeviceChoice) -> Result<Selected, DeviceError> {
    let selected = match choice {
        DeviceChoice::Cpu => cpu(),
        DeviceChoice::Auto => match hardware_gpu() {
            Some(adapter) => gpu(adapter),
            None => Selected {
                description: auto_cpu_description(),
                ..cpu()
            },
        },
        DeviceChoice::Gpu => adapters().first().map(gpu).ok_or(DeviceError::NoAdapter)?,
    };
    report(&selected);
    Ok(selected)
}

/// The description of an adapter and, for a software one, the warning.
fn describe_gpu(adapter: &Adapter) -> (String, Option<String>) {
    if adapter.software {
        (
            format!(
                "GPU: {} ({}, software rasteriser — far slower than the CPU: choose the CPU)",
                adapter.name, adapter.backend
            ),
            Some(software_warning(adapter)),
        )
    } else {
        (format!("GPU: {} ({})", adapter.name, adapter.backend), None)
    }
}

fn gpu(adapter: &Adapter) -> Selected {
    let kind = if adapter.software {
        DeviceKind::Cpu
    } else {
        DeviceKind::DefaultDevice
    };
    let (description, warning) = describe_gpu(adapter);
    Selected {
        device: Device::wgpu(kind),
        description,
        is_gpu: true,
        warning,
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
    fn a_software_adapter_is_named_and_warned_about() {
        let lavapipe = Adapter {
            name: "llvmpipe (LLVM 15.0.6, 256 bits)".into(),
            backend: "Vulkan".into(),
            software: true,
        };
        let (description, warning) = describe_gpu(&lavapipe);
        assert!(description.contains("software rasteriser"), "{description}");
        let warning = warning.unwrap();
        assert!(
            warning.contains("llvmpipe") && warning.contains("--device cpu"),
            "{warning}"
        );
        let hardware = Adapter {
            software: false,
            name: "NVIDIA H200".into(),
            ..lavapipe
        };
        assert_eq!(
            describe_gpu(&hardware),
            ("GPU: NVIDIA H200 (Vulkan)".into(), None)
        );
    }

    #[test]
    fn the_device_select_layer_is_quieted_only_without_a_runtime_dir() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                vars.iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert_eq!(
            headless_environment(env(&[])),
            Some(("NODEVICE_SELECT", "1"))
        );
        assert_eq!(
            headless_environment(env(&[("XDG_RUNTIME_DIR", "relative")])),
            Some(("NODEVICE_SELECT", "1"))
        );
        assert_eq!(
            headless_environment(env(&[("XDG_RUNTIME_DIR", "/run/user/1000")])),
            None
        );
        assert_eq!(
            headless_environment(env(&[("MESA_VK_DEVICE_SELECT", "1002:67df")])),
            None
        );
        assert_eq!(headless_environment(env(&[("NODEVICE_SELECT", "0")])), None);
    }

    #[test]
    fn auto_never_fails() {
        let selected = select(DeviceChoice::Auto).unwrap();
        assert_eq!(selected.is_gpu, hardware_gpu().is_some());
    }
}
