//! The packaging files: the desktop entry and the AppStream metadata validate (with
//! `desktop-file-validate` and `appstreamcli validate` when they are installed; their
//! required keys are checked here either way), the icons exist at the sizes the .deb
//! installs, and `cargo deb`'s metadata installs everything the app needs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs a validator when it is installed; `None` (said on stderr) when it is not.
fn validate(tool: &str, args: &[&str], file: &Path) -> Option<()> {
    match Command::new(tool).args(args).arg(file).output() {
        Ok(out) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!("{tool} {}: {}", file.display(), text.trim());
            assert!(
                out.status.success(),
                "{tool} rejects {}:\n{text}",
                file.display()
            );
            Some(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "NOTE: {tool} is not installed (apt-get install desktop-file-utils appstream): \
                 only the required keys of {} are checked",
                file.display()
            );
            None
        }
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

#[test]
fn desktop_entry_is_valid() {
    let file = root().join("packaging/visionlab.desktop");
    let text = read(&file);
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    assert_eq!(lines.next(), Some("[Desktop Entry]"));
    for key in [
        "Type=Application",
        "Name=visionlab",
        "Exec=visionlab",
        "Icon=visionlab",
        "Terminal=false",
    ] {
        assert!(text.lines().any(|l| l == key), "missing {key}");
    }
    // The window's app id, so desktops match the window to the entry.
    assert!(text.lines().any(|l| l == "StartupWMClass=visionlab"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("Categories=") && l.ends_with(';'))
    );
    validate("desktop-file-validate", &[], &file);
}

#[test]
fn metainfo_is_valid() {
    let file = root().join("packaging/visionlab.metainfo.xml");
    let text = read(&file);
    for needle in [
        "<component type=\"desktop-application\">",
        "<id>io.github.visionlab.visionlab</id>",
        "<metadata_license>",
        "<project_license>",
        "<name>visionlab</name>",
        "<summary>",
        "<description>",
        "<launchable type=\"desktop-id\">visionlab.desktop</launchable>",
        "<binary>visionlab</binary>",
        "<content_rating",
        "<release version=\"",
    ] {
        assert!(text.contains(needle), "metainfo lacks {needle}");
    }
    let version = format!("<release version=\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(
        text.contains(&version),
        "metainfo lacks a release for this version"
    );
    validate("appstreamcli", &["validate", "--no-net"], &file);
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[test]
fn icons_have_their_sizes() {
    for size in [48u32, 128, 256] {
        let path = root().join(format!("packaging/icons/visionlab-{size}.png"));
        assert_eq!(png_size(&path), (size, size), "{}", path.display());
    }
    let svg = read(&root().join("packaging/icons/visionlab.svg"));
    assert!(svg.contains("<svg") && svg.contains("viewBox=\"0 0 256 256\""));
}

/// Source → destination pairs of `[package.metadata.deb] assets`.
fn deb_assets() -> Vec<(String, String)> {
    let manifest = read(&root().join("Cargo.toml"));
    let section = manifest
        .split("[package.metadata.deb]")
        .nth(1)
        .expect("Cargo.toml has [package.metadata.deb]");
    let mut pairs = Vec::new();
    for line in section.lines() {
        let line = line.trim();
        if let Some(body) = line.strip_prefix("[\"") {
            let fields: Vec<&str> = body.split('"').collect();
            // ["src", "dest", "mode"] → src, ", ", dest, ...
            if fields.len() >= 3 {
                pairs.push((fields[0].to_string(), fields[2].to_string()));
            }
        }
    }
    pairs
}

#[test]
fn deb_installs_binary_entry_icons_metainfo_and_assets() {
    let pairs = deb_assets();
    let dest_of = |src: &str| {
        pairs
            .iter()
            .find(|(s, _)| s == src)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("the .deb does not install {src}: {pairs:?}"))
    };
    assert_eq!(dest_of("target/release/visionlab"), "usr/bin/");
    assert_eq!(
        dest_of("packaging/visionlab.desktop"),
        "usr/share/applications/"
    );
    assert!(dest_of("packaging/visionlab.metainfo.xml").starts_with("usr/share/metainfo/"));
    for (src, size) in [
        ("packaging/icons/visionlab-48.png", "48x48"),
        ("packaging/icons/visionlab-128.png", "128x128"),
        ("packaging/icons/visionlab-256.png", "256x256"),
        ("packaging/icons/visionlab.svg", "scalable"),
    ] {
        assert!(
            dest_of(src).starts_with(&format!("usr/share/icons/hicolor/{size}/apps/")),
            "{src}"
        );
    }
    // Every file the app looks up at run time is shipped where `assets::search_dirs` looks
    // for an installed copy (/usr/bin/visionlab → /usr/share/visionlab/assets).
    let installed = Path::new("/usr/bin").join(visionlab::core::assets::INSTALLED_RELATIVE);
    let installed = installed.to_string_lossy().replace("/usr/bin/../", "usr/");
    assert_eq!(installed, "usr/share/visionlab/assets");
    for name in [
        visionlab::models::mobilenet_v2::WEIGHTS_ASSET,
        visionlab::models::mobilenet_v2::LABELS_ASSET,
        visionlab::tasks::detect::faces::WEIGHTS_ASSET,
        visionlab::core::assets::ASSETS_MARKER,
        "images/chelsea.png",
        "data/mnist_5k.csv.gz",
    ] {
        let shipped = pairs.iter().any(|(src, dest)| {
            let glob = src.strip_suffix('*').filter(|dir| {
                Path::new(&format!("assets/{name}")).parent()
                    == Some(Path::new(dir.trim_end_matches('/')))
            });
            let target = Path::new(name).parent().map_or(String::new(), |p| {
                format!("{installed}/{}/", p.display()).replace("//", "/")
            });
            (src == &format!("assets/{name}") || glob.is_some()) && dest == &target
        });
        assert!(
            shipped,
            "the .deb does not ship assets/{name} to {installed}: {pairs:?}"
        );
    }
}
