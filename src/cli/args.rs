//! Arguments several subcommands read the same way: a dataset given as a folder or
//! `shapes`.

use std::path::PathBuf;

use crate::core::protocol::DataSpec;

/// The `--data` value that names the built-in shapes.
pub const SHAPES: &str = "shapes";

/// Seed of the built-in shapes that the evaluating subcommands read (`eval`, `attack`,
/// `compress`).
pub const SHAPES_SEED: u64 = 7;

/// `--data`: the built-in shapes (`count` images) or an ImageFolder directory.
pub fn data_spec(data: &str, count: usize) -> DataSpec {
    if data == SHAPES {
        DataSpec::Shapes {
            count,
            seed: SHAPES_SEED,
        }
    } else {
        DataSpec::Folder(PathBuf::from(data))
    }
}

/// `--data` and `--count` over a task's default dataset: a folder replaces it; `shapes`
/// or no `--data` keeps the default's built-in shapes, with `--count` images when given.
/// (`--count` says nothing about a folder.)
pub fn data_spec_over(data: Option<&str>, count: Option<usize>, default: &DataSpec) -> DataSpec {
    let shapes = |default_count: usize, seed: u64| DataSpec::Shapes {
        count: count.unwrap_or(default_count),
        seed,
    };
    match (data, default) {
        (Some(folder), _) if folder != SHAPES => DataSpec::Folder(PathBuf::from(folder)),
        (_, DataSpec::Shapes { count: n, seed }) => shapes(*n, *seed),
        (None, DataSpec::Folder(folder)) => DataSpec::Folder(folder.clone()),
        (Some(_), DataSpec::Folder(_)) => match DataSpec::shapes() {
            DataSpec::Shapes { count: n, seed } => shapes(n, seed),
            folder => folder,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_over_a_default() {
        let default = DataSpec::Shapes {
            count: 4000,
            seed: 7,
        };
        assert_eq!(data_spec_over(None, None, &default), default);
        assert_eq!(
            data_spec_over(Some("shapes"), Some(500), &default),
            DataSpec::Shapes {
                count: 500,
                seed: 7
            }
        );
        assert_eq!(
            data_spec_over(Some("/data/flowers"), Some(500), &default),
            DataSpec::Folder("/data/flowers".into())
        );
        assert_eq!(
            data_spec("shapes", 2000),
            DataSpec::Shapes {
                count: 2000,
                seed: 7
            }
        );
    }
}
