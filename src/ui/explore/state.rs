//! The Explore tab's state and actions: the form (model, data, split, device), the
//! explorer job and its report, the map's layout, colours and selection, the thumbnails
//! and previews, the image in focus with its neighbours (or an image from outside the
//! dataset), and the selection's export.
//!
//! Drawing is in [`view`](crate::ui::explore::view).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use egui::Color32;

use crate::core::job::{JobHandle, Waker};
use crate::core::protocol::{
    Command, DeviceChoice, EmbeddingModel, Event, ExploreConfig, ExploreEvent, ExploreReport,
    ExploreSplit, FinishReason, MapLayout, Neighbour, SimilarRequest,
};
use crate::explore::export::{self, CopyItem};
use crate::explore::{cache, pictures, tsne};
use crate::ui::detect::palette::class_colour;
use crate::ui::explore::atlas::Atlas;
use crate::ui::explore::map::{MapTool, MapView};
use crate::ui::jobs::{DrainEnd, LAB_EVENTS_PER_FRAME, LabReport, drain};
use crate::ui::widgets::dialogs::{DialogKind, PendingDialog, poll_slot};
use crate::ui::widgets::remote_form::RemoteForm;
use crate::ui::widgets::status_bar::Status;
use crate::ui::widgets::textures::Picture;

/// Neighbours shown in the similar-images strip.
pub const STRIP: usize = 10;

/// Colour of a correct prediction on the map.
pub const RIGHT: Color32 = Color32::from_rgb(0, 158, 115);
/// Colour of a wrong prediction on the map.
pub const WRONG: Color32 = Color32::from_rgb(230, 60, 60);

/// Which model embeds the images.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModelSource {
    /// The bundled ImageNet MobileNetV2.
    #[default]
    ImageNet,
    /// A classifier checkpoint.
    Checkpoint,
}

/// What the map's colours say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColourBy {
    /// The given label.
    #[default]
    Label,
    /// The model's prediction.
    Prediction,
    /// Right (green) or wrong (red).
    Correctness,
}

impl ColourBy {
    /// All choices, in the order offered.
    pub const ALL: [ColourBy; 3] = [ColourBy::Label, ColourBy::Prediction, ColourBy::Correctness];

    /// The choice in words.
    pub fn label(self) -> &'static str {
        match self {
            ColourBy::Label => "Label",
            ColourBy::Prediction => "Prediction",
            ColourBy::Correctness => "Correctness",
        }
    }
}

/// What the side panel shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SideView {
    /// The image in focus and its nearest neighbours.
    #[default]
    Similar,
    /// Likely label errors.
    LabelErrors,
    /// Near-duplicate pairs.
    Duplicates,
}

/// The image the side panel is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Focus {
    /// An image of the dataset.
    Image(usize),
    /// A file from outside the dataset, with what the search found so far.
    File {
        /// The file.
        path: PathBuf,
        /// Its picture, once searched.
        preview: Option<Picture>,
        /// Its nearest dataset images.
        neighbours: Vec<Neighbour>,
    },
}

/// What an open dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DialogFor {
    Checkpoint,
    Data,
    Query,
    ExportList,
    CopyFolder,
}

