//! Listing dataset folders safely: every loader that lists files (ImageFolder, YOLO, VOC,
//! COCO, segmentation masks) goes through a [`Walk`].
//!
//! - Only regular files are returned (symbolic links are resolved first): a named pipe,
//!   socket or device file is never opened (opening a pipe blocks until someone writes to
//!   it), and a broken link is left out; each is recorded with a warning naming it.
//! - A folder is entered once: a link that leads back to a folder already read (a link
//!   loop, or a second way to the same folder) is not followed, with a warning naming the
//!   link, so a loop cannot multiply the files.
//! - A file reached twice (through a link) is taken once.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::data::Skipped;

/// What a folder holds, sorted: sub-folders and regular files (hidden entries left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Sub-folders (also those reached through a link).
    pub dirs: Vec<PathBuf>,
    /// Regular files (also those reached through a link), each taken once per walk.
    pub files: Vec<PathBuf>,
}

/// One walk over a dataset: the folders entered and files taken so far, and what was left
/// out.
#[derive(Debug, Default)]
pub struct Walk {
    /// Canonical folder → the path it was first entered by.
    folders: BTreeMap<PathBuf, PathBuf>,
    /// Canonical file → the path it was first taken by.
    files: BTreeMap<PathBuf, PathBuf>,
    /// Paths already warned about (a folder listed twice warns once).
    warned: BTreeSet<PathBuf>,
    /// Entries left out, each naming the entry and why.
    pub skipped: Vec<Skipped>,
}

impl Walk {
    /// A walk that has entered nothing yet.
    pub fn new() -> Walk {
        Walk::default()
    }

    /// Claims `dir` for reading. `false` (with a warning naming `dir`) when the same folder
    /// was already entered by another path (a second link to it), or when `dir` is a link
    /// to a folder that holds one already entered (a link loop).
    ///
    /// Walkers claim all the sub-folders of a folder before descending into any, so a link
    /// to a sibling folder does not take that folder's files under its own name.
    pub fn enter(&mut self, dir: &Path) -> bool {
        let Ok(canonical) = fs::canonicalize(dir) else {
            // Cannot be resolved: listing it will fail and say why.
            return true;
        };
        match self.folders.get(&canonical) {
            None => {
                let is_link = fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
                let inside = is_link
                    .then(|| {
                        self.folders
                            .iter()
                            .find(|(c, _)| c.starts_with(&canonical))
                            .map(|(_, first)| first.clone())
                    })
                    .flatten();
                if let Some(first) = inside {
                    self.warn(
                        dir,
                        format!(
                            "symbolic link loop: leads to {}, which holds {} (already being read); not followed",
                            canonical.display(),
                            first.display()
                        ),
                    );
                    return false;
                }
                self.folders.insert(canonical, dir.to_path_buf());
                true
            }
            Some(first) if first == dir => true,
            Some(first) => {
                let reason = if dir.starts_with(first) {
                    format!(
                        "symbolic link loop: leads back to {}, which is already being read; not followed",
                        first.display()
                    )
                } else {
                    format!(
                        "leads to {}, which is already read; not read twice",
                        first.display()
                    )
                };
                self.warn(dir, reason);
                false
            }
        }
    }

