//! The Runs tab's state: the runs folder and its recorded runs (read on a thread of their
//! own, so a folder of hundreds of runs never holds up a frame), the table's filters, sort
//! and ticks, the selected run's name and note being edited, and what the tab asks of the
//! app (open a checkpoint, run again, use another runs folder).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::core::job::Waker;
use crate::core::protocol::{DataSpec, TrainConfig};
use crate::train::checkpoint::task_from_key;
use crate::train::record::metric_name;
use crate::train::run_folder::{BEST, LAST};
use crate::train::runs::{LoadedRun, delete_run, differing_keys, edit_info, list_runs};
use crate::ui::settings::XAxis;
use crate::ui::widgets::dialogs::{DialogKind, PendingDialog, poll_slot};
use crate::ui::widgets::status_bar::Status;

/// A column of the runs table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// The run's name (given, else its folder's).
    Name,
    /// Its task.
    Task,
    /// Its data.
    Data,
    /// Its network.
    Model,
    /// A setting that differs between the runs shown.
    Setting(String),
    /// The best epoch's validation metric.
    Best,
    /// The last epoch's validation metric.
    Final,
    /// Start to end.
    Duration,
    /// How it stands.
    Status,
}

impl Column {
    /// The header's text.
    pub fn title(&self) -> String {
        match self {
            Column::Name => "Name".into(),
            Column::Task => "Task".into(),
            Column::Data => "Data".into(),
            Column::Model => "Model".into(),
            Column::Setting(key) => short_key(key).into(),
            Column::Best => "Best".into(),
            Column::Final => "Final".into(),
            Column::Duration => "Duration".into(),
            Column::Status => "Status".into(),
        }
    }
}

/// A setting's name as a header or legend shows it (`learning_rate` → `lr`,
/// `transfer.freeze_backbone` → `freeze_backbone`).
pub fn short_key(key: &str) -> &str {
    match key {
        "learning_rate" => "lr",
        "batch_size" => "batch",
        "image_size" => "size",
        "val_fraction" => "val",
        other => other.rsplit('.').next().unwrap_or(other),
    }
}

/// What is shown under the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    /// The selected run: its record, rename, note and actions.
    #[default]
    Details,
    /// The ticked runs' curves overlaid.
    Compare,
    /// A hyperparameter against the metric, one point per run shown.
    Hyperparameters,
}

/// Which epoch's metric the hyperparameter view plots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MetricChoice {
    /// The last epoch's.
    #[default]
    Final,
    /// The best epoch's.
    Best,
}

/// What the table shows: the filters and the sort.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Only runs of this task.
    pub task: Option<String>,
    /// Only runs of this data.
    pub data: Option<String>,
    /// Only runs whose name, note, data or settings contain this (any case).
    pub text: String,
    /// The column sorted by and whether descending; `None`: newest first.
    pub sort: Option<(Column, bool)>,
}

/// What the Runs tab asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum RunsAction {
    /// Show the run's task tab with its settings and `checkpoint` in its path field.
    Open {
        /// The run's config.
        config: TrainConfig,
        /// Its best (else last) checkpoint.
        checkpoint: PathBuf,
        /// The run's name, for the status line.
        name: String,
    },
    /// Fill the task tab's training panel with the run's settings and show it.
    RunAgain {
        /// The run's config.
        config: TrainConfig,
        /// The run's name, for the status line.
        name: String,
    },
}

/// One recorded run and what the table shows of it, made once when it is read.
#[derive(Clone, Debug)]
pub struct RunRow {
    /// The run as read.
    pub run: LoadedRun,
    /// Its settings, flattened ([`LoadedRun::settings`]).
    pub settings: BTreeMap<String, String>,
    /// Its task's key.
    pub task: String,
    /// Its data, in words.
    pub data: String,
    /// Its network.
    pub model: String,
    /// The name of its validation metric (`accuracy`, `mIoU`, `mAP@0.5`).
    pub metric: String,
    /// The best epoch's validation metric.
    pub best: Option<f32>,
    /// The last epoch's validation metric.
    pub last: Option<f32>,
    /// Seconds from start to end.
    pub duration: Option<f64>,
    /// How it stands, in words.
    pub status: String,
    /// Lower-case text the free-text filter searches.
    haystack: String,
}

