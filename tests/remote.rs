//! Training on another machine through burn's remote backend, on loopback: the server is
//! this build's `visionlab serve --device cpu` in a child process (killed when the test
//! ends). A remote run matches the local one; a wrong token, an unreachable address and a
//! server killed mid-run each end with a clear message, and nothing kept is lost.

#[path = "common/events.rs"]
mod events;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use events::{serial, wait_for};
use visionlab::bench::remote::LoopbackServer;
use visionlab::core::device;
use visionlab::core::job::{JobHandle, no_waker};
use visionlab::core::protocol::{
    DataSpec, DeviceChoice, Event, FinishReason, KeepEvent, Task, TrainConfig,
};
use visionlab::core::remote::{self, RemoteAddress};
use visionlab::core::remote_device::CONNECT_TIMEOUT;
use visionlab::tasks;
use visionlab::train::checkpoint;
use visionlab::train::run_folder::LAST;

/// A loopback server hosting the CPU, asking for `token` (none: loopback needs none).
fn server(token: Option<&str>) -> LoopbackServer {
    LoopbackServer::start(Path::new(env!("CARGO_BIN_EXE_visionlab")), "cpu", token)
        .expect("the server starts")
}

/// A small seeded ConvNet run on the shapes, kept under `root`.
fn small(device: DeviceChoice, root: &Path, count: usize, epochs: usize) -> TrainConfig {
    TrainConfig {
        data: DataSpec::Shapes { count, seed: 3 },
        epochs,
        batch_size: 32,
        image_size: Some(16),
        device,
        runs_dir: Some(root.to_path_buf()),
        ..tasks::defaults(Task::Classify)
    }
}

/// What a run said until it finished.
struct Trained {
    device: String,
    steps: u64,
    accuracy: f32,
    folder: PathBuf,
}

fn until_finished(job: &JobHandle) -> Trained {
    let (mut device, mut steps, mut accuracy, mut folder) = (String::new(), 0, 0.0, None);
    let reason = wait_for(job, |event| {
        match event {
            Event::Device(d) => device = d.clone(),
            Event::Step { step, .. } => steps = *step,
            Event::Epoch(summary) => accuracy = summary.val_accuracy,
            Event::Kept(KeepEvent::Folder(dir)) => folder = Some(dir.clone()),
            Event::Finished(reason) => return Some(*reason),
            _ => {}
        }
        None
    });
    assert_eq!(reason, FinishReason::Completed);
    Trained {
        device,
        steps,
        accuracy,
        folder: folder.expect("the run keeps a folder"),
    }
}

#[test]
fn a_remote_run_matches_the_local_one_and_its_checkpoint_resumes_locally() {
    let _serial = serial();
    let root = tempfile::tempdir().expect("a temporary folder");
    let server = server(None);
    let remote: DeviceChoice = server.device.parse().expect("a remote device");

    let local = until_finished(&tasks::spawn_training(
        small(DeviceChoice::Cpu, root.path(), 160, 2),
        no_waker(),
    ));
    let far = until_finished(&tasks::spawn_training(
        small(remote, root.path(), 160, 2),
        no_waker(),
    ));
    assert!(
        far.device.starts_with("remote device 0 at 127.0.0.1:"),
        "{}",
        far.device
    );
    assert_eq!(far.steps, local.steps);
    assert!(
        (far.accuracy - local.accuracy).abs() <= 0.15,
        "remote {} vs local {}",
        far.accuracy,
        local.accuracy
    );

    // The checkpoint was written here, and a local run continues it.
    let last = far.folder.join(LAST);
    assert_eq!(checkpoint::load(&last).expect("loads").meta.epochs_done, 2);
    let resumed = until_finished(&tasks::spawn_training(
        TrainConfig {
            resume_from: Some(last),
            ..small(DeviceChoice::Cpu, root.path(), 160, 3)
        },
        no_waker(),
    ));
    assert_eq!(resumed.steps, far.steps * 3 / 2);
}

#[test]
fn a_wrong_or_missing_token_is_refused() {
    let server = server(Some("the-right-token"));
    let address: RemoteAddress = server.address.parse().expect("an address");
    let choice = DeviceChoice::remote(address.clone());
    remote::set_token(&address, "a-wrong-token");
    let err = device::select(choice).expect_err("refused").to_string();
    assert!(err.starts_with("refused by the server: bad token"), "{err}");
    assert!(err.contains(&server.address), "{err}");
    remote::set_token(&address, "the-right-token");
    let selected = device::select(choice).expect("the right token is let in");
    assert_eq!(
        device::runs_on(&selected.placement),
        format!("Runs on: remote server at {}", address.host())
    );
}