/// Everything the Explore tab shows and edits.
pub struct ExploreTab {
    /// Which model embeds the images.
    pub source: ModelSource,
    /// Path of the classifier checkpoint (when [`ModelSource::Checkpoint`]).
    pub checkpoint: String,
    /// The ImageFolder explored.
    pub data: String,
    /// Images ranked for label errors.
    pub split: ExploreSplit,
    /// Side of the ImageNet model's crop.
    pub imagenet_side: u32,
    /// Where tensors run.
    pub device: DeviceChoice,
    /// "Remote…" in the device box: a `visionlab serve` address and token.
    pub remote: RemoteForm,
    /// What the last run found.
    pub report: Option<Box<ExploreReport>>,
    /// The map's layouts (PCA first); `layout` picks one.
    pub layouts: Vec<MapLayout>,
    /// The layout shown.
    pub layout: usize,
    /// The map's view.
    pub map: MapView,
    /// What the colours say.
    pub colour_by: ColourBy,
    /// What a drag on the map does.
    pub tool: MapTool,
    /// Thumbnail side on the map (screen points); `None` draws points.
    pub thumbnails: Option<f32>,
    /// Selected images (indices into the report's images), in order.
    pub selection: BTreeSet<usize>,
    /// The image in the side panel.
    pub focus: Option<Focus>,
    /// What the side panel shows.
    pub side: SideView,
    /// Duplicates: only pairs across the train/validation split.
    pub leaks_only: bool,
    /// Embedding progress (images done, total).
    pub progress: Option<(usize, usize)>,
    /// Copy progress (files done, total).
    pub copy_progress: Option<(usize, usize)>,
    /// The map's thumbnails.
    pub atlas: Atlas,
    /// Larger pictures of single images.
    pub previews: HashMap<usize, Picture>,
    /// The explorer ran on this device (in words).
    pub device_text: Option<String>,
    /// Where embeddings are cached; `None`: the explorer's default (beside the checkpoint,
    /// or the user's cache folder for the ImageNet model).
    pub cache_dir: Option<PathBuf>,
    colours: Vec<Color32>,
    colours_for: Option<(ColourBy, usize)>,
    predictions_are_classes: bool,
    class_counts: Vec<usize>,
    selected_flags: Vec<bool>,
    wanted_previews: BTreeSet<usize>,
    dialog: Option<(PendingDialog, DialogFor)>,
    explore_job: Option<JobHandle>,
    thumbnail_job: Option<JobHandle>,
    preview_job: Option<JobHandle>,
    similar_job: Option<JobHandle>,
    copy_job: Option<JobHandle>,
    tsne_job: Option<JobHandle>,
    /// The request the report answers (for similar-image queries).
    ran: Option<ExploreConfig>,
}

impl Default for ExploreTab {
    fn default() -> Self {
        Self::new()
    }
}

impl ExploreTab {
    /// A fresh tab: the ImageNet model, no data yet.
    pub fn new() -> Self {
        ExploreTab {
            source: ModelSource::ImageNet,
            checkpoint: String::new(),
            data: String::new(),
            split: ExploreSplit::Val,
            imagenet_side: 224,
            device: DeviceChoice::Auto,
            remote: RemoteForm::default(),
            report: None,
            layouts: Vec::new(),
            layout: 0,
            map: MapView::default(),
            colour_by: ColourBy::Label,
            tool: MapTool::Pan,
            thumbnails: Some(24.0),
            selection: BTreeSet::new(),
            focus: None,
            side: SideView::Similar,
            leaks_only: false,
            progress: None,
            copy_progress: None,
            atlas: Atlas::new(0, pictures::THUMBNAIL_SIDE as usize),
            previews: HashMap::new(),
            device_text: None,
            cache_dir: None,
            colours: Vec::new(),
            colours_for: None,
            predictions_are_classes: false,
            class_counts: Vec::new(),
            selected_flags: Vec::new(),
            wanted_previews: BTreeSet::new(),
            dialog: None,
            explore_job: None,
            thumbnail_job: None,
            preview_job: None,
            similar_job: None,
            copy_job: None,
            tsne_job: None,
            ran: None,
        }
    }

    /// Whether the explorer job runs.
    pub fn running(&self) -> bool {
        self.explore_job.is_some()
    }

    /// Whether a copy runs.
    pub fn copying(&self) -> bool {
        self.copy_job.is_some()
    }

    /// Whether the t-SNE layout is being made.
    pub fn making_layout(&self) -> bool {
        self.tsne_job.is_some()
    }

    /// Whether a search for an outside image runs.
    pub fn searching(&self) -> bool {
        self.similar_job.is_some()
    }

