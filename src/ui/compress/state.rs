//! The Compress tab's state and actions: the settings to try, the running job and the
//! measurements it sent (the float model first, then one row per setting).

use std::path::{Path, PathBuf};

use crate::compress::report;
use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{
    Command, CompressConfig, CompressSetting, CompressionRow, DataSpec, FinishReason, LabEvent,
};
use crate::ui::jobs::{DrainEnd, LAB_EVENTS_PER_FRAME, LabReport, drain};
use crate::ui::widgets::model_fields::ModelFields;
use crate::ui::widgets::status_bar::Status;

/// Everything the Compress tab shows and edits.
pub struct CompressTab {
    /// Model, data and device.
    pub fields: ModelFields,
    /// Try int8 with one scale per tensor.
    pub int8_tensor: bool,
    /// Try int8 with one scale per block.
    pub int8_block: bool,
    /// Try magnitude pruning.
    pub prune: bool,
    /// Fraction of conv/linear weights pruned.
    pub sparsity: f32,
    /// Epochs of masked fine-tuning after pruning.
    pub finetune_epochs: usize,
    /// Folder the compressed models are written to (empty: next to the model).
    pub out_dir_text: String,
    /// Measurements: the float model first, then one per setting.
    pub rows: Vec<CompressionRow>,
    /// Settings done of settings to do.
    pub progress: Option<(usize, usize)>,
    /// How the last run ended.
    pub end: Option<FinishReason>,
    job: Option<JobHandle>,
}

impl CompressTab {
    /// A fresh tab working on `fields`.
    pub fn new(fields: ModelFields) -> Self {
        CompressTab {
            fields,
            int8_tensor: true,
            int8_block: true,
            prune: true,
            sparsity: 0.5,
            finetune_epochs: 0,
            out_dir_text: String::new(),
            rows: Vec::new(),
            progress: None,
            end: None,
            job: None,
        }
    }

    /// Works on the checkpoint at `model`, trained on `data` ("Use in Compress"): the rows
    /// of the previous model are dropped, unless a run is still measuring them.
    pub fn use_checkpoint(&mut self, model: &Path, data: &DataSpec) {
        self.fields.use_checkpoint(model, data);
        if self.job.is_none() {
            self.rows.clear();
            self.progress = None;
            self.end = None;
        }
    }

    /// Whether a compression run is in progress.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// The settings ticked, in the order they run.
    pub fn settings(&self) -> Vec<CompressSetting> {
        let mut out = Vec::new();
        if self.int8_tensor {
            out.push(CompressSetting::Int8 { per_block: false });
        }
        if self.int8_block {
            out.push(CompressSetting::Int8 { per_block: true });
        }
        if self.prune {
            out.push(CompressSetting::Prune {
                sparsity: self.sparsity,
                finetune_epochs: self.finetune_epochs,
            });
        }
        out
    }

    /// One line on what the tab's job does, for the status bar.
    pub fn phase_text(&self) -> String {
        match (&self.job, self.progress) {
            (Some(_), Some((done, total))) => {
                format!("Compressing: {done}/{total} models measured")
            }
            (Some(_), None) => "Compressing: loading…".into(),
            (None, _) => "Idle".into(),
        }
    }

    /// Starts a run with the ticked settings.
    pub fn start(&mut self, wake: Waker, status: &mut Status) {
        let model = match self.fields.model_path() {
            Ok(m) => m,
            Err(message) => return status.fail(message),
        };
        let settings = self.settings();
        if settings.is_empty() {
            return status.fail("Tick at least one compression setting.");
        }
        let out_dir = match self.out_dir_text.trim() {
            "" => model
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from),
            dir => PathBuf::from(dir),
        };
        self.rows.clear();
        self.progress = None;
        self.end = None;
        self.job = Some(report::spawn(
            CompressConfig {
                model,
                data: self.fields.data_spec(),
                settings,
                out_dir,
                device: self.fields.device,
            },
            wake,
        ));
        status.log("Compressing…");
    }

    /// Cancels the run after the current step; the rows so far stay.
    pub fn cancel(&mut self) {
        if let Some(job) = &self.job {
            job.send(Command::Stop);
        }
    }

    /// Takes in what the job sent. Returns true while a job runs.
    pub fn poll(&mut self, status: &mut Status) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
        let mut ended = end == DrainEnd::Disconnected;
        for event in events {
            match LabReport::lab(event) {
                LabReport::Own(LabEvent::Compression(row)) => self.rows.push(row),
                LabReport::Own(LabEvent::Progress { done, total }) => {
                    self.progress = Some((done, total));
                }
                LabReport::Log(line) => status.log(line),
                LabReport::Finished(reason) => {
                    self.end = Some(reason);
                    status.log(match reason {
                        FinishReason::Completed => "Compression done.",
                        FinishReason::Stopped => "Compression cancelled.",
                    });
                    ended = true;
                }
                LabReport::Failed(message) => {
                    status.fail(format!("Compression failed: {message}"));
                    ended = true;
                }
                // The Attack tab's events.
                LabReport::Own(
                    LabEvent::Gallery { .. } | LabEvent::Adversarial(_) | LabEvent::Robustness(_),
                )
                | LabReport::Device(_)
                | LabReport::Ignored => {}
            }
        }
        if ended {
            self.job = None;
        }
        true
    }
}
