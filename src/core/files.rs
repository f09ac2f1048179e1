//! Files written so that a crash or a full disk never leaves a half-written one: the bytes
//! go to a temporary file beside the target, which is then renamed over it; and the checks
//! that an output path can be written, made before the work that produces its contents.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// What failed.
    pub message: String,
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`,
/// so a crash leaves either the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |message: String| WriteError {
        path: path.to_path_buf(),
        message,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io("not a file path".into()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        // Say why in words when the path itself is the problem (a folder, a missing or
        // read-only folder), else the system's message.
        check_output_file(path)
            .err()
            .unwrap_or_else(|| io(e.to_string()))
    })
}

/// Checks, before any work, that a file can be written at `path` (atomically, as
/// [`write_atomic`] does): it names a file, not a folder; its folder exists; and a file
/// can be created in that folder. An existing file is fine (it will be replaced).
///
/// # Errors
/// A [`WriteError`] naming `path` and what is wrong, in one line.
pub fn check_output_file(path: &Path) -> Result<(), WriteError> {
    let fail = |message: String| WriteError {
        path: path.to_path_buf(),
        message,
    };
    let text = path.as_os_str().to_string_lossy();
    if text.is_empty() {
        return Err(fail("the output path is empty".into()));
    }
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return Err(fail(
            "ends with a slash: give a file name, not a folder".into(),
        ));
    }
    if path.is_dir() {
        return Err(fail("is a folder: give a file name inside it".into()));
    }
    if path.file_name().is_none() {
        return Err(fail("is not a file name".into()));
    }
    let dir = parent_dir(path);
    match std::fs::metadata(&dir) {
        Err(_) => {
            return Err(fail(format!("the folder {} does not exist", dir.display())));
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(fail(format!("{} is not a folder", dir.display())));
        }
        Ok(_) => {}
    }
    probe_writable(&dir).map_err(fail)
}

/// Checks, before any work, that files can be written into the folder `path`: it is an
/// existing folder one can write in, or does not exist yet and its nearest existing
/// ancestor is a folder one can write in (it will be created).
///
/// # Errors
/// A [`WriteError`] naming `path` and what is wrong, in one line.
pub fn check_output_dir(path: &Path) -> Result<(), WriteError> {
    let fail = |message: String| WriteError {
        path: path.to_path_buf(),
        message,
    };
    if path.as_os_str().is_empty() {
        return Err(fail("the output folder is empty".into()));
    }
    // The folder itself, or the nearest ancestor that exists.
    let mut existing = path.to_path_buf();
    loop {
        match std::fs::metadata(&existing) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) if existing == path => {
                return Err(fail("is a file, not a folder".into()));
            }
            Ok(_) => {
                return Err(fail(format!(
                    "cannot create the folder: {} is a file",
                    existing.display()
                )));
            }
            Err(_) => match existing.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => {
                    existing = parent.to_path_buf();
                }
                _ => {
                    existing = PathBuf::from(".");
                    break;
                }
            },
        }
    }
    probe_writable(&existing).map_err(fail)
}

/// The folder a file at `path` is written in (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates and removes a probe file in `dir`: the one reliable test that a file can be
/// created there (permissions, read-only file systems, ACLs all count).
fn probe_writable(dir: &Path) -> Result<(), String> {
    let probe = dir.join(format!(".visionlab-probe.{}.tmp", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        // A probe left by a crashed run of this process id: the folder is writable.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!(
            "cannot write in the folder {}: {}",
            dir.display(),
            plain_io_message(&e)
        )),
    }
}

/// An I/O error in words, without the "(os error N)" tail.
fn plain_io_message(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_lowercase(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_are_checked_before_the_work() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("out.png");
        check_output_file(&ok).unwrap();
        assert!(!ok.exists(), "the check writes nothing");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        std::fs::write(&ok, b"old").unwrap();
        check_output_file(&ok).unwrap();

        let missing = dir.path().join("no/such/out.png");
        let err = check_output_file(&missing).unwrap_err().to_string();
        assert!(
            err.contains("out.png") && err.contains("does not exist"),
            "{err}"
        );
        let err = check_output_file(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
        let slash = PathBuf::from(format!("{}/new/", dir.path().display()));
        let err = check_output_file(&slash).unwrap_err().to_string();
        assert!(err.contains("slash"), "{err}");
        let under_file = ok.join("x.png");
        let err = check_output_file(&under_file).unwrap_err().to_string();
        assert!(err.contains("not a folder"), "{err}");
    }

    #[test]
    fn output_folders_are_checked_before_the_work() {
        let dir = tempfile::tempdir().unwrap();
        check_output_dir(dir.path()).unwrap();
        check_output_dir(&dir.path().join("new/deeper")).unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let err = check_output_dir(&file).unwrap_err().to_string();
        assert!(err.contains("is a file"), "{err}");
        let err = check_output_dir(&file.join("sub")).unwrap_err().to_string();
        assert!(err.contains("is a file"), "{err}");
    }

    #[test]
    fn a_failed_write_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("missing/a.bin"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
        let err = write_atomic(dir.path(), b"x").unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
    }
}