    /// One line on what the tab's jobs do, for the status bar.
    pub fn phase_text(&self) -> String {
        if let (Some(_), Some((done, total))) = (&self.explore_job, self.progress) {
            return format!("Embedding images: {done}/{total}");
        }
        if self.explore_job.is_some() {
            return "Exploring: loading the model…".into();
        }
        if let (Some(_), Some((done, total))) = (&self.copy_job, self.copy_progress) {
            return format!("Copying: {done}/{total}");
        }
        if self.thumbnail_job.is_some() {
            return format!("Thumbnails: {}/{}", self.atlas.loaded(), self.atlas.len());
        }
        if self.tsne_job.is_some() {
            return "Making the t-SNE map…".into();
        }
        match &self.report {
            Some(r) => format!("{} images of {}", r.images.len(), r.data.display()),
            None => "Idle".into(),
        }
    }

    /// The explorer's request from the form, or what is missing.
    pub fn config(&self) -> Result<ExploreConfig, String> {
        let data = self.data.trim();
        if data.is_empty() {
            return Err("Choose an ImageFolder to explore (one sub-folder per class).".into());
        }
        let model = match self.source {
            ModelSource::ImageNet => EmbeddingModel::ImageNet,
            ModelSource::Checkpoint => {
                let text = self.checkpoint.trim();
                if text.is_empty() {
                    return Err("Enter the path of a classifier checkpoint (.vlck).".into());
                }
                EmbeddingModel::Checkpoint(PathBuf::from(text))
            }
        };
        let mut config = ExploreConfig::new(model, PathBuf::from(data));
        config.split = self.split;
        config.neighbours = STRIP;
        config.device = self.device;
        config.imagenet_side = (self.source == ModelSource::ImageNet).then_some(self.imagenet_side);
        config.cache_dir = self
            .cache_dir
            .clone()
            .or_else(|| cache::default_dir(&config.model));
        Ok(config)
    }

    /// Starts the explorer with the form's settings.
    pub fn start(&mut self, wake: Waker, status: &mut Status) {
        if self.explore_job.is_some() {
            return;
        }
        let config = match self.config() {
            Ok(c) => c,
            Err(message) => return status.fail(message),
        };
        self.progress = None;
        status.log(format!(
            "Exploring {} with {}…",
            config.data.display(),
            config.model.describe()
        ));
        self.explore_job = Some(crate::explore::spawn(config.clone(), wake));
        self.ran = Some(config);
    }

    /// Stops the explorer (or the copy); what was shown stays.
    pub fn stop(&mut self) {
        for job in [
            &self.explore_job,
            &self.copy_job,
            &self.thumbnail_job,
            &self.tsne_job,
        ]
        .into_iter()
        .flatten()
        {
            job.send(Command::Stop);
        }
    }

    /// Shows `report` as if a run had sent it, without reading thumbnails or making a
    /// t-SNE layout (the benchmark and tests fill [`Self::atlas`] themselves).
    pub fn show_report(&mut self, report: ExploreReport) {
        self.take_report(Box::new(report), None);
    }

    /// Takes a new report: the map, thumbnails and lists start over; with a waker, the
    /// thumbnail and t-SNE jobs start.
    fn take_report(&mut self, report: Box<ExploreReport>, wake: Option<&Waker>) {
        let n = report.images.len();
        self.layouts = vec![MapLayout {
            method: "PCA".into(),
            points: report.images.iter().map(|i| i.map).collect(),
        }];
        self.layout = 0;
        self.selection.clear();
        self.selected_flags = vec![false; n];
        self.focus = None;
        self.previews.clear();
        self.wanted_previews.clear();
        self.colours_for = None;
        self.predictions_are_classes = report
            .images
            .iter()
            .all(|i| report.classes.contains(&i.predicted));
        self.class_counts = vec![0; report.classes.len()];
        for image in &report.images {
            if let Some(count) = self.class_counts.get_mut(image.label) {
                *count += 1;
            }
        }
        self.atlas = Atlas::new(n, pictures::THUMBNAIL_SIDE as usize);
        if let Some(job) = self.thumbnail_job.take() {
            job.send(Command::Stop);
        }
        if let Some(job) = self.tsne_job.take() {
            job.send(Command::Stop);
        }
        if let Some(wake) = wake {
            if let (Some(space), Some(ran)) = (&report.space, &self.ran) {
                self.tsne_job = Some(tsne::spawn(space.clone(), ran.device, wake.clone()));
            }
            let paths = report.images.iter().map(|i| i.path.clone()).collect();
            self.thumbnail_job = Some(pictures::spawn_thumbnails(
                paths,
                pictures::THUMBNAIL_SIDE,
                wake.clone(),
            ));
        }
        self.report = Some(report);
    }

