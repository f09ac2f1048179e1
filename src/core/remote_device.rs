//! Connecting to the device a `visionlab serve` hosts, through burn's remote backend
//! (`burn::remote`): a bounded wait, and what went wrong in words a user can act on (the
//! server unreachable, the token refused, another release on the other side).
//!
//! The job thread that connected remembers the server ([`in_use`]), so that a job that dies
//! because the server went away says which server it lost ([`lost_server_message`]).

use std::cell::RefCell;
use std::net::ToSocketAddrs;
use std::sync::mpsc;
use std::time::Duration;

use burn::prelude::Device;
use burn::remote::{ConnectError, EndpointId, IrohHost, IrohRelays, RemoteHost};

use crate::core::remote::{RemoteAddress, RemoteId};

/// How long a connect may take before the server counts as unreachable. burn retries a
/// refused connection for up to ~16 s (a server started a moment ago); a user asking for a
/// server that is not there hears it sooner.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a remote device could not be had.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RemoteError {
    /// Nothing answered at the address in time.
    #[error(
        "cannot reach the remote server at {address} ({reason}): is `visionlab serve` running there, and its port open to this machine?"
    )]
    Unreachable {
        /// The server.
        address: String,
        /// What failed, or how long we waited.
        reason: String,
    },
    /// The server's authorizer refused the token (or its absence).
    #[error(
        "refused by the server: bad token ({address} did not accept {given}; set VISIONLAB_REMOTE_TOKEN or --token-file to the token the server was started with)"
    )]
    BadToken {
        /// The server.
        address: String,
        /// "the token given" or "a connection without a token".
        given: &'static str,
    },
    /// The two ends run different releases.
    #[error(
        "the server at {address} runs another release (Burn Remote protocol {server_version}, this visionlab speaks {client_version}): install the same visionlab version on both machines"
    )]
    Version {
        /// The server.
        address: String,
        /// The protocol this client speaks.
        client_version: u16,
        /// The protocol the server speaks.
        server_version: u16,
    },
    /// The server answered but the session could not be opened.
    #[error("the remote server at {address} could not open a session: {reason}")]
    Session {
        /// The server.
        address: String,
        /// burn's reason.
        reason: String,
    },
    /// The address cannot be dialled (an Iroh id that is not one, a host that does not resolve).
    #[error("cannot dial {address}: {reason}")]
    Address {
        /// The server.
        address: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A connected remote device.
#[derive(Clone, Debug)]
pub struct Connected {
    /// The burn device (without autodiff): its tensors live on the server.
    pub device: Device,
    /// Where it is, for the user: `gpu-box:3000`.
    pub host: String,
}

thread_local! {
    /// The server the job on this thread connected to, if any.
    static IN_USE: RefCell<Option<RemoteAddress>> = const { RefCell::new(None) };
}

/// The server the job on this thread runs on (set by [`connect`]).
pub fn in_use() -> Option<RemoteAddress> {
    IN_USE.with(|cell| cell.borrow().clone())
}

/// Forgets [`in_use`]: a job thread starts without a server.
pub fn forget_in_use() {
    IN_USE.with(|cell| cell.borrow_mut().take());
}

/// What a job that crashed (`panic`) on this thread says, when it ran on a remote server:
/// that server's name and that the work kept on this machine is intact. `None` for a local
/// job.
pub fn lost_server_message(panic: &str) -> Option<String> {
    in_use().map(|address| {
        format!(
            "lost the remote server at {address} ({panic}); checkpoints kept on this machine are intact: resume from the run's last.vlck on this or another device"
        )
    })
}

/// Connects to the device of the server `id` names, presenting its token, waiting at most
/// [`CONNECT_TIMEOUT`]. The job thread remembers the server ([`in_use`]).
pub fn connect(id: RemoteId) -> Result<Connected, RemoteError> {
    let address = id.address();
    let token = id.token();
    let host = with_token(remote_host(&address)?, token.as_deref());
    let connected = bounded(&address, token.is_some(), move || {
        Device::remote_options(&host).init()
    })?;
    IN_USE.with(|cell| *cell.borrow_mut() = Some(address.clone()));
    Ok(Connected {
        device: connected,
        host: address.host(),
    })
}

/// What "Test connection" found at a server: the devices it hosts, in words (burn's remote
/// backend says how many, not their names: the server prints its own at start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerDevices {
    /// Where the server is: `gpu-box:3000`.
    pub host: String,
    /// One line per device: `device 0`, `device 1`, …
    pub devices: Vec<String>,
}

/// Connects to the server at `address` (as typed: `ws://host:port` or `iroh:…`) with
/// `token` (empty: none), waiting at most [`CONNECT_TIMEOUT`], and lists its devices. The
/// GUI's "Test connection", through [`spawn_test`]; the error is the user's to read.
pub fn test_connection(address: &str, token: &str) -> Result<ServerDevices, String> {
    let address: RemoteAddress = address.parse().map_err(|e| format!("{e}"))?;
    let token = Some(token.trim()).filter(|t| !t.is_empty());
    let host = with_token(remote_host(&address).map_err(|e| e.to_string())?, token);
    let devices =
        bounded(&address, token.is_some(), move || host.devices()).map_err(|e| e.to_string())?;
    Ok(ServerDevices {
        host: address.host(),
        devices: (0..devices.into_vec().len())
            .map(|i| format!("device {i}"))
            .collect(),
    })
}

