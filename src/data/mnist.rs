//! MNIST-style data: CSV (gzip or plain) and IDX files, and writing them out as an
//! ImageFolder.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::GzDecoder;

use crate::data::image_folder::save_png;

use crate::data::image_folder::stratified_split;
use crate::data::{DataError, Image, LabeledImage};

/// Fashion-MNIST's class names, index = label.
pub const FASHION_CLASSES: [&str; 10] = [
    "t-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle-boot",
];

/// Largest class label accepted from a file.
const MAX_LABEL: usize = 65_535;

fn file_error(path: &Path, message: impl Into<String>) -> DataError {
    DataError::File {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Opens a file, decompressing it when it starts with the gzip magic bytes.
fn open_maybe_gz(path: &Path) -> Result<Box<dyn Read>, DataError> {
    let mut file = BufReader::new(
        File::open(path).map_err(|e| file_error(path, format!("cannot open: {e}")))?,
    );
    let head = file
        .fill_buf()
        .map_err(|e| file_error(path, format!("cannot read: {e}")))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(GzDecoder::new(file))))
    } else {
        Ok(Box::new(file))
    }
}

/// Reads an MNIST-style CSV (gzip-compressed or plain): one image a row, the pixels
/// (0..=255, row-major, a square number of them, 784 for 28×28) and the label.
///
/// The label is the last column, unless a header row names a column `label` (a first
/// row that is not all numbers is a header). Images are grey.
///
/// # Errors
/// [`DataError::File`] naming the file and the line (and column) that is wrong.
pub fn read_csv_gz(path: &Path) -> Result<Vec<LabeledImage>, DataError> {
    let reader = BufReader::new(open_maybe_gz(path)?);
    let mut label_col: Option<usize> = None;
    let mut columns: Option<usize> = None;
    let mut side = 0u32;
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line_no = n + 1;
        let line =
            line.map_err(|e| file_error(path, format!("line {line_no}: cannot read: {e}")))?;
        // A leading byte-order mark would make the first row look like a header.
        let line = crate::data::text::strip_bom(line.trim_start()).trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if columns.is_none() && fields.iter().any(|f| f.parse::<f64>().is_err()) {
            // A first row that is not all numbers is a header.
            label_col = fields.iter().position(|f| f.eq_ignore_ascii_case("label"));
            side = square_side(fields.len().saturating_sub(1)).ok_or_else(|| {
                file_error(
                    path,
                    format!(
                        "line {line_no}: header has {} columns; expected a square number of pixels plus a label (785 for 28×28)",
                        fields.len()
                    ),
                )
            })?;
            columns = Some(fields.len());
            continue;
        }
        let expected = match columns {
            Some(c) => c,
            None => {
                side = square_side(fields.len().saturating_sub(1)).ok_or_else(|| {
                    file_error(
                        path,
                        format!(
                            "line {line_no}: {} columns; expected a square number of pixels plus a label (785 for 28×28)",
                            fields.len()
                        ),
                    )
                })?;
                columns = Some(fields.len());
                fields.len()
            }
        };
        if fields.len() != expected {
            return Err(file_error(
                path,
                format!(
                    "line {line_no}: {} columns, expected {expected} like the first row",
                    fields.len()
                ),
            ));
        }
        let lc = label_col.unwrap_or(expected - 1);
        let mut pixels = Vec::with_capacity(expected - 1);
        let mut label = 0usize;
        for (col, field) in fields.iter().enumerate() {
            if col == lc {
                label = field
                    .parse::<usize>()
                    .ok()
                    .filter(|&l| l <= MAX_LABEL)
                    .ok_or_else(|| {
                        file_error(
                            path,
                            format!(
                                "line {line_no}, column {}: label '{field}' is not a class number 0..={MAX_LABEL}",
                                col + 1
                            ),
                        )
                    })?;
            } else {
                let v = parse_pixel(field).ok_or_else(|| {
                    file_error(
                        path,
                        format!(
                            "line {line_no}, column {}: '{field}' is not a pixel value 0..=255",
                            col + 1
                        ),
                    )
                })?;
                pixels.push(v);
            }
        }
        out.push(LabeledImage {
            image: Image {
                width: side,
                height: side,
                channels: 1,
                pixels,
            },
            label,
        });
    }
    if out.is_empty() {
        return Err(file_error(path, "no data rows"));
    }
    Ok(out)
}

/// A pixel: an integer 0..=255 (a float with no fraction, like `12.0`, is accepted).
fn parse_pixel(field: &str) -> Option<u8> {
    if let Ok(v) = field.parse::<u8>() {
        return Some(v);
    }
    let f = field.parse::<f64>().ok()?;
    if f.fract() == 0.0 && (0.0..=255.0).contains(&f) {
        Some(f as u8)
    } else {
        None
    }
}