impl RunRow {
    /// The row of `run`.
    pub fn new(run: LoadedRun) -> Self {
        let settings = run.settings();
        let task = run.task();
        let info = run.info.as_ref();
        let data = info
            .map(|i| i.data.clone())
            .filter(|d| !d.is_empty())
            .or_else(|| {
                let data = run.config.as_ref()?.get("data")?.clone();
                serde_json::from_value::<DataSpec>(data)
                    .ok()
                    .map(|d| d.describe())
            })
            .unwrap_or_default();
        let model = info
            .map(|i| i.model.clone())
            .filter(|m| !m.is_empty())
            .or_else(|| settings.get("model").cloned())
            .unwrap_or_default();
        let metric_key = info
            .map(|i| i.metric.clone())
            .filter(|m| !m.is_empty())
            .or_else(|| task_from_key(&task).map(|t| metric_name(t).to_string()))
            .unwrap_or_default();
        let metric = metric_label(&metric_key).to_string();
        let best = run.best().or(info.and_then(|i| i.best.as_ref()));
        let last = run.last().or(info.and_then(|i| i.last.as_ref()));
        let mut row = RunRow {
            best: best.map(|e| e.val_metric),
            last: last.map(|e| e.val_metric),
            duration: run.duration(),
            status: run.status(),
            settings,
            task,
            data,
            model,
            metric,
            haystack: String::new(),
            run,
        };
        row.make_haystack();
        row
    }

    fn make_haystack(&mut self) {
        let mut text = format!(
            "{}\n{}\n{}\n{}\n{}",
            self.run.name,
            self.run.display_name(),
            self.run.note(),
            self.data,
            self.model
        );
        for (key, value) in &self.settings {
            text.push_str(&format!("\n{key}={value}"));
        }
        self.haystack = text.to_lowercase();
    }

    /// Whether the row passes `filter`.
    pub fn matches(&self, filter: &Filter) -> bool {
        filter.task.as_ref().is_none_or(|t| *t == self.task)
            && filter.data.as_ref().is_none_or(|d| *d == self.data)
            && (filter.text.trim().is_empty()
                || self.haystack.contains(&filter.text.trim().to_lowercase()))
    }

    /// The run's metric for the hyperparameter view.
    pub fn metric_of(&self, choice: MetricChoice) -> Option<f32> {
        match choice {
            MetricChoice::Final => self.last,
            MetricChoice::Best => self.best,
        }
        .filter(|v| v.is_finite())
    }
}

/// A validation metric's name as the table shows it.
pub fn metric_label(key: &str) -> &str {
    match key {
        "val_accuracy" => "accuracy",
        "val_miou" => "mIoU",
        "val_map50" => "mAP@0.5",
        other => other.strip_prefix("val_").unwrap_or(other),
    }
}

/// Orders `a` and `b` by `column` (missing values last).
pub fn compare_rows(a: &RunRow, b: &RunRow, column: &Column) -> Ordering {
    let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
    match column {
        Column::Name => text(a.run.display_name(), b.run.display_name()),
        Column::Task => text(&a.task, &b.task),
        Column::Data => text(&a.data, &b.data),
        Column::Model => text(&a.model, &b.model),
        Column::Status => text(&a.status, &b.status),
        Column::Setting(key) => compare_values(a.settings.get(key), b.settings.get(key)),
        Column::Best => compare_numbers(a.best.map(f64::from), b.best.map(f64::from)),
        Column::Final => compare_numbers(a.last.map(f64::from), b.last.map(f64::from)),
        Column::Duration => compare_numbers(a.duration, b.duration),
    }
}

fn compare_numbers(a: Option<f64>, b: Option<f64>) -> Ordering {
    let a = a.filter(|v| v.is_finite());
    let b = b.filter(|v| v.is_finite());
    match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Two settings' values: as numbers when both are, else as text.
fn compare_values(a: Option<&String>, b: Option<&String>) -> Ordering {
    let number = |v: Option<&String>| v.and_then(|v| v.parse::<f64>().ok());
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => match (a, b) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    }
}

/// The runs folder being read.
struct Loading {
    answer: Receiver<(Vec<RunRow>, Duration)>,
}

