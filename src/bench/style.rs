//! Timings of the style methods on the same work as `shared/bench/style_ref.py`: the
//! 26-style network on a 512² image, and optimisation iterations (content + Gram style +
//! TV loss on MobileNetV2 stages 2, 4, 7, 14, Adam on the pixels) at 256², and their rows.

use std::path::Path;
use std::time::Instant;

use burn::prelude::*;
use burn::tensor::Distribution;

use crate::bench::BenchOptions;
use crate::bench::busy::{MAX_RUNS, repeat_until_agree};
use crate::bench::reference::{figure_after, run_reference};
use crate::bench::table::{Goal, Row, Table};
use crate::core::protocol::{PixelOptimizer, StyleInit};
use crate::style::StyleError;
use crate::style::fast::{FastStyle, STYLES};
use crate::style::optimize::{FeatureNet, Objective, Optimization};

/// Milliseconds per image of the 26-style network on a random `size²` image (one warm-up
/// pass, then `runs` timed ones, each read back to the host).
pub fn fast_ms(size: usize, runs: usize, device: &Device) -> Result<f64, StyleError> {
    let net = FastStyle::load(device)?;
    let x = Tensor::<4>::random([1, 3, size, size], Distribution::Default, device);
    let mut weights = [0f32; STYLES];
    weights[19] = 1.0;
    let run = || -> Result<(), StyleError> {
        net.forward(x.clone(), &weights)
            .into_data()
            .try_to_vec_as::<f32>()
            .map_err(|e| StyleError::Internal(format!("{e:?}")))?;
        Ok(())
    };
    run()?;
    let started = Instant::now();
    for _ in 0..runs.max(1) {
        run()?;
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0 / runs.max(1) as f64)
}

/// Milliseconds per optimisation iteration at `size²` (3 warm-up iterations, then
/// `iterations` timed ones), with the reference's objective: content stage 7, style
/// stages 2, 4, 7, 14, weights 1 / 1e3 / 1e-4, Adam with step 0.02.
pub fn optimize_ms_per_iter(
    weights: &Path,
    size: usize,
    iterations: usize,
    device: &Device,
) -> Result<f64, StyleError> {
    let net = FeatureNet::load(weights, device)?;
    let plain = device.clone().inner();
    let content = Tensor::<4>::random([1, 3, size, size], Distribution::Default, &plain);
    let style = Tensor::<4>::random([1, 3, size, size], Distribution::Default, &plain);
    let objective = Objective {
        content_layer: 7,
        style_layers: vec![2, 4, 7, 14],
        content_weight: 1.0,
        style_weight: 1e3,
        tv_weight: 1e-4,
    };
    let mut run = Optimization::new(
        &net,
        content,
        style,
        objective,
        StyleInit::Content,
        0,
        PixelOptimizer::Adam,
        0.02,
    )?;
    for _ in 0..3 {
        run.step(&net)?;
    }
    let started = Instant::now();
    for _ in 0..iterations.max(1) {
        run.step(&net)?;
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0 / iterations.max(1) as f64)
}

/// The style-transfer rows: the reference prints both of its figures in one run. Ours and
/// the reference repeat under the busy-machine rule ([`crate::bench::busy`]) until both of
/// our figures agree with the previous run's.
pub fn rows(options: &BenchOptions, device: &Device, table: &mut Table) -> anyhow::Result<()> {
    let weights = crate::core::assets::find(crate::models::mobilenet_v2::WEIGHTS_ASSET)?;
    let reference = || match &options.reference_python {
        Some(python) => {
            let threads = [options.threads.max(1).to_string()];
            match run_reference(python, &options.style_reference_script, &threads) {
                Ok(text) => Some(text),
                Err(error) => {
                    eprintln!("  {error:#}");
                    None
                }
            }
        }
        None => None,
    };
    let repeats = table.repeats();
    let repeated = repeat_until_agree(
        MAX_RUNS,
        || -> anyhow::Result<(f64, f64, Option<String>)> {
            let fast = fast_ms(512, 5, device)?;
            let per_iteration = optimize_ms_per_iter(&weights, 256, 20, device)?;
            Ok((fast, per_iteration, reference()))
        },
        |(fast, per_iteration, _)| vec![*fast, *per_iteration],
        |(_, _, reference)| !repeats || reference.is_none(),
    )?;
    let note = repeated.note();
    let (fast, per_iteration, reference) = repeated.last;
    let peer_figure = |prefix: &str| {
        let text = reference.as_deref()?;
        figure_after(text, prefix).map(|value| (prefix.to_string(), value))
    };
    table.push(
        Row::new(
            "fast style (multistyle26), 512² image",
            "ms",
            fast,
            Goal::AtMostPeer,
        )
        .against(peer_figure("onnxruntime multistyle26"))
        .noting(note.clone()),
    );
    table.push(
        Row::new(
            "optimisation style (MobileNetV2, Adam), 256², per iteration",
            "ms",
            per_iteration,
            Goal::AtMostPeer,
        )
        .against(peer_figure("pytorch gatys"))
        .noting(note),
    );
    Ok(())
}
