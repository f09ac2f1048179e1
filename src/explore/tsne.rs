//! The map's t-SNE layout (Barnes-Hut, through the `bhtsne` crate), made after the PCA map
//! is shown: the nearest neighbours of every image (cosine, on the tensor device) give the
//! affinities, and the layout is sent as it forms, every [`SEND_EVERY`] epochs, so the map
//! settles on screen. A stop is taken between sends: nothing more is sent, though the
//! thread finishes the fit it is in (a few seconds for 10 000 images).

use std::cell::Cell;
use std::sync::Arc;

use bhtsne::{Neighbor, tSNE};

use crate::core::device;
use crate::core::job::{JobHandle, Waker, spawn_job};
use crate::core::protocol::{
    Command, DeviceChoice, EmbeddingSpace, Event, ExploreEvent, FinishReason, MapLayout,
};
use crate::explore::neighbours;

/// The layout's name on the map.
pub const METHOD: &str = "t-SNE";

/// Epochs between two layouts sent.
pub const SEND_EVERY: usize = 25;

/// The largest perplexity used (smaller for small sets: it needs 3 × perplexity
/// neighbours).
const PERPLEXITY: usize = 15;

/// Images below which no t-SNE is made (the PCA map says it all).
pub const MIN_IMAGES: usize = 8;

/// Epochs of a fit.
pub fn epochs(n: usize) -> usize {
    if n > 20_000 { 400 } else { 600 }
}

/// The perplexity for `n` images.
pub fn perplexity(n: usize) -> usize {
    PERPLEXITY.min((n.saturating_sub(2)) / 3).max(1)
}

/// Starts the t-SNE of `space` on its own thread: neighbours on `device`, then the fit,
/// sending [`ExploreEvent::Layout`] as it forms; ends with `Event::Finished`.
pub fn spawn(space: Arc<EmbeddingSpace>, device: DeviceChoice, wake: Waker) -> JobHandle {
    spawn_job("explore-tsne", wake, move |inbox, out| {
        let selected = device::select(device)?;
        let stopped = Cell::new(false);
        let stop_asked = || {
            if !stopped.get() && matches!(inbox.try_recv(), Ok(Command::Stop)) {
                stopped.set(true);
            }
            stopped.get()
        };
        let made = layout(
            &space,
            &selected.device,
            &mut |_, _| !stop_asked(),
            &mut |epoch, points| {
                if !stop_asked() && epoch % SEND_EVERY == SEND_EVERY - 1 {
                    out.send(Event::Explore(ExploreEvent::Layout(MapLayout {
                        method: METHOD.into(),
                        points: pairs(points),
                    })));
                }
            },
        )?;
        match made {
            Some(points) if !stopped.get() => {
                out.send(Event::Explore(ExploreEvent::Layout(MapLayout {
                    method: METHOD.into(),
                    points,
                })));
                out.send(Event::Finished(FinishReason::Completed));
            }
            _ => out.send(Event::Finished(FinishReason::Stopped)),
        }
        Ok(())
    })
}

/// The t-SNE layout of `space`'s images (`None` when `keep_going(done, total)` stopped the
/// neighbour search; an empty layout below [`MIN_IMAGES`]); `each_epoch(epoch, layout)`
/// sees it form.
pub fn layout(
    space: &EmbeddingSpace,
    device: &burn::prelude::Device,
    keep_going: &mut dyn FnMut(usize, usize) -> bool,
    each_epoch: &mut dyn FnMut(usize, &[f32]),
) -> anyhow::Result<Option<Vec<[f32; 2]>>> {
    let n = crate::explore::rows(&space.unit, space.dim)?;
    if n < MIN_IMAGES {
        return Ok(Some(Vec::new()));
    }
    let k = 3 * perplexity(n);
    let Some(lists) = neighbours::nearest(&space.unit, space.dim, k, device, keep_going)? else {
        return Ok(None);
    };
    let graph = neighbour_graph(&lists);
    Ok(Some(fit(n, &graph, each_epoch)))
}

/// The neighbour lists as t-SNE's graph: euclidean distances between the unit vectors,
/// `√(2 − 2·cos)`.
pub fn neighbour_graph(lists: &[Vec<crate::core::protocol::Neighbour>]) -> Vec<Vec<Neighbor<f32>>> {
    lists
        .iter()
        .map(|list| {
            list.iter()
                .map(|n| Neighbor {
                    index: n.index,
                    distance: (2.0 - 2.0 * n.similarity).max(0.0).sqrt(),
                })
                .collect()
        })
        .collect()
}

/// The 2-D t-SNE layout of `n` points from their neighbour graph (every row the same
/// length, at least one neighbour); `each_epoch(epoch, layout)` sees it form.
pub fn fit(
    n: usize,
    graph: &[Vec<Neighbor<f32>>],
    each_epoch: &mut dyn FnMut(usize, &[f32]),
) -> Vec<[f32; 2]> {
    // bhtsne reads the points only through the graph here; it wants one item per point.
    let items: Vec<usize> = (0..n).collect();
    let mut tsne: tSNE<f32, usize, 2> = tSNE::new(&items);
    tsne.perplexity(perplexity(n) as f32)
        .epochs(epochs(n))
        .epoch_callback(|epoch, layout| each_epoch(epoch, layout));
    tsne.barnes_hut_with_neighbors(0.5, graph);
    pairs(&tsne.embedding())
}

fn pairs(flat: &[f32]) -> Vec<[f32; 2]> {
    flat.chunks_exact(2).map(|p| [p[0], p[1]]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::Neighbour;

    /// Two tight clusters far apart stay apart in the layout.
    #[test]
    fn two_clusters_stay_apart() {
        let n = 40;
        let cluster = |i: usize| i / 20;
        let lists: Vec<Vec<Neighbour>> = (0..n)
            .map(|i| {
                let mut l: Vec<Neighbour> = (0..n)
                    .filter(|&j| j != i)
                    .map(|j| Neighbour {
                        index: j,
                        // Varied within a cluster: equal distances leave no bandwidth that
                        // reaches the perplexity.
                        similarity: if cluster(i) == cluster(j) {
                            0.95 - 0.02 * ((i * 7 + j * 3) % 11) as f32
                        } else {
                            -0.5
                        },
                    })
                    .collect();
                l.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
                l.truncate(3 * perplexity(n));
                l
            })
            .collect();
        let mut seen = 0;
        let layout = fit(n, &neighbour_graph(&lists), &mut |_, _| seen += 1);
        assert_eq!(seen, epochs(n));
        // Each point's nearest point on the map is of its own cluster.
        let same = (0..n)
            .filter(|&i| {
                let d = |j: usize| {
                    (layout[i][0] - layout[j][0]).powi(2) + (layout[i][1] - layout[j][1]).powi(2)
                };
                let nearest = (0..n)
                    .filter(|&j| j != i)
                    .min_by(|&a, &b| d(a).total_cmp(&d(b)))
                    .unwrap();
                cluster(nearest) == cluster(i)
            })
            .count();
        assert!(
            same >= n - 1,
            "{same} of {n} next to their own cluster: {layout:?}"
        );
    }
}