    /// A layout from the t-SNE job: the first is added (and shown, as it forms), later
    /// ones replace it; the view follows it until the user zooms or pans.
    fn take_layout(&mut self, layout: MapLayout) {
        let n = self.layouts.first().map_or(0, |l| l.points.len());
        if layout.points.len() != n {
            return;
        }
        match self.layouts.iter().position(|l| l.method == layout.method) {
            Some(at) => {
                self.layouts[at] = layout;
                if at == self.layout && !self.map.moved() {
                    let points = self.layouts[at].points.clone();
                    self.map.fit(&points);
                }
            }
            None => {
                self.layouts.push(layout);
                if self.layout == 0 && !self.map.moved() {
                    self.layout = self.layouts.len() - 1;
                }
            }
        }
    }

    /// The points of the layout shown.
    pub fn points(&self) -> &[[f32; 2]] {
        self.layouts
            .get(self.layout)
            .map_or(&[][..], |l| l.points.as_slice())
    }

    /// A key that changes when the layout shown changes (the map fits it into view).
    pub fn layout_key(&self) -> u64 {
        (self.layout as u64) << 32 | self.points().len() as u64
    }

    /// Each image's colour under [`Self::colour_by`], as last made by
    /// [`Self::refresh_colours`].
    pub fn colours(&self) -> &[Color32] {
        &self.colours
    }

    /// Makes [`Self::colours`] again when the colouring or the report changed.
    pub fn refresh_colours(&mut self) {
        let n = self.report.as_ref().map_or(0, |r| r.images.len());
        if self.colours_for != Some((self.colour_by, n)) {
            self.colours = match &self.report {
                Some(report) => report
                    .images
                    .iter()
                    .map(|image| match self.colour_by {
                        ColourBy::Label => class_colour(image.label),
                        ColourBy::Prediction => {
                            class_colour(prediction_index(report, &image.predicted))
                        }
                        ColourBy::Correctness => {
                            if is_right(report, image.label, &image.predicted) {
                                RIGHT
                            } else {
                                WRONG
                            }
                        }
                    })
                    .collect(),
                None => Vec::new(),
            };
            self.colours_for = Some((self.colour_by, n));
        }
    }

    /// Whether the model's classes are the dataset's (prediction and correctness
    /// colours mean something).
    pub fn predictions_are_classes(&self) -> bool {
        self.predictions_are_classes
    }

    /// Images per given class, for the legend.
    pub fn class_counts(&self) -> &[usize] {
        &self.class_counts
    }

    /// Whether image `i` is selected.
    pub fn selected_flags(&self) -> &[bool] {
        &self.selected_flags
    }

    /// Replaces the selection (or adds to it).
    pub fn select(&mut self, images: impl IntoIterator<Item = usize>, add: bool) {
        if !add {
            self.selection.clear();
        }
        let n = self.selected_flags.len();
        self.selection.extend(images.into_iter().filter(|&i| i < n));
        self.selected_flags.iter_mut().for_each(|f| *f = false);
        for &i in &self.selection {
            self.selected_flags[i] = true;
        }
    }

