//! Remote servers as the rest of the program names them: the address of a `visionlab serve`
//! (a WebSocket URL or an Iroh endpoint id), the small [`RemoteId`] handle a
//! [`DeviceChoice`](crate::core::protocol::DeviceChoice) carries (so it stays `Copy`), and the
//! token a job presents to the server. Plain data: connecting is
//! [`remote_device`](crate::core::remote_device)'s.
//!
//! The token of a server is the one set for its address ([`set_token`]), else the one set for
//! every server ([`set_default_token`], the CLI's `--token-file`), else the environment
//! variable [`TOKEN_ENV`]. It is never written into a config, a record or a log.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The environment variable a job reads a remote server's token from, when none is set.
pub const TOKEN_ENV: &str = "VISIONLAB_REMOTE_TOKEN";

/// What `--device` starts with for a remote server: `remote:ws://host:3000`.
pub const DEVICE_PREFIX: &str = "remote:";

/// Where a remote server listens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RemoteAddress {
    /// A WebSocket server: `ws://host:port` (unencrypted: trusted networks only).
    WebSocket(String),
    /// An Iroh server: its endpoint id, and the `host:port` to dial directly (without one,
    /// the server is looked up through n0's public relays).
    Iroh {
        /// The server's endpoint id, as `visionlab serve --iroh` prints it.
        id: String,
        /// `host:port` of the server's UDP socket, for a direct connection.
        direct: Option<String>,
    },
}

/// Why an address is not one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressError {
    /// Neither `ws://…` nor `iroh:…`.
    #[error(
        "`{0}` is not a remote server: write ws://host:port (WebSocket) or iroh:ENDPOINT_ID[@host:port] (Iroh)"
    )]
    Unknown(String),
    /// `ws://` without a host and port.
    #[error("`{0}` has no host:port after ws://")]
    NoHost(String),
    /// `iroh:` without an id.
    #[error("`{0}` has no endpoint id after iroh:")]
    NoId(String),
}

impl std::str::FromStr for RemoteAddress {
    type Err = AddressError;

    fn from_str(text: &str) -> Result<Self, AddressError> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("ws://") {
            let host = rest.trim_end_matches('/');
            if host.is_empty() || !host.contains(':') {
                return Err(AddressError::NoHost(text.into()));
            }
            return Ok(RemoteAddress::WebSocket(format!("ws://{host}")));
        }
        if let Some(rest) = text.strip_prefix("iroh:") {
            let rest = rest.trim_start_matches("//");
            let (id, direct) = match rest.split_once('@') {
                Some((id, direct)) => (id, Some(direct.to_string())),
                None => (rest, None),
            };
            if id.is_empty() {
                return Err(AddressError::NoId(text.into()));
            }
            return Ok(RemoteAddress::Iroh {
                id: id.into(),
                direct: direct.filter(|d| !d.is_empty()),
            });
        }
        Err(AddressError::Unknown(text.into()))
    }
}

impl std::fmt::Display for RemoteAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteAddress::WebSocket(url) => f.write_str(url),
            RemoteAddress::Iroh { id, direct: None } => write!(f, "iroh:{id}"),
            RemoteAddress::Iroh {
                id,
                direct: Some(direct),
            } => write!(f, "iroh:{id}@{direct}"),
        }
    }
}

impl RemoteAddress {
    /// The host the user knows the server by, for one short line: `gpu-box:3000`, or the
    /// Iroh id's first characters.
    pub fn host(&self) -> String {
        match self {
            RemoteAddress::WebSocket(url) => url.trim_start_matches("ws://").to_string(),
            RemoteAddress::Iroh {
                direct: Some(direct),
                ..
            } => direct.clone(),
            RemoteAddress::Iroh { id, direct: None } => {
                format!("iroh {}", id.chars().take(10).collect::<String>())
            }
        }
    }
}

/// A remote server, as a `Copy` handle: the index of its address in this process's list.
/// Made by [`RemoteId::of`]; the same address always gives the same handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RemoteId(u16);

