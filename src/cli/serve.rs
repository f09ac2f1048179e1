//! `visionlab serve`: hosts this machine's device for jobs started on another machine
//! (`--device remote:ws://host:3000`), with burn's remote server: WebSocket (unencrypted:
//! trusted networks only) or Iroh (encrypted and authenticated). Clients must present the
//! token unless the server listens on loopback only. Ctrl+C or SIGTERM stops it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use burn::prelude::Device;
use burn::server::{
    IrohIdentity, IrohRelays, IrohTransport, RemoteServer, TokenAuthorizer, Transport,
    WebSocketTransport,
};
use burn::tensor::DeviceKind;

use crate::core::device::{self, DeviceError};
use crate::core::protocol::DeviceChoice;
use crate::core::remote::{DEVICE_PREFIX, TOKEN_ENV, read_token_file};

/// The WebSocket port when neither transport is given.
pub const DEFAULT_WEBSOCKET_PORT: u16 = 3000;

/// Options of `visionlab serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The device to host: auto, cpu, gpu (the first adapter), or N (the N-th discrete GPU).
    #[arg(long, default_value = "auto")]
    device: ServeDevice,
    /// Serve over WebSocket on this TCP port (the default, on 3000; 0 lets the system pick).
    /// Unencrypted: trusted networks only.
    #[arg(long, value_name = "PORT", conflicts_with = "iroh")]
    websocket: Option<u16>,
    /// Serve over Iroh (encrypted, authenticated) on this UDP port (default 3001).
    #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "3001")]
    iroh: Option<u16>,
    /// Iroh: also reachable through n0's public relays (found by its id alone, across NATs).
    /// Off: direct connections only.
    #[arg(long, requires = "iroh")]
    relay: bool,
    /// The address to listen on (WebSocket). A loopback address (127.0.0.1) serves this
    /// machine only, and then no token is needed.
    #[arg(long, default_value = "0.0.0.0", conflicts_with = "iroh")]
    bind: IpAddr,
    /// Iroh: the file that keeps the server's identity, so its id stays the same across
    /// restarts (default: serve-iroh.key in visionlab's data folder).
    #[arg(long, requires = "iroh")]
    identity: Option<PathBuf>,
}

/// The device `visionlab serve` hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServeDevice {
    /// A local choice (auto, cpu, gpu).
    Local(DeviceChoice),
    /// The N-th discrete GPU.
    Index(usize),
}

impl std::str::FromStr for ServeDevice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(index) = text.trim().parse::<usize>() {
            return Ok(ServeDevice::Index(index));
        }
        match text.parse::<DeviceChoice>() {
            Ok(DeviceChoice::Remote(_)) => {
                Err("a server hosts a device of its own machine, not a remote one".into())
            }
            Ok(choice) => Ok(ServeDevice::Local(choice)),
            Err(_) => Err(format!(
                "`{text}` is not a device: choose auto, cpu, gpu or N"
            )),
        }
    }
}

/// The device to host and its description; a clear error when this machine lacks it.
fn host_device(choice: ServeDevice) -> anyhow::Result<(Device, String)> {
    match choice {
        ServeDevice::Local(choice) => {
            let selected = device::select(choice).map_err(|e| match e {
                DeviceError::NoAdapter => {
                    anyhow::anyhow!("cannot serve the GPU: {e}. Serve the CPU with --device cpu")
                }
                other => other.into(),
            })?;
            Ok((selected.device, selected.description))
        }
        ServeDevice::Index(index) => {
            let hardware: Vec<_> = device::adapters().iter().filter(|a| !a.software).collect();
            let Some(adapter) = hardware.get(index) else {
                bail!(
                    "cannot serve GPU {index}: this machine has {} hardware GPU adapter{} (`visionlab devices` lists them)",
                    hardware.len(),
                    if hardware.len() == 1 { "" } else { "s" }
                );
            };
            Ok((
                Device::wgpu(DeviceKind::DiscreteGpu(index)),
                format!("GPU {index}: {} ({})", adapter.name, adapter.backend),
            ))
        }
    }
}

