//! The bounds on what a user, a saved setting or a file may ask a run for: input sides, model
//! sizes, hyper-parameters, dataset sizes. [`check_train_config`] checks a whole
//! [`TrainConfig`] against them before any data is read or any network is built; the CLI,
//! the GUI, the training run and the tests all call it, and the model constructors check
//! the model-size bounds again for configs that come from a checkpoint.

use crate::core::protocol::{DataSpec, TrainConfig};

/// The largest side of a network input, in pixels, for every task and every entry point
/// (flags, the GUI, folders, checkpoints).
pub const MAX_INPUT_SIDE: u32 = 1024;

/// The fewest images of the built-in shapes dataset.
pub const MIN_SHAPES_COUNT: usize = 10;

/// The most images of the built-in shapes dataset (the decode budget may allow fewer at a
/// large image size).
pub const MAX_SHAPES_COUNT: usize = 1_000_000;

/// The largest epoch budget.
pub const MAX_EPOCHS: usize = 10_000;

/// The largest batch size.
pub const MAX_BATCH_SIZE: usize = 4096;

/// The most input pixels in one batch (batch size × height × width): 8 images of
/// 1024×1024, 32 of 512×512, 128 of 256×256. Keeps one step's activations within memory.
pub const MAX_BATCH_PIXELS: u64 = 1 << 23;

/// The smallest learning rate.
pub const MIN_LEARNING_RATE: f64 = 1e-8;

/// The largest learning rate.
pub const MAX_LEARNING_RATE: f64 = 10.0;

/// Channels of the U-Net's first stage: at least this many.
pub const MIN_UNET_WIDTH: usize = 1;

/// Channels of the U-Net's first stage: at most this many (the bottleneck has 8×).
pub const MAX_UNET_WIDTH: usize = 64;

/// The most classes (labels, heat-map channels) a network may have.
pub const MAX_CLASSES: usize = 10_000;

/// The most weights a network may hold (the ConvNet's first dense layer grows with the
/// input's area).
pub const MAX_WEIGHTS: usize = 50_000_000;

/// The most backbone stages a pretrained network can unfreeze (MobileNetV2 has 19).
pub const MAX_UNFREEZE_LAST: usize = 19;

/// A setting of a training run, named as the CLI flag and in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `--epochs`.
    Epochs,
    /// `--lr`.
    LearningRate,
    /// `--batch`.
    BatchSize,
    /// `--image-size`.
    ImageSize,
    /// `--val-fraction`.
    ValFraction,
    /// `--count`.
    Count,
    /// `--unet-width`.
    UnetWidth,
    /// `--unfreeze-last`.
    UnfreezeLast,
    /// `--unfreeze-after`.
    UnfreezeAfter,
    /// The learning-rate factor of unfrozen stages.
    UnfreezeLrFactor,
}

impl Setting {
    /// The command-line flag that sets it.
    pub fn flag(self) -> &'static str {
        match self {
            Setting::Epochs => "--epochs",
            Setting::LearningRate => "--lr",
            Setting::BatchSize => "--batch",
            Setting::ImageSize => "--image-size",
            Setting::ValFraction => "--val-fraction",
            Setting::Count => "--count",
            Setting::UnetWidth => "--unet-width",
            Setting::UnfreezeLast => "--unfreeze-last",
            Setting::UnfreezeAfter => "--unfreeze-after",
            Setting::UnfreezeLrFactor => "unfreeze learning-rate factor",
        }
    }

    /// What it is, in words.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Epochs => "the epoch budget",
            Setting::LearningRate => "the learning rate",
            Setting::BatchSize => "the batch size",
            Setting::ImageSize => "the image size",
            Setting::ValFraction => "the validation fraction",
            Setting::Count => "the number of built-in shapes images",
            Setting::UnetWidth => "the U-Net width",
            Setting::UnfreezeLast => "the number of stages to unfreeze",
            Setting::UnfreezeAfter => "the epochs before unfreezing",
            Setting::UnfreezeLrFactor => "the learning-rate factor of unfrozen stages",
        }
    }
}

