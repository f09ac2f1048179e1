//! Fine-tuning a pretrained backbone, as the three tasks share it: which epochs train the
//! backbone's last stages, at what learning-rate factor, and the line that says so when it
//! starts. The networks themselves apply [`TransferOptions`] (`with_transfer`).

use crate::core::protocol::{DataSpec, ModelKind, Task, TrainConfig};

/// Input side of a detection or segmentation run on the pretrained encoder, on the CPU:
/// small enough that a few hundred photos train in minutes on two cores.
pub const ENCODER_SIDE_CPU: u32 = 160;
/// The same on a GPU.
pub const ENCODER_SIDE_GPU: u32 = 320;

/// Whether `config` trains on the pretrained MobileNetV2 (classification's network, or the
/// encoder of the detector and the U-Net).
pub fn pretrained(config: &TrainConfig) -> bool {
    config.model == ModelKind::MobileNetV2
}

/// The input side a detection or segmentation run on the pretrained encoder takes from a
/// folder when none is set: [`ENCODER_SIDE_CPU`] or [`ENCODER_SIDE_GPU`]. `None` for other
/// runs (the built-in shapes keep their own size; from-scratch networks their defaults).
pub fn encoder_default_side(config: &TrainConfig, gpu: bool) -> Option<u32> {
    let dense = matches!(config.task, Task::Detect | Task::Segment);
    let folder = matches!(config.data, DataSpec::Folder(_));
    (dense && folder && pretrained(config)).then_some(if gpu {
        ENCODER_SIDE_GPU
    } else {
        ENCODER_SIDE_CPU
    })
}

/// `Err` when a detection or segmentation run names a network those tasks do not have
/// (they train their own from scratch, `convnet`, or on the pretrained MobileNetV2's
/// encoder, `mobilenet_v2`).
pub fn check_dense_model(config: &TrainConfig) -> anyhow::Result<()> {
    if matches!(config.task, Task::Detect | Task::Segment) && config.model == ModelKind::ResNet {
        anyhow::bail!(
            "{} trains its own network from scratch (model convnet) or on the pretrained MobileNetV2's encoder (model mobilenet_v2), not {}",
            match config.task {
                Task::Detect => "detection",
                _ => "segmentation",
            },
            config.model.label()
        );
    }
    Ok(())
}

/// The learning-rate factor in 1-based `epoch`: the fine-tuning factor once a pretrained
/// backbone's last stages train, else 1.
pub fn lr_factor(config: &TrainConfig, epoch: usize) -> f64 {
    let transfer = &config.transfer;
    if pretrained(config) && transfer.unfrozen_in(epoch) {
        transfer.unfreeze_lr_factor
    } else {
        1.0
    }
}

/// The log line for the epoch in which the backbone's last stages start to train (`None`
/// in every other epoch).
pub fn unfreeze_note(config: &TrainConfig, epoch: usize) -> Option<String> {
    let transfer = &config.transfer;
    (pretrained(config) && transfer.unfrozen_in(epoch) && !transfer.unfrozen_in(epoch - 1)).then(
        || {
            format!(
                "Epoch {epoch}: the last {} backbone stages now train too, at {}× the learning rate",
                transfer.unfreeze_last, transfer.unfreeze_lr_factor
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::TransferOptions;

    #[test]
    fn the_factor_and_the_note_start_with_the_unfrozen_epoch() {
        let config = TrainConfig {
            model: ModelKind::MobileNetV2,
            transfer: TransferOptions {
                freeze_backbone: true,
                unfreeze_last: 3,
                unfreeze_after: 2,
                unfreeze_lr_factor: 0.1,
            },
            ..TrainConfig::default()
        };
        assert_eq!(lr_factor(&config, 2), 1.0);
        assert_eq!(lr_factor(&config, 3), 0.1);
        assert!(unfreeze_note(&config, 2).is_none());
        assert!(
            unfreeze_note(&config, 3)
                .unwrap()
                .contains("last 3 backbone stages")
        );
        assert!(unfreeze_note(&config, 4).is_none());
        let scratch = TrainConfig {
            model: ModelKind::ConvNet,
            ..config
        };
        assert_eq!(lr_factor(&scratch, 3), 1.0);
        assert!(unfreeze_note(&scratch, 3).is_none());
    }

    #[test]
    fn encoder_runs_on_folders_get_a_size_per_device() {
        let folder = DataSpec::Folder("/data".into());
        let config = |task, model, data: &DataSpec| TrainConfig {
            task,
            model,
            data: data.clone(),
            ..TrainConfig::default()
        };
        let mobile = config(Task::Detect, ModelKind::MobileNetV2, &folder);
        assert_eq!(encoder_default_side(&mobile, false), Some(ENCODER_SIDE_CPU));
        assert_eq!(encoder_default_side(&mobile, true), Some(ENCODER_SIDE_GPU));
        let seg = config(Task::Segment, ModelKind::MobileNetV2, &folder);
        assert_eq!(encoder_default_side(&seg, false), Some(ENCODER_SIDE_CPU));
        let scratch = config(Task::Detect, ModelKind::ConvNet, &folder);
        assert_eq!(encoder_default_side(&scratch, false), None);
        let shapes = config(Task::Detect, ModelKind::MobileNetV2, &DataSpec::shapes());
        assert_eq!(encoder_default_side(&shapes, true), None);
        let classify = config(Task::Classify, ModelKind::MobileNetV2, &folder);
        assert_eq!(encoder_default_side(&classify, false), None);
        for side in [ENCODER_SIDE_CPU, ENCODER_SIDE_GPU] {
            assert_eq!(side % 32, 0);
        }
        let resnet = config(Task::Segment, ModelKind::ResNet, &folder);
        let err = check_dense_model(&resnet).unwrap_err().to_string();
        assert!(err.contains("mobilenet_v2"), "{err}");
        assert!(check_dense_model(&mobile).is_ok());
    }
}