/// `Some(s)` when `n == s * s` and `n > 0`.
fn square_side(n: usize) -> Option<u32> {
    if n == 0 {
        return None;
    }
    let s = (n as f64).sqrt().round() as usize;
    (s * s == n).then_some(s as u32)
}

fn read_all(path: &Path) -> Result<Vec<u8>, DataError> {
    let mut bytes = Vec::new();
    open_maybe_gz(path)?.read_to_end(&mut bytes).map_err(|e| {
        file_error(
            path,
            format!("offset {}: cannot read or decompress: {e}", bytes.len()),
        )
    })?;
    Ok(bytes)
}

fn be_u32(bytes: &[u8], offset: usize, path: &Path) -> Result<u32, DataError> {
    bytes
        .get(offset..offset + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| {
            file_error(
                path,
                format!(
                    "offset {offset}: file ends early ({} bytes) inside the IDX header",
                    bytes.len()
                ),
            )
        })
}

/// Reads an IDX image file and label file (gzip-compressed or plain), as published for
/// MNIST and Fashion-MNIST (`*-images-idx3-ubyte.gz`, `*-labels-idx1-ubyte.gz`).
///
/// # Errors
/// [`DataError::File`] naming the file and the byte offset that is wrong, or when the
/// two files hold different numbers of items.
pub fn read_idx(images_gz: &Path, labels_gz: &Path) -> Result<Vec<LabeledImage>, DataError> {
    let images = read_all(images_gz)?;
    let labels = read_all(labels_gz)?;

    let magic = be_u32(&images, 0, images_gz)?;
    if magic != 0x0000_0803 {
        return Err(file_error(
            images_gz,
            format!("offset 0: magic number {magic:#010x} is not an IDX image file (0x00000803)"),
        ));
    }
    let count = be_u32(&images, 4, images_gz)? as usize;
    let rows = be_u32(&images, 8, images_gz)?;
    let cols = be_u32(&images, 12, images_gz)?;
    let per_image = (rows as usize).saturating_mul(cols as usize);
    if rows == 0 || cols == 0 || per_image > 16_777_216 {
        return Err(file_error(
            images_gz,
            format!("offset 8: image size {rows}×{cols} is not usable"),
        ));
    }
    let needed = count
        .checked_mul(per_image)
        .and_then(|n| n.checked_add(16))
        .unwrap_or(usize::MAX);
    if images.len() < needed {
        return Err(file_error(
            images_gz,
            format!(
                "offset {}: file ends early: the header announces {count} images of {rows}×{cols} ({needed} bytes) but it holds {} bytes",
                images.len(),
                images.len()
            ),
        ));
    }

    let magic = be_u32(&labels, 0, labels_gz)?;
    if magic != 0x0000_0801 {
        return Err(file_error(
            labels_gz,
            format!("offset 0: magic number {magic:#010x} is not an IDX label file (0x00000801)"),
        ));
    }
    let label_count = be_u32(&labels, 4, labels_gz)? as usize;
    if label_count != count {
        return Err(file_error(
            labels_gz,
            format!(
                "offset 4: {label_count} labels, but {} holds {count} images",
                images_gz.display()
            ),
        ));
    }
    if labels.len() < 8 + count {
        return Err(file_error(
            labels_gz,
            format!(
                "offset {}: file ends early: expected {count} labels ({} bytes)",
                labels.len(),
                8 + count
            ),
        ));
    }

    Ok((0..count)
        .map(|i| {
            let start = 16 + i * per_image;
            LabeledImage {
                image: Image {
                    width: cols,
                    height: rows,
                    channels: 1,
                    pixels: images[start..start + per_image].to_vec(),
                },
                label: usize::from(labels[8 + i]),
            }
        })
        .collect())
}

