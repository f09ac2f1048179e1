//! Text files a dataset loader reads (class lists, `data.yaml`, label files, COCO JSON,
//! VOC XML, split lists, CSV): regular files only, UTF-8, with a leading byte-order mark
//! removed. Editors on Windows write a UTF-8 BOM (EF BB BF) at the start of a file; left
//! in, it becomes an invisible first character of the first class name or line, or a
//! misleading parse error.

use std::fs;
use std::path::Path;

use crate::data::walk;

/// The byte-order mark as a character.
pub const BOM: char = '\u{feff}';

/// `text` without a leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// `bytes` without a leading UTF-8 byte-order mark (EF BB BF).
pub fn strip_bom_bytes(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Reads the bytes of a regular file (never a pipe or device), a leading UTF-8 BOM
/// removed.
///
/// # Errors
/// A message (without the path, which the caller adds) when it is not a regular file or
/// cannot be read.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    walk::check_regular(path)?;
    let mut bytes = fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(bytes)
}

/// Reads a regular file as UTF-8 text, a leading BOM removed.
///
/// # Errors
/// A message (without the path) when it is not a regular file, cannot be read or is not
/// UTF-8.
pub fn read_text(path: &Path) -> Result<String, String> {
    String::from_utf8(read_bytes(path)?).map_err(|e| format!("is not UTF-8 text: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_removed_once() {
        assert_eq!(strip_bom("\u{feff}cat\n"), "cat\n");
        assert_eq!(strip_bom("cat"), "cat");
        assert_eq!(strip_bom_bytes(b"\xEF\xBB\xBF{}"), b"{}");
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("classes.txt");
        fs::write(&path, b"\xEF\xBB\xBFcat\ndog\n").expect("write");
        assert_eq!(read_text(&path).expect("read"), "cat\ndog\n");
        assert!(read_text(tmp.path()).unwrap_err().contains("folder"));
        fs::write(&path, b"\xff\xfe").expect("write");
        assert!(read_text(&path).unwrap_err().contains("UTF-8"));
    }
}