/// [`test_connection`] on a thread of its own: the answer arrives on the receiver, and `wake`
/// is called when it does (the window redraws).
pub fn spawn_test(
    address: String,
    token: String,
    wake: impl Fn() + Clone + Send + 'static,
) -> mpsc::Receiver<Result<ServerDevices, String>> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("visionlab-remote-test".into())
        .spawn({
            let tx = tx.clone();
            let wake = wake.clone();
            move || {
                let _ = tx.send(test_connection(&address, &token));
                wake();
            }
        });
    if let Err(e) = spawned {
        let _ = tx.send(Err(format!("could not start a thread to connect: {e}")));
        wake();
    }
    rx
}

fn with_token(host: RemoteHost, token: Option<&str>) -> RemoteHost {
    match token {
        Some(token) => host.with_credential(token),
        None => host,
    }
}

/// Runs burn's `connect` on a thread of its own and waits at most [`CONNECT_TIMEOUT`] for it;
/// its error in the user's words. A connect cannot be cancelled: a late one finishes on its
/// own thread.
fn bounded<T: Send + 'static>(
    address: &RemoteAddress,
    had_token: bool,
    connect: impl FnOnce() -> Result<T, ConnectError> + Send + 'static,
) -> Result<T, RemoteError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("visionlab-remote-connect".into())
        .spawn(move || {
            let _ = tx.send(connect());
        })
        .map_err(|e| RemoteError::Unreachable {
            address: address.to_string(),
            reason: format!("could not start a thread to connect: {e}"),
        })?;
    match rx.recv_timeout(CONNECT_TIMEOUT) {
        Ok(result) => result.map_err(|e| explain(address, had_token, e)),
        Err(_) => Err(RemoteError::Unreachable {
            address: address.to_string(),
            reason: format!("nothing answered within {} s", CONNECT_TIMEOUT.as_secs()),
        }),
    }
}

/// burn's host for `address`: WebSocket, or Iroh dialled directly when the address says
/// where (relays off, as `visionlab serve --iroh` runs by default), else found through n0's
/// public relays.
fn remote_host(address: &RemoteAddress) -> Result<RemoteHost, RemoteError> {
    let bad = |reason: String| RemoteError::Address {
        address: address.to_string(),
        reason,
    };
    match address {
        RemoteAddress::WebSocket(url) => Ok(RemoteHost::websocket(url)),
        RemoteAddress::Iroh { id, direct } => {
            let endpoint: EndpointId = id
                .parse()
                .map_err(|e| bad(format!("`{id}` is not an Iroh endpoint id: {e}")))?;
            let mut host = IrohHost::new(endpoint);
            if let Some(direct) = direct {
                let resolved = direct
                    .to_socket_addrs()
                    .map_err(|e| bad(format!("cannot resolve {direct}: {e}")))?;
                for socket in resolved {
                    host = host.with_address(socket);
                }
                host = host.with_relays(IrohRelays::Disabled);
            }
            Ok(RemoteHost::iroh(host))
        }
    }
}

/// burn's connect error in the user's words.
fn explain(address: &RemoteAddress, had_token: bool, error: ConnectError) -> RemoteError {
    let address = address.to_string();
    match error {
        ConnectError::Unauthorized => RemoteError::BadToken {
            address,
            given: if had_token {
                "the token given"
            } else {
                "a connection without a token"
            },
        },
        ConnectError::IncompatibleProtocol {
            client_version,
            server_version,
        } => RemoteError::Version {
            address,
            client_version,
            server_version,
        },
        ConnectError::Unreachable { reason } => RemoteError::Unreachable { address, reason },
        ConnectError::NoAddress => RemoteError::Address {
            address,
            reason:
                "no host:port to dial (write iroh:ID@host:port, or start the server with --relay)"
                    .into(),
        },
        // A server on an older release closes the handshake unanswered, which lands here.
        ConnectError::Handshake { reason } => RemoteError::Session {
            address,
            reason: format!("{reason} (is it the same visionlab version?)"),
        },
        other => RemoteError::Session {
            address,
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_said_in_the_users_words() {
        let ws: RemoteAddress = "ws://gpu:3000".parse().unwrap();
        let refused = explain(&ws, true, ConnectError::Unauthorized).to_string();
        assert!(
            refused.starts_with("refused by the server: bad token"),
            "{refused}"
        );
        assert!(refused.contains("ws://gpu:3000"), "{refused}");
        let version = explain(
            &ws,
            false,
            ConnectError::IncompatibleProtocol {
                client_version: 2,
                server_version: 3,
            },
        )
        .to_string();
        assert!(version.contains("same visionlab version"), "{version}");
        assert!(lost_server_message("boom").is_none());
    }

    #[test]
    fn a_test_of_an_address_that_is_none_says_so() {
        let err = test_connection("gpu-box", "").unwrap_err();
        assert!(err.contains("ws://host:port"), "{err}");
    }

    #[test]
    fn an_iroh_id_that_is_not_one_is_said_before_dialling() {
        let bad: RemoteAddress = "iroh:not-a-key@127.0.0.1:9".parse().unwrap();
        let err = remote_host(&bad).unwrap_err().to_string();
        assert!(err.contains("not an Iroh endpoint id"), "{err}");
    }
}