/// A setting outside its range: says which, the value and what is allowed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{} {value} is out of range: {} must be {allowed}", .setting.flag(), .setting.label())]
pub struct OutOfRange {
    /// The setting.
    pub setting: Setting,
    /// Its value as given.
    pub value: String,
    /// The allowed range, in words ("between 1 and 10000").
    pub allowed: String,
}

impl OutOfRange {
    /// The same problem said of a setting read from a file (a checkpoint): names the file
    /// and the setting in words, not the flag.
    pub fn in_file(&self, path: &std::path::Path) -> String {
        format!(
            "{}: {} {} is out of range: it must be {}",
            path.display(),
            self.setting.label(),
            self.value,
            self.allowed
        )
    }
}

/// `Ok` when `value` is in `min..=max`.
fn int_in(setting: Setting, value: u64, min: u64, max: u64) -> Result<(), OutOfRange> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    Err(OutOfRange {
        setting,
        value: value.to_string(),
        allowed: format!("between {min} and {max}"),
    })
}

/// Checks the epoch budget: 1 to [`MAX_EPOCHS`].
pub fn check_epochs(epochs: usize) -> Result<(), OutOfRange> {
    int_in(Setting::Epochs, epochs as u64, 1, MAX_EPOCHS as u64)
}

/// Checks a batch size: 1 to [`MAX_BATCH_SIZE`].
pub fn check_batch_size(batch_size: usize) -> Result<(), OutOfRange> {
    int_in(
        Setting::BatchSize,
        batch_size as u64,
        1,
        MAX_BATCH_SIZE as u64,
    )
}

/// Checks a requested input side: 1 to [`MAX_INPUT_SIDE`] (a task may need more, e.g. a
/// multiple of 8; its loader says so).
pub fn check_image_size(side: u32) -> Result<(), OutOfRange> {
    int_in(
        Setting::ImageSize,
        u64::from(side),
        1,
        u64::from(MAX_INPUT_SIDE),
    )
}

/// Checks the U-Net width: [`MIN_UNET_WIDTH`] to [`MAX_UNET_WIDTH`].
pub fn check_unet_width(width: usize) -> Result<(), OutOfRange> {
    int_in(
        Setting::UnetWidth,
        width as u64,
        MIN_UNET_WIDTH as u64,
        MAX_UNET_WIDTH as u64,
    )
}

/// Checks the number of built-in shapes images: [`MIN_SHAPES_COUNT`] to
/// [`MAX_SHAPES_COUNT`] (the loader also holds them to the decode budget).
pub fn check_shapes_count(count: usize) -> Result<(), OutOfRange> {
    int_in(
        Setting::Count,
        count as u64,
        MIN_SHAPES_COUNT as u64,
        MAX_SHAPES_COUNT as u64,
    )
}

/// Checks a learning rate: finite, [`MIN_LEARNING_RATE`] to [`MAX_LEARNING_RATE`].
pub fn check_learning_rate(learning_rate: f64) -> Result<(), OutOfRange> {
    if learning_rate.is_finite() && (MIN_LEARNING_RATE..=MAX_LEARNING_RATE).contains(&learning_rate)
    {
        return Ok(());
    }
    Err(OutOfRange {
        setting: Setting::LearningRate,
        value: learning_rate.to_string(),
        allowed: format!("a number between {MIN_LEARNING_RATE:e} and {MAX_LEARNING_RATE}"),
    })
}

/// Checks a validation fraction: at least 0 and below 1 (as for folders).
pub fn check_val_fraction(fraction: f32) -> Result<(), OutOfRange> {
    if (0.0..1.0).contains(&fraction) {
        return Ok(());
    }
    Err(OutOfRange {
        setting: Setting::ValFraction,
        value: fraction.to_string(),
        allowed: "a number at least 0 and below 1".into(),
    })
}

/// Checks that one batch of `batch_size` images of `height × width` stays within
/// [`MAX_BATCH_PIXELS`]; the error names the batch size and says the largest that fits.
pub fn check_batch_pixels(batch_size: usize, height: u32, width: u32) -> Result<(), OutOfRange> {
    let per_image = u64::from(height.max(1)) * u64::from(width.max(1));
    if (batch_size as u64).saturating_mul(per_image) <= MAX_BATCH_PIXELS {
        return Ok(());
    }
    let most = (MAX_BATCH_PIXELS / per_image).max(1);
    Err(OutOfRange {
        setting: Setting::BatchSize,
        value: batch_size.to_string(),
        allowed: format!(
            "at most {most} for {height}×{width} images (a batch holds at most {MAX_BATCH_PIXELS} input pixels)"
        ),
    })
}