/// Writes labelled images as an ImageFolder: `DIR/train/<class>/N.png` and
/// `DIR/test/<class>/N.png` (`N` is the item index; a seeded stratified `test_fraction`
/// of each class goes to `test/`). Returns the number of files written.
///
/// # Errors
/// [`DataError::Invalid`] when a label has no class name, a class name is not a valid
/// folder name or the fraction is out of range; [`DataError::File`] naming a file that
/// cannot be written.
pub fn write_image_folder(
    items: &[LabeledImage],
    class_names: &[String],
    dir: &Path,
    test_fraction: f32,
    seed: u64,
) -> Result<usize, DataError> {
    if !(0.0..1.0).contains(&test_fraction) {
        return Err(DataError::Invalid(format!(
            "test fraction {test_fraction} is out of range: it must be at least 0 and below 1"
        )));
    }
    for name in class_names {
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.starts_with('.')
            || name.contains(['/', '\\', '\0'])
        {
            return Err(DataError::Invalid(format!(
                "class name '{name}' cannot be used as a folder name"
            )));
        }
    }
    if let Some((i, item)) = items
        .iter()
        .enumerate()
        .find(|(_, it)| it.label >= class_names.len())
    {
        return Err(DataError::Invalid(format!(
            "item {i} has label {} but only {} class names were given",
            item.label,
            class_names.len()
        )));
    }
    let labels: Vec<usize> = items.iter().map(|it| it.label).collect();
    let is_test = stratified_split(&labels, class_names.len(), test_fraction, seed);
    for (i, (item, test)) in items.iter().zip(&is_test).enumerate() {
        let split = if *test { "test" } else { "train" };
        let path = dir
            .join(split)
            .join(&class_names[item.label])
            .join(format!("{i}.png"));
        save_png(&path, &item.image)?;
    }
    Ok(items.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write_gz(path: &Path, bytes: &[u8]) {
        let file = File::create(path).expect("test file");
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        enc.write_all(bytes).expect("write");
        enc.finish().expect("finish");
    }

    fn row(label: usize, value: u8) -> String {
        let mut fields: Vec<String> = (0..4).map(|_| value.to_string()).collect();
        fields.push(label.to_string());
        fields.join(",")
    }

    #[test]
    fn csv_without_and_with_header() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = dir.path().join("a.csv");
        std::fs::write(&plain, format!("{}\n{}\n", row(3, 7), row(1, 255))).expect("write");
        let items = read_csv_gz(&plain).expect("read");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].label, 3);
        assert_eq!((items[0].image.width, items[0].image.height), (2, 2));
        assert_eq!(items[1].image.pixels, vec![255; 4]);

        let gz = dir.path().join("b.csv.gz");
        write_gz(&gz, b"label,p0,p1,p2,p3\n4,1,2,3,4\n");
        let items = read_csv_gz(&gz).expect("read gz");
        assert_eq!(items[0].label, 4);
        assert_eq!(items[0].image.pixels, vec![1, 2, 3, 4]);
    }

    #[test]
    fn csv_errors_name_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, format!("{}\n1,2,300,4,5\n", row(0, 1))).expect("write");
        let msg = read_csv_gz(&bad)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("bad.csv") && msg.contains("line 2"), "{msg}");
        std::fs::write(&bad, format!("{}\n1,2,3\n", row(0, 1))).expect("write");
        let msg = read_csv_gz(&bad)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("line 2") && msg.contains("columns"), "{msg}");
        let missing = read_csv_gz(&dir.path().join("none.csv.gz"));
        assert!(matches!(missing, Err(DataError::File { .. })));
    }

    #[test]
    fn idx_round_trip_and_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut img = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3];
        img.extend(0..12u8);
        let mut lab = vec![0, 0, 8, 1, 0, 0, 0, 2];
        lab.extend([5, 9]);
        let ip = dir.path().join("i.gz");
        let lp = dir.path().join("l.gz");
        write_gz(&ip, &img);
        write_gz(&lp, &lab);
        let items = read_idx(&ip, &lp).expect("idx");
        assert_eq!(items.len(), 2);
        assert_eq!((items[1].image.width, items[1].image.height), (3, 2));
        assert_eq!(items[1].image.pixels, (6..12).collect::<Vec<u8>>());
        assert_eq!(items[1].label, 9);

        write_gz(&ip, &img[..20]);
        let msg = read_idx(&ip, &lp)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("i.gz") && msg.contains("offset"), "{msg}");
        let msg = read_idx(&lp, &lp)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("magic"), "{msg}");
    }

    #[test]
    fn write_folder_splits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let items: Vec<LabeledImage> = (0..20)
            .map(|i| LabeledImage {
                image: Image {
                    width: 3,
                    height: 3,
                    channels: 1,
                    pixels: vec![i as u8; 9],
                },
                label: i % 2,
            })
            .collect();
        let names = vec!["even".to_string(), "odd".to_string()];
        let n = write_image_folder(&items, &names, dir.path(), 0.2, 1).expect("write");
        assert_eq!(n, 20);
        let count = |p: &str| {
            std::fs::read_dir(dir.path().join(p))
                .map(|d| d.count())
                .unwrap_or(0)
        };
        assert_eq!(count("test/even"), 2);
        assert_eq!(count("train/odd"), 8);
        let bad = write_image_folder(&items, &names[..1], dir.path(), 0.2, 1);
        assert!(matches!(bad, Err(DataError::Invalid(_))));
    }
}
