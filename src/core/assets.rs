//! Finds the bundled `assets/` folder (weights, labels, sample images) at run time.
//!
//! Looked for, in order: the folder `VISIONLAB_ASSETS` names, `assets/` next to the
//! executable (an unpacked copy), `../share/visionlab/assets` relative to the executable (an
//! installed copy under any prefix, e.g. the .deb's `/usr/bin/visionlab` →
//! `/usr/share/visionlab/assets`), [`SYSTEM_DIR`], and the source checkout's `assets/`
//! (`cargo run`, tests).

use std::path::{Path, PathBuf};

/// Environment variable that points at an assets folder.
pub const ENV: &str = "VISIONLAB_ASSETS";

/// Where the .deb installs the assets.
pub const SYSTEM_DIR: &str = "/usr/share/visionlab/assets";

/// The assets folder of an installation, relative to the executable's folder.
pub const INSTALLED_RELATIVE: &str = "../share/visionlab/assets";

/// A bundled file could not be found.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find the bundled file {name}: looked in {searched}; set {ENV} to the folder that holds visionlab's assets"
)]
pub struct MissingAsset {
    /// The file asked for, relative to the assets folder.
    pub name: String,
    /// The folders searched, for the message.
    pub searched: String,
}

/// The candidate assets folders, most specific first.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os(ENV) {
        dirs.push(PathBuf::from(dir));
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(parent) = exe.parent()
    {
        dirs.push(parent.join("assets"));
        dirs.push(parent.join(INSTALLED_RELATIVE));
    }
    dirs.push(PathBuf::from(SYSTEM_DIR));
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets"));
    dirs
}

/// The first candidate folder that holds `file` (e.g. [`ASSETS_MARKER`]): the folder assets
/// are read from. `None` when none does.
pub fn dir_holding(file: &str) -> Option<PathBuf> {
    search_dirs().into_iter().find(|d| d.join(file).is_file())
}

/// A file every assets folder has: marks the folder the app uses.
pub const ASSETS_MARKER: &str = "ASSETS.md";

/// The path of the bundled file `name` (for example `weights/imagenet_labels.txt`).
pub fn find(name: &str) -> Result<PathBuf, MissingAsset> {
    let dirs = search_dirs();
    dirs.iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| MissingAsset {
            name: name.to_string(),
            searched: dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_checkout_assets_and_names_missing_ones() {
        assert!(find("weights/imagenet_labels.txt").is_ok());
        let err = find("no/such.file").unwrap_err().to_string();
        assert!(err.contains("no/such.file") && err.contains(ENV), "{err}");
    }
}
