//! The remote row: seed-ConvNet training img/s through a loopback `visionlab serve` (a
//! child process hosting the same device over WebSocket) against the same training on the
//! local device, in one run, so the ratio is what the remote path costs.
//!
//! [`LoopbackServer`] starts such a server; the remote tests use it too.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::bench::BenchOptions;
use crate::bench::busy::{MAX_RUNS, repeat_until_agree};
use crate::bench::table::{Goal, Row, Table};
use crate::bench::training::{train_throughput, train_throughput_reading};
use crate::core::compute::run_on_pool;
use crate::core::device;
use crate::core::protocol::{DeviceChoice, ModelKind};
use crate::core::remote::DEVICE_PREFIX;

/// How long a server may take to start (dev builds enumerate adapters slowly).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A `visionlab serve` child process on loopback, killed when dropped.
pub struct LoopbackServer {
    child: Child,
    /// What `--device` takes to reach it: `remote:ws://127.0.0.1:PORT`.
    pub device: String,
    /// Its address: `ws://127.0.0.1:PORT`.
    pub address: String,
}

impl LoopbackServer {
    /// Starts `exe serve --device <device> --websocket 0 --bind 127.0.0.1` with `token`
    /// (none: a loopback server needs none) and waits until it listens.
    pub fn start(exe: &Path, device: &str, token: Option<&str>) -> anyhow::Result<Self> {
        let args = ["--websocket", "0", "--bind", "127.0.0.1"].map(String::from);
        let (child, device) = spawn(exe, device, &args, token)?;
        Ok(LoopbackServer::new(child, device))
    }

    /// Starts `exe serve --device <device> --iroh PORT --identity <identity>` (encrypted;
    /// relays off) with `token` (Iroh always asks for one), on a UDP port free a moment
    /// before, and waits until it listens. Its address dials 127.0.0.1 directly.
    pub fn start_iroh(
        exe: &Path,
        device: &str,
        token: &str,
        identity: &Path,
    ) -> anyhow::Result<Self> {
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|socket| socket.local_addr())
            .context("a free UDP port")?
            .port();
        let args = [
            "--iroh".to_string(),
            port.to_string(),
            "--identity".to_string(),
            identity.display().to_string(),
        ];
        let (child, printed) = spawn(exe, device, &args, Some(token))?;
        // It prints this machine's name; the test dials loopback.
        let id = printed
            .trim_start_matches(DEVICE_PREFIX)
            .trim_start_matches("iroh:")
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        Ok(LoopbackServer::new(
            child,
            format!("{DEVICE_PREFIX}iroh:{id}@127.0.0.1:{port}"),
        ))
    }

    fn new(child: Child, device: String) -> Self {
        LoopbackServer {
            child,
            address: device.trim_start_matches(DEVICE_PREFIX).to_string(),
            device,
        }
    }

    /// Kills the server at once (a crash, as far as its clients can tell).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `exe serve --device <device> <transport>` with `token` (none: none asked for) and
/// waits for the device it prints (`remote:…`).
fn spawn(
    exe: &Path,
    device: &str,
    transport: &[String],
    token: Option<&str>,
) -> anyhow::Result<(Child, String)> {
    let mut command = Command::new(exe);
    command
        .args(["serve", "--device", device])
        .args(transport)
        .env_remove(crate::core::remote::TOKEN_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(token) = token {
        command.env(crate::core::remote::TOKEN_ENV, token);
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {} serve", exe.display()))?;
    let stdout = child.stdout.take().context("the server's output")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(device) = line
                .split_whitespace()
                .find(|word| word.starts_with(DEVICE_PREFIX))
            {
                let _ = tx.send(device.to_string());
            }
        }
    });
    match rx.recv_timeout(START_TIMEOUT) {
        Ok(device) => Ok((child, device)),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "the server did not start within {} s",
                START_TIMEOUT.as_secs()
            )
        }
    }
}

/// Milliseconds of one read of a scalar on `device`, written just before (the median of 50).
fn round_trip_ms(device: &burn::prelude::Device) -> f64 {
    use burn::prelude::Tensor;
    let mut times: Vec<f64> = (0..50)
        .map(|i| {
            let started = std::time::Instant::now();
            let x = Tensor::<1>::from_floats([i as f32], device);
            let _: f32 = x.add_scalar(1.0).into_scalar();
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The remote row: local img/s, then the same through a loopback server hosting the same
/// device, as a ratio (target ≥ 0.8× local).
pub fn rows(
    options: &BenchOptions,
    local: &burn::prelude::Device,
    table: &mut Table,
) -> anyhow::Result<()> {
    let served = match options.device {
        DeviceChoice::Remote(_) => {
            bail!("--only remote measures a loopback server: give --device cpu, gpu or auto")
        }
        choice => choice.to_string(),
    };
    let exe = std::env::current_exe().context("this program's path, to start the server")?;
    let server = LoopbackServer::start(&exe, &served, None)?;
    let remote_choice: DeviceChoice = server.device.parse()?;
    let remote = device::select(remote_choice)?;
    let steps = options.steps;
    let batch = options.batch;
    // Local ("the peer") and remote, repeated under the busy-machine rule until both remote
    // figures agree with the previous run's.
    let repeats = table.repeats();
    let repeated = repeat_until_agree(
        MAX_RUNS,
        || -> anyhow::Result<(f64, f64, f64)> {
            let local_rate = run_on_pool("bench", || {
                train_throughput(ModelKind::ConvNet, steps, batch, local)
            })?;
            let remote_rate = run_on_pool("bench", || {
                train_throughput(ModelKind::ConvNet, steps, batch, &remote.device)
            })?;
            // Where the rest goes: the same steps waiting for their loss only every 10th
            // step (what the wait for a read costs), and one read's round trip alone.
            let batched_rate = run_on_pool("bench", || {
                train_throughput_reading(ModelKind::ConvNet, steps, batch, &remote.device, 10)
            })?;
            Ok((local_rate, remote_rate, batched_rate))
        },
        |(_, remote_rate, batched_rate)| vec![*remote_rate, *batched_rate],
        |_| !repeats,
    )?;
    let note = repeated.note();
    let (local_rate, remote_rate, batched_rate) = repeated.last;
    let round_trip = run_on_pool("bench", || round_trip_ms(&remote.device));
    table.push(
        Row::new(
            format!("ConvNet training through a loopback remote server (batch {batch}; target ≥ 0.8× local)"),
            "img/s",
            remote_rate,
            Goal::Info,
        )
        .against(Some(("local".into(), local_rate)))
        .noting(note.clone()),
    );
    table.push(
        Row::new(
            "… the same, the loss read every 10th step only",
            "img/s",
            batched_rate,
            Goal::Info,
        )
        .against(Some(("local".into(), local_rate)))
        .noting(note),
    );
    table.push(Row::new(
        "… one scalar read through the loopback server (round trip)",
        "ms",
        round_trip,
        Goal::Info,
    ));
    drop(server);
    Ok(())
}