#[test]
fn an_unreachable_server_is_said_within_seconds() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let choice: DeviceChoice = format!("remote:ws://127.0.0.1:{port}")
        .parse()
        .expect("a device");
    let started = Instant::now();
    let err = device::select(choice).expect_err("unreachable").to_string();
    assert!(started.elapsed() < CONNECT_TIMEOUT + Duration::from_secs(3));
    assert!(
        err.contains("cannot reach the remote server at ws://127.0.0.1"),
        "{err}"
    );
}

#[test]
fn a_server_killed_mid_run_fails_the_job_and_the_checkpoint_stays() {
    let _serial = serial();
    let root = tempfile::tempdir().expect("a temporary folder");
    let mut server = server(None);
    let remote: DeviceChoice = server.device.parse().expect("a remote device");
    let job = tasks::spawn_training(small(remote, root.path(), 320, 50), no_waker());
    let last = wait_for(&job, |event| match event {
        Event::Kept(KeepEvent::Checkpoint(kept)) if !kept.best => Some(kept.path.clone()),
        _ => None,
    });
    server.kill();
    let deadline = Instant::now() + Duration::from_secs(120);
    let message = loop {
        match job
            .events()
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(Event::Failed(message)) => break message,
            Ok(Event::Finished(reason)) => panic!("finished ({reason:?}) without its server"),
            Ok(_) => {}
            Err(e) => panic!("no Failed event after the server was killed: {e}"),
        }
    };
    assert!(message.contains(&server.address), "{message}");
    let kept = checkpoint::load(&last).expect("the last checkpoint is intact");
    assert!(kept.meta.epochs_done >= 1);
    // The run's record says it failed, and why.
    let folder = last.parent().expect("the checkpoint's run folder");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("run.json")).expect("the run's record"))
            .expect("the record is JSON");
    assert_eq!(record["status"], "failed", "{record}");
    let why = record["message"].as_str().unwrap_or_default();
    assert!(why.contains(&server.address), "{record}");
}

#[test]
fn over_iroh_a_run_trains_and_a_wrong_token_is_refused() {
    let _serial = serial();
    let root = tempfile::tempdir().expect("a temporary folder");
    let server = LoopbackServer::start_iroh(
        Path::new(env!("CARGO_BIN_EXE_visionlab")),
        "cpu",
        "the-iroh-token",
        &root.path().join("iroh.key"),
    )
    .expect("the Iroh server starts");
    let address: RemoteAddress = server.address.parse().expect("an address");
    let choice = DeviceChoice::remote(address.clone());
    remote::set_token(&address, "a-wrong-token");
    let err = device::select(choice).expect_err("refused").to_string();
    assert!(err.starts_with("refused by the server: bad token"), "{err}");
    remote::set_token(&address, "the-iroh-token");
    let far = until_finished(&tasks::spawn_training(
        small(choice, root.path(), 96, 1),
        no_waker(),
    ));
    assert!(far.steps > 0);
    assert!(
        far.device.starts_with("remote device 0 at 127.0.0.1:"),
        "{}",
        far.device
    );
}

#[test]
fn a_remote_device_reads_and_writes_as_its_address() {
    let choice: DeviceChoice = "remote:ws://gpu-box:3000".parse().expect("a device");
    assert_eq!(choice.to_string(), "remote:ws://gpu-box:3000");
    let json = serde_json::to_string(&choice).expect("json");
    assert_eq!(json, r#"{"Remote":"ws://gpu-box:3000"}"#);
    assert_eq!(
        serde_json::from_str::<DeviceChoice>(&json).expect("back"),
        choice
    );
    // Configs written before remote devices existed read as before.
    assert_eq!(
        serde_json::from_str::<DeviceChoice>(r#""Cpu""#).expect("cpu"),
        DeviceChoice::Cpu
    );
    assert_eq!(
        serde_json::to_string(&DeviceChoice::Gpu).expect("json"),
        r#""Gpu""#
    );
    assert!("remote:http://x".parse::<DeviceChoice>().is_err());
    assert!("tpu".parse::<DeviceChoice>().is_err());
}