/// This machine's name, for the address a client dials.
fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "THIS-MACHINE".into())
}

/// The token clients must present: `--token-file`, else [`TOKEN_ENV`]; `None` when neither.
fn server_token(token_file: Option<&Path>) -> anyhow::Result<Option<String>> {
    if let Some(path) = token_file {
        return Ok(Some(read_token_file(path)?));
    }
    Ok(std::env::var(TOKEN_ENV)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty()))
}

/// Runs `visionlab serve` until Ctrl+C or SIGTERM. `token_file` is the global
/// `--token-file`.
pub fn run(args: &ServeArgs, token_file: Option<&Path>) -> anyhow::Result<()> {
    let token = server_token(token_file)?;
    let loopback_only = args.iroh.is_none() && args.bind.is_loopback();
    if token.is_none() && !loopback_only {
        bail!(
            "a server other machines can reach needs a token: put one in a file and pass --token-file FILE (or set {TOKEN_ENV}); without one, listen on this machine only with --bind 127.0.0.1"
        );
    }
    let (device, description) = host_device(args.device)?;
    let mut server = RemoteServer::new([device]);
    if let Some(token) = &token {
        server = server.with_authorizer(TokenAuthorizer::new(token.as_str())?);
    }
    let (transport, connect): (Transport, String) = match args.iroh {
        Some(port) => {
            let path = match &args.identity {
                Some(path) => path.clone(),
                None => dirs::data_dir()
                    .context("no data folder on this system: pass --identity FILE")?
                    .join("visionlab")
                    .join("serve-iroh.key"),
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot make {}", parent.display()))?;
            }
            let identity = IrohIdentity::load_or_create(&path)
                .with_context(|| format!("cannot read or write {}", path.display()))?;
            let relays = if args.relay {
                IrohRelays::Public
            } else {
                IrohRelays::Disabled
            };
            let transport = IrohTransport::new(identity)
                .with_port(port)
                .with_relays(relays);
            let id = transport.id();
            let connect = if args.relay {
                format!("iroh:{id}")
            } else {
                format!("iroh:{id}@{}:{port}", host_name())
            };
            println!(
                "visionlab serve: {description} over Iroh (encrypted) on UDP port {port}, relays {}",
                if args.relay { "on" } else { "off" }
            );
            (transport.into(), connect)
        }
        None => {
            let port = args.websocket.unwrap_or(DEFAULT_WEBSOCKET_PORT);
            let listener = TcpListener::bind(SocketAddr::new(args.bind, port))
                .with_context(|| format!("cannot listen on {}:{port}", args.bind))?;
            let port = listener.local_addr()?.port();
            let host = if args.bind == IpAddr::V4(Ipv4Addr::UNSPECIFIED) {
                host_name()
            } else {
                args.bind.to_string()
            };
            println!(
                "visionlab serve: {description} over WebSocket on {}:{port} (unencrypted: trusted networks only)",
                args.bind
            );
            (
                WebSocketTransport::from_listener(listener).into(),
                format!("ws://{host}:{port}"),
            )
        }
    };
    println!("connect with: visionlab train --device {DEVICE_PREFIX}{connect}");
    if token.is_some() {
        println!("clients present the token with --token-file FILE or {TOKEN_ENV}");
    } else {
        println!("no token: only this machine can connect");
    }
    println!("Ctrl+C stops the server");
    // The lines above are read by whoever started the server (a script, a test).
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    server.serve(transport)?;
    println!("visionlab serve: stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_parse() {
        assert_eq!(
            "cpu".parse::<ServeDevice>(),
            Ok(ServeDevice::Local(DeviceChoice::Cpu))
        );
        assert_eq!("1".parse::<ServeDevice>(), Ok(ServeDevice::Index(1)));
        assert!("remote:ws://a:1".parse::<ServeDevice>().is_err());
        assert!("tpu".parse::<ServeDevice>().is_err());
    }

    #[test]
    fn a_gpu_this_machine_lacks_is_said() {
        let err = host_device(ServeDevice::Index(99)).unwrap_err().to_string();
        assert!(err.contains("cannot serve GPU 99"), "{err}");
    }
}