    /// Lists `dir` (which need not have been entered): sub-folders and regular files,
    /// sorted, hidden entries left out. Entries that are neither a folder nor a regular
    /// file, and files already taken through another path, are left out with a warning.
    ///
    /// # Errors
    /// The OS error when `dir` cannot be listed.
    pub fn list(&mut self, dir: &Path) -> std::io::Result<Listing> {
        let mut paths = Vec::new();
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if !is_hidden(&path) {
                paths.push(path);
            }
        }
        // Sorted first, so that which of two links to one file is taken does not depend
        // on the order the file system lists them in.
        paths.sort();
        let mut listing = Listing::default();
        for path in paths {
            match kind(&path) {
                Kind::Folder => listing.dirs.push(path),
                Kind::File => {
                    if self.take_file(&path) {
                        listing.files.push(path);
                    }
                }
                Kind::Other(reason) => self.warn(&path, reason),
            }
        }
        Ok(listing)
    }

    /// Every regular file under `dir` (recursively, sorted within each folder) that `keep`
    /// accepts; folders are entered once. A folder that cannot be listed is recorded and
    /// left out.
    pub fn files_under(&mut self, dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if self.enter(dir) {
            self.collect(dir, keep, &mut out);
        }
        out
    }

    /// Adds the files under `dir` (already entered) that `keep` accepts.
    fn collect(&mut self, dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
        let listing = match self.list(dir) {
            Ok(l) => l,
            Err(e) => {
                self.warn(dir, format!("cannot read folder: {e}"));
                return;
            }
        };
        out.extend(listing.files.into_iter().filter(|p| keep(p)));
        for sub in self.enter_all(listing.dirs) {
            self.collect(&sub, keep, out);
        }
    }

    /// Claims every folder of `dirs` (see [`Walk::enter`]) and returns those claimed.
    pub fn enter_all(&mut self, dirs: Vec<PathBuf>) -> Vec<PathBuf> {
        dirs.into_iter().filter(|d| self.enter(d)).collect()
    }

    /// Claims a regular file; `false` (with a warning) when the same file was already taken
    /// by another path.
    fn take_file(&mut self, path: &Path) -> bool {
        let Ok(canonical) = fs::canonicalize(path) else {
            return true;
        };
        match self.files.get(&canonical) {
            None => {
                self.files.insert(canonical, path.to_path_buf());
                true
            }
            Some(first) if first == path => true,
            Some(first) => {
                let reason = format!(
                    "same file as {} (reached twice through a link); read once",
                    first.display()
                );
                self.warn(path, reason);
                false
            }
        }
    }

    fn warn(&mut self, path: &Path, reason: String) {
        if self.warned.insert(path.to_path_buf()) {
            self.skipped.push(Skipped {
                path: path.to_path_buf(),
                reason,
            });
        }
    }
}

/// What a directory entry is, after following links.
enum Kind {
    Folder,
    File,
    /// Anything else, with the reason it is left out.
    Other(String),
}

fn kind(path: &Path) -> Kind {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Kind::Folder,
        Ok(m) if m.is_file() => Kind::File,
        Ok(m) => Kind::Other(format!(
            "{}, not a regular file; not opened",
            describe(&m.file_type())
        )),
        Err(e) => {
            let broken_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            Kind::Other(if broken_link {
                format!("broken symbolic link ({e}); left out")
            } else {
                format!("cannot be read: {e}")
            })
        }
    }
}

/// "a named pipe", "a socket", … for a file type that is neither folder nor regular file.
fn describe(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device file";
        }
    }
    let _ = t;
    "a special file"
}

/// Checks that `path` (after following links) is a regular file, before it is opened.
///
/// # Errors
/// A message (without the path) saying what it is instead, or why it cannot be read.
pub fn check_regular(path: &Path) -> Result<fs::Metadata, String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read file: {e}"))?;
    if meta.is_file() {
        Ok(meta)
    } else if meta.is_dir() {
        Err("is a folder, not a file".into())
    } else {
        Err(format!(
            "{}, not a regular file; not opened",
            describe(&meta.file_type())
        ))
    }
}

/// Whether a file name is hidden (starts with a dot).
pub fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_entered_once_and_files_taken_once() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        fs::create_dir_all(root.join("a/b")).expect("mkdir");
        fs::write(root.join("a/one.txt"), "1").expect("write");
        fs::write(root.join("a/b/two.txt"), "2").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("..", root.join("a/b/up")).expect("link");
            std::os::unix::fs::symlink("one.txt", root.join("a/again.txt")).expect("link");
            std::os::unix::fs::symlink("missing", root.join("a/broken")).expect("link");
        }
        let mut walk = Walk::new();
        let files = walk.files_under(&root.join("a"), &|_| true);
        let names: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(root).expect("inside").display().to_string())
            .collect();
        #[cfg(unix)]
        {
            assert_eq!(names, ["a/again.txt", "a/b/two.txt"]);
            let reasons: Vec<String> = walk.skipped.iter().map(|s| s.to_string()).collect();
            assert_eq!(reasons.len(), 3, "{reasons:?}");
            assert!(
                reasons
                    .iter()
                    .any(|r| r.contains("broken") && r.contains("link"))
            );
            assert!(
                reasons
                    .iter()
                    .any(|r| r.contains("a/b/up") && r.contains("loop"))
            );
            assert!(
                reasons
                    .iter()
                    .any(|r| r.contains("one.txt") && r.contains("read once"))
            );
        }
        #[cfg(not(unix))]
        assert_eq!(names, ["a/b/two.txt", "a/one.txt"]);
        // Listing the same folder again by the same path is not a second visit.
        let mut walk = Walk::new();
        assert!(walk.enter(root));
        assert!(walk.enter(root));
        assert!(walk.list(root).is_ok() && walk.list(root).is_ok());
    }
}