/// The Runs tab.
#[derive(Default)]
pub struct RunsTab {
    /// The runs folder listed (the app's runs root).
    root: Option<PathBuf>,
    /// Text of the "Runs folder" field.
    pub root_text: String,
    /// The folder the user chose (remembered; empty: the default).
    pub chosen_folder: String,
    new_root: Option<PathBuf>,
    rows: Vec<RunRow>,
    loading: Option<Loading>,
    /// How long the last read of the folder took.
    pub loaded_in: Option<Duration>,
    /// Reads of the folder completed.
    pub loads: usize,
    /// The filters and the sort, as edited.
    pub filter: Filter,
    view_for: Option<Filter>,
    view: Vec<usize>,
    differing: Vec<String>,
    choices: (Vec<String>, Vec<String>),
    /// The ticked runs' folders (compared).
    pub ticked: BTreeSet<PathBuf>,
    selected: Option<PathBuf>,
    /// The name field of the selected run.
    pub name_text: String,
    /// The note field of the selected run.
    pub note_text: String,
    /// The run whose deletion is being asked about.
    pub confirm_delete: Option<PathBuf>,
    /// What is shown under the table.
    pub pane: Pane,
    /// The compare plots' x axis.
    pub x_axis: XAxis,
    /// The hyperparameter plotted (empty: the first that differs).
    pub hparam: String,
    /// Which metric the hyperparameter view plots.
    pub hparam_metric: MetricChoice,
    dialog: Option<PendingDialog>,
    action: Option<RunsAction>,
}

impl RunsTab {
    /// Lists `root` from now on (the app's runs root); read at the next refresh.
    pub fn set_root(&mut self, root: Option<PathBuf>) {
        self.root_text = root
            .as_ref()
            .map(|r| r.display().to_string())
            .unwrap_or_default();
        self.root = root;
    }

    /// The folder listed.
    pub fn root(&self) -> Option<&std::path::Path> {
        self.root.as_deref()
    }

    /// The user chose `folder` as the runs folder: the app keeps new runs there too.
    pub fn choose_root(&mut self, folder: PathBuf) {
        self.chosen_folder = folder.display().to_string();
        self.set_root(Some(folder.clone()));
        self.new_root = Some(folder);
    }

    /// A runs folder the user chose since the last call.
    pub fn take_new_root(&mut self) -> Option<PathBuf> {
        self.new_root.take()
    }

    /// Reads the runs folder again, on a thread of its own (`wake` repaints when done).
    pub fn refresh(&mut self, wake: Waker, status: &mut Status) {
        let Some(root) = self.root.clone() else {
            self.rows.clear();
            self.view_for = None;
            return;
        };
        let (sender, answer) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("runs-list".into())
            .spawn(move || {
                let began = Instant::now();
                let rows: Vec<RunRow> = list_runs(&root).into_iter().map(RunRow::new).collect();
                // The tab may have asked again meanwhile; then nobody needs this answer.
                let _ = sender.send((rows, began.elapsed()));
                wake();
            });
        match spawned {
            Ok(_) => self.loading = Some(Loading { answer }),
            Err(e) => status.fail(format!("Could not read the runs folder: {e}")),
        }
    }