/// The process's servers: addresses (indexed by [`RemoteId`]) and tokens.
#[derive(Default)]
struct Registry {
    addresses: Vec<RemoteAddress>,
    tokens: HashMap<RemoteAddress, String>,
    default_token: Option<String>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        // The registry is only ever pushed to or read: a panic elsewhere leaves it whole.
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl RemoteId {
    /// The handle of `address` (the same one every time it is asked for).
    pub fn of(address: RemoteAddress) -> RemoteId {
        let mut registry = registry();
        if let Some(i) = registry.addresses.iter().position(|a| *a == address) {
            return RemoteId(i as u16);
        }
        // 65 536 distinct servers in one process: far beyond any session; the last is reused.
        let index = registry.addresses.len().min(usize::from(u16::MAX));
        if index == registry.addresses.len() {
            registry.addresses.push(address);
        }
        RemoteId(index as u16)
    }

    /// The server's address.
    pub fn address(self) -> RemoteAddress {
        registry()
            .addresses
            .get(usize::from(self.0))
            .cloned()
            .expect("a RemoteId is only made by RemoteId::of, which registers its address")
    }

    /// The token to present to this server, if any (see the module's doc).
    pub fn token(self) -> Option<String> {
        let address = self.address();
        let registry = registry();
        registry
            .tokens
            .get(&address)
            .or(registry.default_token.as_ref())
            .cloned()
            .or_else(|| std::env::var(TOKEN_ENV).ok())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    }
}

/// A server's token as the app keeps it: written with the settings as it is, never shown by
/// `Debug` (so no log or panic message carries it).
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Token(String);

impl Token {
    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The token, to edit in place (the GUI's field).
    pub fn as_mut_string(&mut self) -> &mut String {
        &mut self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Token(none)"
        } else {
            "Token(…)"
        })
    }
}

/// Presents `token` to the server at `address` (the GUI's token field, a test).
pub fn set_token(address: &RemoteAddress, token: &str) {
    registry()
        .tokens
        .insert(address.clone(), token.trim().to_string());
}

/// Presents `token` to every server without a token of its own (the CLI's `--token-file`).
pub fn set_default_token(token: &str) {
    registry().default_token = Some(token.trim().to_string());
}

/// Why a token file gives no token.
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    /// It cannot be read.
    #[error("cannot read the token file {}: {source}", .path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It holds nothing but blanks.
    #[error("the token file {} is empty", .0.display())]
    Empty(std::path::PathBuf),
}

/// The token in `path` (its first line, without surrounding blanks).
pub fn read_token_file(path: &std::path::Path) -> Result<String, TokenFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| TokenFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let token = text.lines().next().unwrap_or_default().trim().to_string();
    if token.is_empty() {
        return Err(TokenFileError::Empty(path.to_path_buf()));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_and_print_back() {
        let ws: RemoteAddress = "ws://gpu-box:3000/".parse().unwrap();
        assert_eq!(ws, RemoteAddress::WebSocket("ws://gpu-box:3000".into()));
        assert_eq!(ws.to_string(), "ws://gpu-box:3000");
        assert_eq!(ws.host(), "gpu-box:3000");
        let iroh: RemoteAddress = "iroh:abc123@10.0.0.2:3001".parse().unwrap();
        assert_eq!(
            iroh,
            RemoteAddress::Iroh {
                id: "abc123".into(),
                direct: Some("10.0.0.2:3001".into())
            }
        );
        assert_eq!(iroh.to_string(), "iroh:abc123@10.0.0.2:3001");
        assert_eq!(
            "iroh:abc".parse::<RemoteAddress>().unwrap().to_string(),
            "iroh:abc"
        );
        for bad in ["http://x:1", "ws://", "ws://host", "iroh:", "gpu"] {
            assert!(bad.parse::<RemoteAddress>().is_err(), "{bad}");
        }
    }

    #[test]
    fn one_address_one_handle_and_its_own_token() {
        let a = RemoteId::of("ws://127.0.0.1:1".parse().unwrap());
        let b = RemoteId::of("ws://127.0.0.1:2".parse().unwrap());
        assert_ne!(a, b);
        assert_eq!(a, RemoteId::of("ws://127.0.0.1:1".parse().unwrap()));
        set_token(&a.address(), " secret \n");
        assert_eq!(a.token().as_deref(), Some("secret"));
    }

    #[test]
    fn a_kept_token_is_never_shown() {
        let mut token = Token::default();
        token.as_mut_string().push_str("s3cret");
        assert!(!format!("{token:?}").contains("s3cret"));
        assert_eq!(serde_json::to_string(&token).unwrap(), r#""s3cret""#);
    }

    #[test]
    fn a_token_file_gives_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  s3cret \nignored\n").unwrap();
        assert_eq!(read_token_file(&path).unwrap(), "s3cret");
        std::fs::write(&path, "\n").unwrap();
        assert!(
            read_token_file(&path)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(read_token_file(&dir.path().join("none")).is_err());
    }
}
