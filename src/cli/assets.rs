//! `visionlab assets`: the folders searched for the bundled assets, the one used, and
//! where each bundled file is found.

use crate::core::assets;
use crate::models::mobilenet_v2;

/// Runs `visionlab assets`.
pub fn run() {
    for dir in assets::search_dirs() {
        let mark = if dir.join(assets::ASSETS_MARKER).is_file() {
            "found"
        } else {
            "-"
        };
        println!("searched {} ({mark})", dir.display());
    }
    match assets::dir_holding(assets::ASSETS_MARKER) {
        Some(dir) => println!("assets: {}", dir.display()),
        None => println!("assets: not found (set {})", assets::ENV),
    }
    for name in [mobilenet_v2::WEIGHTS_ASSET, mobilenet_v2::LABELS_ASSET] {
        match assets::find(name) {
            Ok(path) => println!("{name}: {}", path.display()),
            Err(_) => println!("{name}: missing"),
        }
    }
}
