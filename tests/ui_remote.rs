//! The device box's "Remote…" through the accessibility tree: an address nothing answers at
//! is said (the window lives on); a loopback `visionlab serve` (this build, on the CPU, in a
//! child process) lists its device, and a run started on it says where it runs.

mod common;

use std::path::Path;

use common::ui::{click, harness, has_label_containing, small_config, wait_until};
use egui_kittest::kittest::Queryable;
use visionlab::bench::remote::LoopbackServer;
use visionlab::core::protocol::{DeviceChoice, TrainConfig};
use visionlab::ui::VisionApp;

/// A loopback server hosting the CPU, without a token (loopback needs none).
fn server() -> LoopbackServer {
    LoopbackServer::start(Path::new(env!("CARGO_BIN_EXE_visionlab")), "cpu", None)
        .expect("the server starts")
}

/// Chooses "Remote…" in the device box and types `address` into its field.
fn choose_remote(harness: &mut egui_kittest::Harness<'_, VisionApp>, address: &str) {
    click(harness, "Device");
    click(harness, "Remote…");
    let field = harness.get_by_label("Server address");
    field.focus();
    field.type_text(address);
    harness.step();
    harness.step();
}

#[test]
fn an_address_nothing_answers_at_is_said_and_the_window_lives_on() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut harness = harness(VisionApp::new());
    choose_remote(&mut harness, &format!("ws://127.0.0.1:{port}"));
    click(&mut harness, "Test connection");
    wait_until(&mut harness, "the connection error", |h| {
        has_label_containing(h, "cannot reach the remote server at ws://127.0.0.1")
    });
    // The window goes on: the fields still take input and a local device can be chosen.
    click(&mut harness, "Device");
    click(&mut harness, "CPU");
    assert_eq!(
        harness.state_mut().classify_mut().run.config.device,
        DeviceChoice::Cpu
    );
}

#[test]
fn a_loopback_server_lists_its_device_and_a_run_there_says_where_it_runs() {
    let server = server();
    let mut harness = harness(VisionApp::with_config(TrainConfig {
        device: DeviceChoice::Cpu,
        ..small_config()
    }));
    choose_remote(&mut harness, &server.address);
    let token = harness.get_by_label("Token");
    token.focus();
    token.type_text("not-shown");
    harness.step();
    assert!(
        !has_label_containing(&harness, "not-shown"),
        "the token is hidden as it is typed"
    );
    click(&mut harness, "Test connection");
    wait_until(&mut harness, "the server's devices", |h| {
        has_label_containing(h, "Connected to 127.0.0.1:") && has_label_containing(h, "device 0")
    });
    assert_eq!(
        harness
            .state_mut()
            .classify_mut()
            .run
            .config
            .device
            .to_string(),
        server.device
    );
    click(&mut harness, "Start");
    wait_until(&mut harness, "the run on the server", |h| {
        has_label_containing(h, "Running on: remote device 0 at 127.0.0.1:")
    });
}