/// Checks every numeric setting of a training run, before anything is read or built:
/// epochs, learning rate, batch size (also against the image size when one is given),
/// image size, validation fraction, the shapes count, the U-Net width and the transfer
/// options. The first setting out of range is the error.
pub fn check_train_config(config: &TrainConfig) -> Result<(), OutOfRange> {
    check_epochs(config.epochs)?;
    check_learning_rate(config.learning_rate)?;
    check_batch_size(config.batch_size)?;
    if let Some(side) = config.image_size {
        check_image_size(side)?;
        check_batch_pixels(config.batch_size, side, side)?;
    }
    check_val_fraction(config.val_fraction)?;
    if let DataSpec::Shapes { count, .. } = config.data {
        check_shapes_count(count)?;
    }
    check_unet_width(config.unet_width)?;
    let transfer = &config.transfer;
    int_in(
        Setting::UnfreezeLast,
        transfer.unfreeze_last as u64,
        0,
        MAX_UNFREEZE_LAST as u64,
    )?;
    int_in(
        Setting::UnfreezeAfter,
        transfer.unfreeze_after as u64,
        0,
        MAX_EPOCHS as u64,
    )?;
    let factor = transfer.unfreeze_lr_factor;
    if !(factor.is_finite() && factor > 0.0 && factor <= 1.0) {
        return Err(OutOfRange {
            setting: Setting::UnfreezeLrFactor,
            value: factor.to_string(),
            allowed: "a number above 0 and at most 1".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(config: TrainConfig) -> String {
        check_train_config(&config).unwrap_err().to_string()
    }

    #[test]
    fn the_default_config_is_in_range() {
        assert_eq!(check_train_config(&TrainConfig::default()), Ok(()));
    }

    #[test]
    fn each_setting_out_of_range_is_named_with_its_range() {
        let base = TrainConfig::default;
        assert_eq!(
            message(TrainConfig {
                epochs: 0,
                ..base()
            }),
            "--epochs 0 is out of range: the epoch budget must be between 1 and 10000"
        );
        assert!(
            message(TrainConfig {
                learning_rate: -1.0,
                ..base()
            })
            .starts_with("--lr -1 is out of range")
        );
        for lr in [f64::NAN, f64::INFINITY, 0.0, 11.0] {
            let text = message(TrainConfig {
                learning_rate: lr,
                ..base()
            });
            assert!(text.starts_with("--lr "), "{text}");
        }
        for fraction in [1.0, -0.5, f32::NAN, f32::INFINITY] {
            let text = message(TrainConfig {
                val_fraction: fraction,
                ..base()
            });
            assert!(
                text.starts_with("--val-fraction ") && text.contains("below 1"),
                "{text}"
            );
        }
        assert!(
            message(TrainConfig {
                image_size: Some(100_000),
                ..base()
            })
            .contains("--image-size 100000 is out of range")
        );
        assert!(
            message(TrainConfig {
                unet_width: 0,
                ..base()
            })
            .contains("--unet-width 0 is out of range: the U-Net width must be between 1 and 64")
        );
        assert!(
            message(TrainConfig {
                data: DataSpec::Shapes {
                    count: 100_000_000,
                    seed: 1
                },
                ..base()
            })
            .contains("--count 100000000")
        );
        assert!(
            message(TrainConfig {
                batch_size: 64,
                image_size: Some(1024),
                ..base()
            })
            .contains("at most 8 for 1024×1024 images")
        );
    }

    #[test]
    fn a_file_names_itself_and_the_setting_in_words() {
        let err = check_unet_width(0).unwrap_err();
        assert_eq!(
            err.in_file(std::path::Path::new("/tmp/a.vlck")),
            "/tmp/a.vlck: the U-Net width 0 is out of range: it must be between 1 and 64"
        );
    }
}