    /// Whether the folder is being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Takes the read runs when they have come; true while still reading.
    pub fn poll(&mut self, status: &mut Status) -> bool {
        self.poll_dialog(status);
        let Some(loading) = &self.loading else {
            return false;
        };
        match loading.answer.try_recv() {
            Ok((rows, took)) => {
                self.loading = None;
                self.loaded_in = Some(took);
                self.loads += 1;
                self.take_rows(rows);
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => {
                self.loading = None;
                status.fail("Reading the runs folder failed");
                false
            }
        }
    }

    fn take_rows(&mut self, rows: Vec<RunRow>) {
        self.rows = rows;
        let mut tasks: Vec<String> = self.rows.iter().map(|r| r.task.clone()).collect();
        let mut data: Vec<String> = self.rows.iter().map(|r| r.data.clone()).collect();
        for list in [&mut tasks, &mut data] {
            list.sort();
            list.dedup();
        }
        self.choices = (tasks, data);
        let dirs: BTreeSet<PathBuf> = self.rows.iter().map(|r| r.run.dir.clone()).collect();
        self.ticked.retain(|d| dirs.contains(d));
        if self.selected.as_ref().is_some_and(|d| !dirs.contains(d)) {
            self.selected = None;
        }
        self.view_for = None;
    }

    /// All runs read, newest first.
    pub fn rows(&self) -> &[RunRow] {
        &self.rows
    }

    /// Makes the shown rows (filtered, sorted) and their differing settings again when
    /// the filters, the sort or the runs changed since the last call.
    pub fn update_view(&mut self) {
        if self.view_for.as_ref() == Some(&self.filter) {
            return;
        }
        // Only the sort changed: the same runs (and settings that differ), in a new order.
        let same_runs = self.view_for.as_ref().is_some_and(|shown| {
            (&shown.task, &shown.data, &shown.text)
                == (&self.filter.task, &self.filter.data, &self.filter.text)
        });
        let mut view = if same_runs {
            let mut view = std::mem::take(&mut self.view);
            view.sort_unstable();
            view
        } else {
            (0..self.rows.len())
                .filter(|&i| self.rows[i].matches(&self.filter))
                .collect()
        };
        if let Some((column, descending)) = &self.filter.sort {
            view.sort_by(|&a, &b| {
                let order = compare_rows(&self.rows[a], &self.rows[b], column);
                if *descending { order.reverse() } else { order }
            });
        }
        if !same_runs {
            let settings: Vec<&BTreeMap<String, String>> =
                view.iter().map(|&i| &self.rows[i].settings).collect();
            self.differing = differing_keys(&settings)
                .into_iter()
                .filter(|k| k != "runs_dir" && k != "resume_from")
                .collect();
        }
        self.view = view;
        self.view_for = Some(self.filter.clone());
    }

    /// The shown rows' places in [`RunsTab::rows`], in table order.
    pub fn view(&self) -> &[usize] {
        &self.view
    }

    /// The settings that differ between the shown runs.
    pub fn differing(&self) -> &[String] {
        &self.differing
    }

    /// Sorts by `column`: ascending first, descending on a second click.
    pub fn sort_by(&mut self, column: Column) {
        self.filter.sort = match self.filter.sort.take() {
            Some((current, descending)) if current == column => Some((current, !descending)),
            _ => Some((column, false)),
        };
    }

    /// The task and data values the filter combos offer (of all runs read).
    pub fn choices(&self) -> (&[String], &[String]) {
        (&self.choices.0, &self.choices.1)
    }

    /// The ticked rows, in table order (shown or not).
    pub fn ticked_rows(&self) -> Vec<&RunRow> {
        self.rows
            .iter()
            .filter(|r| self.ticked.contains(&r.run.dir))
            .collect()
    }

    /// Ticks or unticks a run.
    pub fn set_ticked(&mut self, dir: &std::path::Path, ticked: bool) {
        if ticked {
            self.ticked.insert(dir.to_path_buf());
        } else {
            self.ticked.remove(dir);
        }
    }

    /// The selected run's folder.
    pub fn selected(&self) -> Option<&std::path::Path> {
        self.selected.as_deref()
    }

    /// The selected row.
    pub fn selected_row(&self) -> Option<&RunRow> {
        let dir = self.selected.as_ref()?;
        self.rows.iter().find(|r| &r.run.dir == dir)
    }

    /// Selects a run: its name and note go into the fields, its details are shown.
    pub fn select(&mut self, dir: PathBuf) {
        if let Some(row) = self.rows.iter().find(|r| r.run.dir == dir) {
            self.name_text = row.run.display_name().to_string();
            self.note_text = row.run.note().to_string();
        }
        self.selected = Some(dir);
        self.pane = Pane::Details;
    }

    fn selected_index(&self) -> Option<usize> {
        let dir = self.selected.as_ref()?;
        self.rows.iter().position(|r| &r.run.dir == dir)
    }

    /// Writes the name field as the selected run's name (empty: its folder's name).
    pub fn rename(&mut self, status: &mut Status) {
        let name = self.name_text.trim().to_string();
        self.edit(status, |info, folder| {
            info.name = if name.is_empty() { folder } else { name };
        });
    }

    /// Writes the note field as the selected run's note.
    pub fn save_note(&mut self, status: &mut Status) {
        let note = self.note_text.trim().to_string();
        self.edit(status, |info, _| info.note = note);
    }

    fn edit(
        &mut self,
        status: &mut Status,
        change: impl FnOnce(&mut crate::train::record::RunInfo, String),
    ) {
        let Some(i) = self.selected_index() else {
            return;
        };
        let row = &mut self.rows[i];
        let folder = row.run.name.clone();
        match edit_info(&row.run.dir, |info| change(info, folder)) {
            Ok(info) => {
                status.log(format!(
                    "Saved {} (run {})",
                    crate::train::record::RUN,
                    row.run.name
                ));
                self.name_text = info.name.clone();
                self.note_text = info.note.clone();
                row.run.info = Some(info);
                row.make_haystack();
                self.view_for = None;
            }
            Err(e) => status.fail(format!("Could not change the run: {e}")),
        }
    }

    /// Asks whether to delete the selected run.
    pub fn ask_delete(&mut self) {
        self.confirm_delete = self.selected.clone();
    }

    /// Deletes the run asked about (its folder and all in it).
    pub fn delete_confirmed(&mut self, status: &mut Status) {
        let Some(dir) = self.confirm_delete.take() else {
            return;
        };
        match delete_run(&dir) {
            Ok(()) => {
                status.log(format!("Deleted {}", dir.display()));
                self.rows.retain(|r| r.run.dir != dir);
                self.ticked.remove(&dir);
                if self.selected.as_ref() == Some(&dir) {
                    self.selected = None;
                }
                self.view_for = None;
            }
            Err(e) => status.fail(format!("Could not delete the run: {e}")),
        }
    }

    fn selected_config(&self, status: &mut Status) -> Option<(TrainConfig, &RunRow)> {
        let row = self.selected_row()?;
        let Some(config) = row.run.config.clone() else {
            status.fail(format!("{} has no readable config.json", row.run.name));
            return None;
        };
        match serde_json::from_value::<TrainConfig>(config) {
            Ok(config) => Some((config, row)),
            Err(e) => {
                status.fail(format!("{}: config.json does not read: {e}", row.run.name));
                None
            }
        }
    }

    /// Asks the app to show the selected run's task tab with its best (else last)
    /// checkpoint.
    pub fn open_checkpoint(&mut self, status: &mut Status) {
        let Some((config, row)) = self.selected_config(status) else {
            return;
        };
        let info = row.run.info.as_ref();
        let recorded = [
            info.and_then(|i| i.best_checkpoint.clone()),
            Some(row.run.dir.join(BEST)),
            info.and_then(|i| i.last_checkpoint.clone()),
            Some(row.run.dir.join(LAST)),
        ];
        let Some(checkpoint) = recorded.into_iter().flatten().find(|p| p.is_file()) else {
            status.fail(format!("{} holds no checkpoint", row.run.dir.display()));
            return;
        };
        let name = row.run.display_name().to_string();
        self.action = Some(RunsAction::Open {
            config,
            checkpoint,
            name,
        });
    }

    /// Asks the app to fill the selected run's task tab with its settings.
    pub fn run_again(&mut self, status: &mut Status) {
        let Some((config, row)) = self.selected_config(status) else {
            return;
        };
        let name = row.run.display_name().to_string();
        self.action = Some(RunsAction::RunAgain { config, name });
    }

    /// What the tab asked of the app since the last call.
    pub fn take_action(&mut self) -> Option<RunsAction> {
        self.action.take()
    }

    /// Opens a folder dialog for the runs folder.
    pub fn open_dialog(&mut self, wake: Waker) {
        if self.dialog.is_none() {
            let near = self.root.clone().filter(|r| r.is_dir());
            let kind = DialogKind::PickFolder(near);
            self.dialog = Some(PendingDialog::spawn(kind, move || wake()));
        }
    }

    /// Whether a folder dialog is open.
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    /// Draws the folder dialog when it is visionlab's own.
    pub fn show_dialog(&mut self, ctx: &egui::Context) {
        if let Some(dialog) = &mut self.dialog {
            dialog.show(ctx);
        }
    }

    fn poll_dialog(&mut self, status: &mut Status) {
        if let Some(path) = poll_slot(&mut self.dialog, status) {
            self.choose_root(path);
        }
    }
}
