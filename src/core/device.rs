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
use crate::core::remote_device::{self, RemoteError};

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
    /// Where it is, for [`runs_on`].
    pub placement: Placement,
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

/// Where a tab's work runs: a GPU adapter, or the CPU and why. [`runs_on`] puts it in the
/// words every tab uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A wgpu adapter (a software rasteriser such as lavapipe is one too, and says so).
    Gpu {
        /// Adapter name, e.g. "NVIDIA H200" or "llvmpipe (LLVM 15.0.6, 256 bits)".
        name: String,
        /// True for a software rasteriser.
        software: bool,
    },
    /// The device a `visionlab serve` hosts on another machine.
    Remote {
        /// Where the server is: `gpu-box:3000`.
        host: String,
    },
    /// The CPU.
    Cpu {
        /// Threads the work is split over, when that is known.
        threads: Option<usize>,
        /// Why not a GPU.
        why: CpuReason,
    },
}

/// Why work runs on the CPU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CpuReason {
    /// The user chose the CPU.
    Chosen,
    /// wgpu finds no adapter at all.
    NoAdapter,
    /// The only adapter is this software rasteriser, slower than the CPU.
    SoftwareOnly(String),
    /// The window is not drawn with wgpu, so a shader cannot draw there.
    NotWgpu,
}

impl Placement {
    /// The GPU `adapter`.
    pub fn gpu(adapter: &Adapter) -> Self {
        Placement::Gpu {
            name: adapter.name.clone(),
            software: adapter.software,
        }
    }

    /// Where drawing runs when the window's renderer uses `adapter` (`None`: the renderer
    /// is not wgpu, so the CPU draws).
    pub fn renderer(adapter: Option<&Adapter>) -> Self {
        adapter.map_or(
            Placement::Cpu {
                threads: None,
                why: CpuReason::NotWgpu,
            },
            Placement::gpu,
        )
    }
}

/// The one line every tab shows about where its work runs: "Runs on: GPU (NVIDIA H200)",
/// "Runs on: GPU (llvmpipe — a software rasteriser)", "Runs on: CPU (2 threads) — no GPU
/// adapter found", "Runs on: CPU (2 threads) — no hardware GPU: llvmpipe is a software
/// rasteriser", …
pub fn runs_on(placement: &Placement) -> String {
    match placement {
        Placement::Gpu {
            name,
            software: false,
        } => format!("Runs on: GPU ({})", short_name(name)),
        Placement::Gpu {
            name,
            software: true,
        } => format!(
            "Runs on: GPU ({} — a software rasteriser)",
            short_name(name)
        ),
        Placement::Remote { host } => format!("Runs on: remote server at {host}"),
        Placement::Cpu { threads, why } => {
            let threads = threads.map_or(String::new(), |n| {
                format!(" ({n} thread{})", if n == 1 { "" } else { "s" })
            });
            let why = match why {
                CpuReason::Chosen => String::new(),
                CpuReason::NoAdapter => " — no GPU adapter found".into(),
                CpuReason::SoftwareOnly(name) => format!(
                    " — no hardware GPU: {} is a software rasteriser",
                    short_name(name)
                ),
                CpuReason::NotWgpu => " — the window is not drawn with wgpu".into(),
            };
            format!("Runs on: CPU{threads}{why}")
        }
    }
}

/// An adapter's name without the details in brackets ("llvmpipe (LLVM 15.0.6, 256 bits)"
/// → "llvmpipe"), for one short line.
fn short_name(name: &str) -> &str {
    match name.split_once(" (") {
        Some((short, _)) if !short.trim().is_empty() => short.trim(),
        _ => name.trim(),
    }
}

/// Where a run with `choice` would run, without creating the device (for the line shown
/// before a run); `Err` when `choice` is the GPU and there is none.
pub fn planned_placement(choice: DeviceChoice) -> Result<Placement, DeviceError> {
    match choice {
        DeviceChoice::Cpu => Ok(cpu_placement(CpuReason::Chosen)),
        DeviceChoice::Auto => Ok(match hardware_gpu() {
            Some(adapter) => Placement::gpu(adapter),
            None => cpu_placement(auto_cpu_reason()),
        }),
        DeviceChoice::Gpu => adapters()
            .first()
            .map(Placement::gpu)
            .ok_or(DeviceError::NoAdapter),
        DeviceChoice::Remote(id) => Ok(Placement::Remote {
            host: id.address().host(),
        }),
    }
}

