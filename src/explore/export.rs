//! What the explorer's selection becomes: a file list (one path per line) or a new
//! ImageFolder (the files copied into one sub-folder per given label). The copy runs as a
//! job with progress and stop; a copy never overwrites: a folder that already holds files
//! is refused.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::core::control::keep_going;
use crate::core::files::{self, WriteError};
use crate::core::job::{JobHandle, Waker, spawn_job};
use crate::core::protocol::{Event, ExploreEvent, FinishReason};

/// Files copied between two progress events.
const CHUNK: usize = 64;

/// Writes `paths` to `list`, one per line (atomically).
pub fn write_list(list: &Path, paths: &[PathBuf]) -> Result<(), WriteError> {
    let mut text = String::new();
    for path in paths {
        text.push_str(&path.display().to_string());
        text.push('\n');
    }
    files::write_atomic(list, text.as_bytes())
}

/// One file to copy and the class folder it goes into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyItem {
    /// The image file.
    pub path: PathBuf,
    /// Its class (the sub-folder it is copied into).
    pub class: String,
}

/// Starts copying `items` into `dest/<class>/`, sending [`ExploreEvent::Copied`]; ends
/// with `Event::Finished` (Stopped keeps what was copied) or `Event::Failed`.
pub fn spawn_copy(items: Vec<CopyItem>, dest: PathBuf, wake: Waker) -> JobHandle {
    spawn_job("explore-copy", wake, move |inbox, out| {
        let total = items.len();
        prepare_dest(&dest)?;
        for (start, chunk) in (0..).step_by(CHUNK).zip(items.chunks(CHUNK)) {
            if !keep_going(inbox, out, start as u64) {
                out.send(Event::Log(format!(
                    "copy stopped: {start} of {total} files in {}",
                    dest.display()
                )));
                out.send(Event::Finished(FinishReason::Stopped));
                return Ok(());
            }
            for item in chunk {
                copy_one(item, &dest)?;
            }
            out.send(Event::Explore(ExploreEvent::Copied {
                done: start + chunk.len(),
                total,
            }));
        }
        out.send(Event::Log(format!(
            "copied {total} images into {}",
            dest.display()
        )));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// Creates `dest`, or checks that it is an empty folder.
pub fn prepare_dest(dest: &Path) -> anyhow::Result<()> {
    files::check_output_dir(dest)?;
    if dest.is_dir() {
        let mut entries =
            std::fs::read_dir(dest).with_context(|| format!("reading {}", dest.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: choose a new or empty folder for the copy",
                dest.display()
            );
        }
    }
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))
}

/// Copies one file into its class folder; a name already taken there (two source folders
/// with the same file name) gets a number.
fn copy_one(item: &CopyItem, dest: &Path) -> anyhow::Result<()> {
    let class = safe_component(&item.class);
    let folder = dest.join(class);
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let name = item
        .path
        .file_name()
        .with_context(|| format!("{} is not a file", item.path.display()))?;
    let mut target = folder.join(name);
    let stem = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = Path::new(name)
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut n = 1;
    while target.exists() {
        target = folder.join(format!("{stem}-{n}{ext}"));
        n += 1;
    }
    std::fs::copy(&item.path, &target)
        .with_context(|| format!("copying {} to {}", item.path.display(), target.display()))?;
    Ok(())
}

/// A class name usable as one folder name (separators and `..` replaced).
fn safe_component(class: &str) -> String {
    let cleaned: String = class
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '\0') {
                '_'
            } else {
                c
            }
        })
        .collect();
    match cleaned.as_str() {
        "" | "." | ".." => "_".into(),
        _ => cleaned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::no_waker;

    #[test]
    fn a_list_has_one_path_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("sel.txt");
        write_list(&list, &[PathBuf::from("a/1.png"), PathBuf::from("b/2.png")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&list).unwrap(),
            "a/1.png\nb/2.png\n"
        );
    }

    #[test]
    fn the_copy_makes_an_image_folder_and_refuses_a_full_one() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("x")).unwrap();
        std::fs::create_dir_all(src.join("y")).unwrap();
        std::fs::write(src.join("x/1.png"), b"one").unwrap();
        std::fs::write(src.join("y/1.png"), b"two").unwrap();
        let items = vec![
            CopyItem {
                path: src.join("x/1.png"),
                class: "cat".into(),
            },
            CopyItem {
                path: src.join("y/1.png"),
                class: "cat".into(),
            },
            CopyItem {
                path: src.join("x/1.png"),
                class: "../dog".into(),
            },
        ];
        let dest = dir.path().join("out");
        let job = spawn_copy(items.clone(), dest.clone(), no_waker());
        let events: Vec<Event> = job.events().iter().collect();
        assert!(
            events.contains(&Event::Finished(FinishReason::Completed)),
            "{events:?}"
        );
        assert_eq!(std::fs::read(dest.join("cat/1.png")).unwrap(), b"one");
        assert_eq!(std::fs::read(dest.join("cat/1-1.png")).unwrap(), b"two");
        assert!(dest.join(".._dog/1.png").exists());
        let again = spawn_copy(items, dest.clone(), no_waker());
        let events: Vec<Event> = again.events().iter().collect();
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Failed(m) if m.contains("not empty"))),
            "{events:?}"
        );
    }
}
