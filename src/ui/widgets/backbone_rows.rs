//! Rows of a task's settings grid for the network's backbone: detection's and
//! segmentation's choice between their own network from scratch and the pretrained
//! MobileNetV2 encoder, and the fine-tuning choices of a pretrained backbone (frozen, then
//! unfrozen after some epochs) that classification shares.

use egui::{ComboBox, DragValue, Ui};

use crate::core::protocol::{ModelKind, TrainConfig, TransferOptions};

/// The label of the "from scratch" choice and what the pretrained one adds.
pub struct DenseModels {
    /// The task's own network ("CenterNet-style detector, from scratch").
    pub scratch: &'static str,
    /// Hover text of the choice.
    pub hover: &'static str,
}

/// Label of the pretrained-encoder choice.
pub const ENCODER_LABEL: &str = "MobileNetV2 encoder, pretrained";

/// The "Model" row of detection or segmentation: from scratch or on the pretrained
/// encoder; with the encoder, its fine-tuning rows.
pub fn dense_model_rows(
    ui: &mut Ui,
    config: &mut TrainConfig,
    editable: bool,
    models: &DenseModels,
) {
    let label = ui.label("Model");
    let shown = |kind: ModelKind| {
        if kind == ModelKind::MobileNetV2 {
            ENCODER_LABEL
        } else {
            models.scratch
        }
    };
    ui.add_enabled_ui(editable, |ui| {
        ComboBox::from_id_salt("dense-model")
            .selected_text(shown(config.model))
            .width(240.0)
            .show_ui(ui, |ui| {
                // A classifier choice these tasks do not have reads as "from scratch".
                if config.model == ModelKind::ResNet {
                    config.model = ModelKind::ConvNet;
                }
                ui.selectable_value(&mut config.model, ModelKind::ConvNet, models.scratch);
                ui.selectable_value(&mut config.model, ModelKind::MobileNetV2, ENCODER_LABEL)
                    .on_hover_text(
                        "ImageNet MobileNetV2's features at strides 2–32 feed the same heads; images are read at 160 px on the CPU and 320 on a GPU unless an image size is set (multiples of 32)",
                    );
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(models.hover);
    });
    ui.end_row();
    if config.model == ModelKind::MobileNetV2 {
        transfer_rows(ui, &mut config.transfer, editable);
    }
}

/// Fine-tuning choices of a pretrained backbone: freeze it, and unfreeze its last stages
/// after some epochs (at a lower learning rate).
pub fn transfer_rows(ui: &mut Ui, transfer: &mut TransferOptions, editable: bool) {
    ui.label("Backbone");
    ui.add_enabled(
        editable,
        egui::Checkbox::new(&mut transfer.freeze_backbone, "frozen (train the new head)"),
    )
    .on_hover_text("Keep the ImageNet weights and batch-norm statistics; only the head learns");
    ui.end_row();
    let unfreezable = editable && transfer.freeze_backbone;
    ui.label("Then unfreeze");
    ui.horizontal(|ui| {
        ui.add_enabled(
            unfreezable,
            DragValue::new(&mut transfer.unfreeze_last)
                .range(0..=19)
                .suffix(" stages"),
        );
        ui.label("after");
        ui.add_enabled(
            unfreezable,
            DragValue::new(&mut transfer.unfreeze_after)
                .range(0..=1000)
                .suffix(" epochs"),
        );
    })
    .response
    .on_hover_text(
        "The last stages then train too, at a tenth of the learning rate (0 stages: never)",
    );
    ui.end_row();
}