/// [`runs_on`] for a run with `choice`, before it starts; for the GPU when there is none,
/// what is wrong and what to choose.
pub fn planned_runs_on(choice: DeviceChoice) -> String {
    match planned_placement(choice) {
        Ok(placement) => runs_on(&placement),
        Err(DeviceError::NoAdapter) => {
            "Runs on: nothing — no GPU adapter found: choose Auto or CPU".into()
        }
        Err(other) => format!("Runs on: nothing — {other}"),
    }
}

fn cpu_placement(why: CpuReason) -> Placement {
    Placement::Cpu {
        threads: Some(rayon::current_num_threads()),
        why,
    }
}

/// Why `Auto` takes the CPU on this machine (it has no hardware GPU).
fn auto_cpu_reason() -> CpuReason {
    match adapters().first() {
        Some(a) => CpuReason::SoftwareOnly(a.name.clone()),
        None => CpuReason::NoAdapter,
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
    /// A remote server could not be connected (unreachable, token refused, another release).
    #[error(transparent)]
    Remote(#[from] RemoteError),
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
        placement: cpu_placement(CpuReason::Chosen),
    }
}

fn cpu_description() -> String {
    let threads = rayon::current_num_threads();
    format!("CPU (flex backend, {threads} threads)")
}

/// The CPU as `Auto` takes it when there is no hardware GPU, saying why.
fn auto_cpu_description() -> String {
    let why = match auto_cpu_reason() {
        CpuReason::SoftwareOnly(name) => {
            format!(" — no hardware GPU ({name} is a software rasteriser, slower than the CPU)")
        }
        _ => " — no GPU adapter found".into(),
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
                placement: cpu_placement(auto_cpu_reason()),
                ..cpu()
            },
        },
        DeviceChoice::Gpu => adapters().first().map(gpu).ok_or(DeviceError::NoAdapter)?,
        DeviceChoice::Remote(id) => remote(id)?,
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

/// The device of the remote server `id` names, connected.
fn remote(id: crate::core::remote::RemoteId) -> Result<Selected, RemoteError> {
    let connected = remote_device::connect(id)?;
    Ok(Selected {
        device: connected.device,
        // burn's remote backend does not say what the server's device is: its index is all.
        description: format!("remote device 0 at {} ({})", connected.host, id.address()),
        // What the server hosts is the server's to say; memory budgets stay the cautious ones.
        is_gpu: false,
        warning: None,
        placement: Placement::Remote {
            host: connected.host,
        },
    })
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
        placement: Placement::gpu(adapter),
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
    fn every_tab_says_where_it_runs_in_the_same_words() {
        let gpu = |name: &str, software| Placement::Gpu {
            name: name.into(),
            software,
        };
        assert_eq!(
            runs_on(&gpu("NVIDIA H200", false)),
            "Runs on: GPU (NVIDIA H200)"
        );
        let lavapipe = runs_on(&gpu("llvmpipe (LLVM 15.0.6, 256 bits)", true));
        assert_eq!(lavapipe, "Runs on: GPU (llvmpipe — a software rasteriser)");
        let cpu = |threads, why| runs_on(&Placement::Cpu { threads, why });
        assert_eq!(
            cpu(Some(2), CpuReason::NoAdapter),
            "Runs on: CPU (2 threads) — no GPU adapter found"
        );
        assert_eq!(cpu(Some(1), CpuReason::Chosen), "Runs on: CPU (1 thread)");
        assert_eq!(
            cpu(
                None,
                CpuReason::SoftwareOnly("llvmpipe (LLVM 15.0.6)".into())
            ),
            "Runs on: CPU — no hardware GPU: llvmpipe is a software rasteriser"
        );
        assert_eq!(
            runs_on(&Placement::renderer(None)),
            "Runs on: CPU — the window is not drawn with wgpu"
        );
        let adapter = Adapter {
            name: "llvmpipe".into(),
            backend: "Vulkan".into(),
            software: true,
        };
        assert_eq!(runs_on(&Placement::renderer(Some(&adapter))), lavapipe);
        // What a run uses is what the line before it said.
        for choice in [DeviceChoice::Cpu, DeviceChoice::Auto] {
            let selected = select(choice).unwrap();
            assert_eq!(
                Ok(selected.placement),
                planned_placement(choice).map_err(|e| e.to_string())
            );
        }
        assert!(planned_runs_on(DeviceChoice::Cpu).starts_with("Runs on: CPU"));
    }

    #[test]
    fn auto_never_fails() {
        let selected = select(DeviceChoice::Auto).unwrap();
        assert_eq!(selected.is_gpu, hardware_gpu().is_some());
    }
}