    /// Selects every image of class `class`.
    pub fn select_class(&mut self, class: usize) {
        let images: Vec<usize> = self
            .report
            .as_ref()
            .map(|r| {
                r.images
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.label == class)
                    .map(|(k, _)| k)
                    .collect()
            })
            .unwrap_or_default();
        self.select(images, false);
    }

    /// Shows image `index` in the side panel (its neighbours) and centres the map on it
    /// when asked.
    pub fn focus_on(&mut self, index: usize, centre: bool) {
        let Some(point) = self.points().get(index).copied() else {
            return;
        };
        self.focus = Some(Focus::Image(index));
        self.side = SideView::Similar;
        if centre {
            self.map.centre_on(point);
        }
        self.want_preview(index);
    }

    /// Asks for image `index`'s preview (read in the background).
    pub fn want_preview(&mut self, index: usize) {
        if !self.previews.contains_key(&index) {
            self.wanted_previews.insert(index);
        }
    }

    /// Finds the dataset images nearest to an image file from anywhere.
    pub fn find_similar(&mut self, path: PathBuf, wake: Waker, status: &mut Status) {
        let (Some(report), Some(ran)) = (&self.report, &self.ran) else {
            return status.fail("Explore a dataset first: the image is compared with its images.");
        };
        let Some(space) = report.space.clone() else {
            return status.fail("This report has no embeddings to compare with: explore again.");
        };
        if let Some(job) = self.similar_job.take() {
            job.send(Command::Stop);
        }
        self.focus = Some(Focus::File {
            path: path.clone(),
            preview: None,
            neighbours: Vec::new(),
        });
        self.side = SideView::Similar;
        status.log(format!("Looking for images like {}…", path.display()));
        self.similar_job = Some(crate::explore::similar::spawn(
            SimilarRequest {
                model: ran.model.clone(),
                imagenet_side: ran.imagenet_side,
                image: path,
                space,
                k: STRIP,
                device: ran.device,
            },
            wake,
        ));
    }

    /// Files dropped on the tab: a folder becomes the data; an image is searched for.
    pub fn take_dropped(&mut self, paths: Vec<PathBuf>, wake: Waker, status: &mut Status) {
        let Some(path) = paths.into_iter().next() else {
            return;
        };
        if path.is_dir() {
            self.data = path.display().to_string();
            status.log(format!("Data: {}", path.display()));
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(crate::train::checkpoint::CHECKPOINT_EXTENSION))
        {
            self.source = ModelSource::Checkpoint;
            self.checkpoint = path.display().to_string();
            status.log(format!("Model: {}", path.display()));
        } else {
            self.find_similar(path, wake, status);
        }
    }

    /// The selected images' files.
    pub fn selected_paths(&self) -> Vec<PathBuf> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        self.selection
            .iter()
            .filter_map(|&i| report.images.get(i).map(|im| im.path.clone()))
            .collect()
    }

    /// Opens the checkpoint picker.
    pub fn open_checkpoint_dialog(&mut self, wake: Waker) {
        let start = Path::new(self.checkpoint.trim())
            .parent()
            .map(PathBuf::from);
        self.open_dialog(
            DialogKind::OpenCheckpoint(start),
            DialogFor::Checkpoint,
            wake,
        );
    }

    /// Opens the data folder picker.
    pub fn open_data_dialog(&mut self, wake: Waker) {
        let start = Some(PathBuf::from(self.data.trim()));
        self.open_dialog(DialogKind::PickFolder(start), DialogFor::Data, wake);
    }

    /// Opens the picker of an image to search the dataset for.
    pub fn open_query_dialog(&mut self, wake: Waker) {
        let start = Some(PathBuf::from(self.data.trim()));
        self.open_dialog(DialogKind::OpenImage(start), DialogFor::Query, wake);
    }

    /// Opens the "Export list…" dialog.
    pub fn export_list_dialog(&mut self, wake: Waker) {
        let kind = DialogKind::SaveFile {
            start: Some(PathBuf::from(self.data.trim())),
            title: "Export the selection as a file list".into(),
            name: "selection.txt".into(),
            extension: "txt",
        };
        self.open_dialog(kind, DialogFor::ExportList, wake);
    }

    /// Opens the "Copy to folder…" dialog.
    pub fn copy_dialog(&mut self, wake: Waker) {
        let start = Path::new(self.data.trim()).parent().map(PathBuf::from);
        self.open_dialog(DialogKind::PickFolder(start), DialogFor::CopyFolder, wake);
    }

    fn open_dialog(&mut self, kind: DialogKind, purpose: DialogFor, wake: Waker) {
        if self.dialog.is_none() {
            self.dialog = Some((PendingDialog::spawn(kind, move || wake()), purpose));
        }
    }

    /// Draws the open dialog when it is visionlab's own.
    pub fn show_dialog(&mut self, ctx: &egui::Context) {
        if let Some((dialog, _)) = &mut self.dialog {
            dialog.show(ctx);
        }
    }

    /// Writes the selection's file list to `path`.
    pub fn export_list(&mut self, path: &Path, status: &mut Status) {
        let paths = self.selected_paths();
        match export::write_list(path, &paths) {
            Ok(()) => status.log(format!("Wrote {} paths to {}", paths.len(), path.display())),
            Err(e) => status.fail(format!("Could not write the list: {e}")),
        }
    }

    /// Copies the selection into a new ImageFolder at `dest` (one sub-folder per given
    /// label).
    pub fn copy_selection(&mut self, dest: PathBuf, wake: Waker, status: &mut Status) {
        let Some(report) = &self.report else {
            return;
        };
        if self.copy_job.is_some() {
            return status.fail("A copy is already running.");
        }
        let items: Vec<CopyItem> = self
            .selection
            .iter()
            .filter_map(|&i| report.images.get(i))
            .map(|image| CopyItem {
                path: image.path.clone(),
                class: report.classes.get(image.label).cloned().unwrap_or_default(),
            })
            .collect();
        if items.is_empty() {
            return status.fail("Select images on the map first.");
        }
        status.log(format!(
            "Copying {} images to {}…",
            items.len(),
            dest.display()
        ));
        self.copy_progress = Some((0, items.len()));
        self.copy_job = Some(export::spawn_copy(items, dest, wake));
    }

    /// Takes in what the jobs and dialogs sent; starts preview reads asked for. Returns
    /// true while something is under way (the UI polls again soon).
    pub fn poll(&mut self, wake: &Waker, status: &mut Status) -> bool {
        self.poll_dialog(wake, status);
        let mut busy = self.dialog.as_ref().is_some_and(|(d, _)| !d.is_in_window());
        for slot in [
            JobSlot::Explore,
            JobSlot::Thumbnails,
            JobSlot::Previews,
            JobSlot::Similar,
            JobSlot::Copy,
            JobSlot::Tsne,
        ] {
            busy |= self.poll_job(slot, wake, status);
        }
        if self.preview_job.is_none()
            && !self.wanted_previews.is_empty()
            && let Some(report) = &self.report
        {
            let wanted: Vec<(usize, PathBuf)> = std::mem::take(&mut self.wanted_previews)
                .into_iter()
                .filter_map(|i| report.images.get(i).map(|im| (i, im.path.clone())))
                .collect();
            self.preview_job = Some(pictures::spawn_previews(wanted, wake.clone()));
            busy = true;
        }
        busy
    }

    fn poll_dialog(&mut self, wake: &Waker, status: &mut Status) {
        let Some((dialog, purpose)) = self.dialog.take() else {
            return;
        };
        let mut slot = Some(dialog);
        let picked = poll_slot(&mut slot, status);
        if let Some(dialog) = slot {
            self.dialog = Some((dialog, purpose));
        }
        let Some(path) = picked else {
            return;
        };
        match purpose {
            DialogFor::Checkpoint => {
                self.source = ModelSource::Checkpoint;
                self.checkpoint = path.display().to_string();
            }
            DialogFor::Data => self.data = path.display().to_string(),
            DialogFor::Query => self.find_similar(path, wake.clone(), status),
            DialogFor::ExportList => self.export_list(&path, status),
            DialogFor::CopyFolder => self.copy_selection(path, wake.clone(), status),
        }
    }

    fn job(&mut self, slot: JobSlot) -> &mut Option<JobHandle> {
        match slot {
            JobSlot::Explore => &mut self.explore_job,
            JobSlot::Thumbnails => &mut self.thumbnail_job,
            JobSlot::Previews => &mut self.preview_job,
            JobSlot::Similar => &mut self.similar_job,
            JobSlot::Copy => &mut self.copy_job,
            JobSlot::Tsne => &mut self.tsne_job,
        }
    }

    /// Drains one job's events; true while it runs.
    fn poll_job(&mut self, slot: JobSlot, wake: &Waker, status: &mut Status) -> bool {
        let Some(job) = self.job(slot).as_ref() else {
            return false;
        };
        let (events, end) = drain(job, LAB_EVENTS_PER_FRAME);
        let mut ended = end == DrainEnd::Disconnected;
        for event in events {
            ended |= self.on_event(slot, event, wake, status);
        }
        if ended {
            *self.job(slot) = None;
        }
        true
    }

    /// One event of a job in `slot`; true when that job has ended.
    fn on_event(&mut self, slot: JobSlot, event: Event, wake: &Waker, status: &mut Status) -> bool {
        match LabReport::explore(event) {
            LabReport::Own(event) => {
                self.on_explore_event(event, wake, status);
                false
            }
            LabReport::Log(line) => {
                status.log(line);
                false
            }
            LabReport::Device(device) => {
                if slot == JobSlot::Explore {
                    self.device_text = Some(device);
                }
                false
            }
            LabReport::Failed(message) => {
                status.fail(match slot {
                    JobSlot::Explore => format!("Explore failed: {message}"),
                    JobSlot::Thumbnails | JobSlot::Previews => {
                        format!("Could not read thumbnails: {message}")
                    }
                    JobSlot::Similar => format!("Could not search for similar images: {message}"),
                    JobSlot::Copy => format!("The copy failed: {message}"),
                    JobSlot::Tsne => format!("The t-SNE map failed: {message}"),
                });
                if slot == JobSlot::Similar {
                    self.focus = None;
                }
                if slot == JobSlot::Copy {
                    self.copy_progress = None;
                }
                true
            }
            LabReport::Finished(reason) => {
                match (slot, reason) {
                    (JobSlot::Explore, FinishReason::Stopped) => {
                        status.log("Explore stopped: nothing new was kept")
                    }
                    (JobSlot::Copy, _) => self.copy_progress = None,
                    _ => {}
                }
                if slot == JobSlot::Explore {
                    self.progress = None;
                }
                true
            }
            LabReport::Ignored => false,
        }
    }

    fn on_explore_event(&mut self, event: ExploreEvent, wake: &Waker, status: &mut Status) {
        match event {
            ExploreEvent::Progress { done, total } => self.progress = Some((done, total)),
            ExploreEvent::Report(report) => {
                status.log(format!(
                    "{} images: {} likely label errors, {} duplicate pairs{}",
                    report.images.len(),
                    report.label_errors.len(),
                    report.duplicates.len(),
                    if report.from_cache {
                        " (embeddings from the cache)"
                    } else {
                        ""
                    }
                ));
                self.take_report(report, Some(wake));
            }
            ExploreEvent::Layout(layout) => self.take_layout(layout),
            ExploreEvent::Thumbnails { first, tiles } => {
                for (k, tile) in tiles.iter().enumerate() {
                    self.atlas.put(first + k, tile);
                }
            }
            ExploreEvent::Previews(pictures) => {
                for (index, image) in pictures {
                    self.previews.insert(index, Picture::new(image));
                }
            }
            ExploreEvent::Similar(found) => {
                if let Some(Focus::File {
                    path,
                    preview,
                    neighbours,
                }) = &mut self.focus
                    && *path == found.query
                {
                    *preview = Some(Picture::new(found.preview));
                    *neighbours = found.neighbours;
                }
            }
            ExploreEvent::Copied { done, total } => self.copy_progress = Some((done, total)),
        }
    }
}

/// The tab's jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobSlot {
    Explore,
    Thumbnails,
    Previews,
    Similar,
    Copy,
    Tsne,
}

/// The colour index of a prediction: its class's when the model knows the dataset's
/// classes, else a stable index from the name.
fn prediction_index(report: &ExploreReport, predicted: &str) -> usize {
    match report.classes.iter().position(|c| c == predicted) {
        Some(i) => i,
        None => {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(predicted, &mut hasher);
            report.classes.len() + (std::hash::Hasher::finish(&hasher) % 64) as usize
        }
    }
}

/// Whether the prediction names the given label's class.
fn is_right(report: &ExploreReport, label: usize, predicted: &str) -> bool {
    report.classes.get(label).is_some_and(|c| c == predicted)
}
