//! The dataset images nearest to an image file from anywhere (dropped on the window or
//! opened): the file is embedded by the model that embedded the dataset, less the
//! dataset's mean, and compared by cosine with every image.

use anyhow::{Context, bail};

use crate::core::device;
use crate::core::job::{JobHandle, Waker, spawn_job};
use crate::core::protocol::{
    Event, ExploreEvent, FinishReason, Neighbour, SimilarImages, SimilarRequest,
};
use crate::explore::embed::Embedder;
use crate::explore::{dataset, neighbours, pictures};

/// Starts the search on its own thread; it ends with [`ExploreEvent::Similar`] and
/// `Event::Finished`, or `Event::Failed` naming the file.
pub fn spawn(request: SimilarRequest, wake: Waker) -> JobHandle {
    spawn_job("explore-similar", wake, move |_, out| {
        let selected = device::select(request.device)?;
        let (preview, neighbours) = run(&request, &selected)?;
        out.send(Event::Explore(ExploreEvent::Similar(Box::new(
            SimilarImages {
                query: request.image.clone(),
                preview,
                neighbours,
            },
        ))));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}

/// The preview of the request's image and its neighbours, on `selected`.
pub fn run(
    request: &SimilarRequest,
    selected: &device::Selected,
) -> anyhow::Result<(crate::core::protocol::RgbaImage, Vec<Neighbour>)> {
    let path = &request.image;
    let decoded = dataset::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let embedder = Embedder::load(&request.model, request.imagenet_side, selected)?;
    let prepared = embedder.preparer().prepare(&decoded);
    let batch = embedder
        .embed(&[prepared])
        .with_context(|| format!("embedding {}", path.display()))?;
    let space = &request.space;
    if batch.dim != space.dim {
        bail!(
            "the model gives vectors of length {}, the dataset's are {}: explore the dataset again with this model",
            batch.dim,
            space.dim
        );
    }
    let query = neighbours::less(&batch.embeddings, &space.mean);
    let found = neighbours::nearest_to(&query, &space.unit, space.dim, request.k);
    Ok((pictures::preview(&decoded), found))
}
