//! The style job: runs a [`StyleRequest`] on its own thread with the common controls
//! (Stop cancels, Pause/Resume) and reports through the protocol: the device, the inputs
//! at working size, progress with the losses, previews as the image forms, the result.

use crate::core::job;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use anyhow::Context;
use burn::prelude::*;
use image::RgbImage;

use crate::core::control::keep_going;
use crate::core::job::{JobHandle, Outbox, Waker};
use crate::core::protocol::{
    Command, Event, FinishReason, RgbaImage, StyleEvent, StyleMethod, StyleRequest,
};
use crate::core::{assets, device};
use crate::models::mobilenet_v2::WEIGHTS_ASSET;
use crate::style::arbitrary::ArbitraryStyle;
use crate::style::fast::{FastStyle, style_weights};
use crate::style::optimize::{FeatureNet, Objective, Optimization};
use crate::style::{StyleError, colors, memory, picture};

/// Longest side of the style picture sent back for the style well.
const STYLE_THUMBNAIL: u32 = 256;

/// Starts a stylization on its own thread.
pub fn spawn(request: StyleRequest, wake: Waker) -> JobHandle {
    job::spawn_job("stylize", wake, move |inbox, out| run(&request, inbox, out))
}

/// Checks what can be checked before any file is read: options in range.
pub fn validate(request: &StyleRequest) -> Result<(), StyleError> {
    if request.size == 0 || request.size > picture::MAX_SIDE {
        picture::output_size((1, 1), request.size)?;
    }
    match request.method {
        StyleMethod::Fast => {
            style_weights(&request.builtin)?;
        }
        StyleMethod::Optimize => {
            if request.iterations == 0 {
                return Err(StyleError::Options("choose at least one iteration".into()));
            }
            let weights = [
                request.content_weight,
                request.style_weight,
                request.tv_weight,
                request.learning_rate,
            ];
            if weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
                return Err(StyleError::Options(
                    "weights and the learning rate must be finite and not negative".into(),
                ));
            }
            objective(request).check()?;
        }
        StyleMethod::Arbitrary => {
            if !(0.0..=1.0).contains(&request.strength) {
                return Err(StyleError::Options(
                    "the strength must be between 0 and 1".into(),
                ));
            }
        }
    }
    if request.method.needs_style_image() && request.style.is_none() {
        return Err(StyleError::MissingStyle);
    }
    Ok(())
}

fn objective(request: &StyleRequest) -> Objective {
    Objective {
        content_layer: request.content_layer,
        style_layers: request.style_layers.clone(),
        content_weight: request.content_weight,
        style_weight: request.style_weight,
        tv_weight: request.tv_weight,
    }
}

/// Runs the request on the calling thread (the job's body).
pub fn run(request: &StyleRequest, inbox: &Receiver<Command>, out: &Outbox) -> anyhow::Result<()> {
    validate(request)?;
    let selected = device::select(request.device)?;
    out.send(Event::Device(selected.description.clone()));
    let device = selected.device.clone();

    let content_file = picture::read(&request.content)?;
    let ((width, height), capped) = picture::output_size(content_file.dimensions(), request.size)?;
    if capped {
        out.send(Event::Log(format!(
            "The output is capped at the content image's own size, {width}×{height}."
        )));
    }
    let deepest = objective(request).deepest();
    memory::check(
        request.method,
        width,
        height,
        deepest,
        memory::budget_bytes(selected.is_gpu),
    )?;
    let content = picture::resize(&content_file, width, height);
    let style = match (&request.style, request.method.needs_style_image()) {
        (Some(path), true) => Some(picture::read(path)?),
        _ => None,
    };
    let content_rgba = picture::rgba(&content);
    out.send(Event::Style(StyleEvent::Inputs {
        content: content_rgba.clone(),
        style: style.as_ref().map(|s| {
            let ((w, h), _) = picture::output_size(s.dimensions(), STYLE_THUMBNAIL)
                .unwrap_or(((s.width(), s.height()), false));
            picture::rgba(&picture::resize(s, w, h))
        }),
    }));
    let finish = |image: RgbaImage| -> RgbaImage {
        if request.keep_colors {
            colors::keep_colors(&image, &content_rgba).unwrap_or(image)
        } else {
            image
        }
    };

    let started = Instant::now();
    let (image, reason) = match request.method {
        StyleMethod::Fast => {
            out.send(Event::Log("Loading the 26-style network…".into()));
            let net = FastStyle::load(&device)?;
            let started = Instant::now();
            let image = net.stylize(&content, &style_weights(&request.builtin)?)?;
            out.send(Event::Log(format!(
                "Stylized in {:.0} ms.",
                started.elapsed().as_secs_f64() * 1000.0
            )));
            (finish(image), FinishReason::Completed)
        }
        StyleMethod::Arbitrary => {
            out.send(Event::Log("Loading the arbitrary-style networks…".into()));
            let net = ArbitraryStyle::load(&device)?;
            let style = style.as_ref().ok_or(StyleError::MissingStyle)?;
            let image = net.stylize(&content, style, request.strength)?;
            (finish(image), FinishReason::Completed)
        }
        StyleMethod::Optimize => {
            let style = style.as_ref().ok_or(StyleError::MissingStyle)?;
            optimize(request, &content, style, &device, out, inbox, &finish)?
        }
    };
    out.send(Event::Style(StyleEvent::Result {
        image,
        millis: started.elapsed().as_secs_f64() * 1000.0,
    }));
    out.send(Event::Finished(reason));
    Ok(())
}

fn optimize(
    request: &StyleRequest,
    content: &RgbImage,
    style: &RgbImage,
    device: &Device,
    out: &Outbox,
    inbox: &Receiver<Command>,
    finish: &dyn Fn(RgbaImage) -> RgbaImage,
) -> anyhow::Result<(RgbaImage, FinishReason)> {
    out.send(Event::Log("Loading MobileNetV2…".into()));
    let weights = assets::find(WEIGHTS_ASSET)?;
    let net = FeatureNet::load(&weights, device)?;
    // The style image is seen at the output's scale: its longer side matches.
    let side = content.width().max(content.height());
    let ((sw, sh), _) = picture::output_size(style.dimensions(), side)?;
    let style = picture::resize(style, sw, sh);
    let mut run = Optimization::new(
        &net,
        picture::to_tensor(content, device),
        picture::to_tensor(&style, device),
        objective(request),
        request.init,
        request.seed,
        request.optimizer,
        request.learning_rate,
    )?;
    let total = request.iterations;
    out.send(Event::Log(format!(
        "Optimising the image: {total} iterations…"
    )));
    let mut reason = FinishReason::Completed;
    for done in 1..=total {
        if !keep_going(inbox, out, done as u64) {
            reason = FinishReason::Stopped;
            break;
        }
        let losses = run.step(&net)?;
        out.send(Event::Style(StyleEvent::Progress {
            done,
            total,
            losses: Some(losses),
        }));
        if request.preview_every > 0 && done % request.preview_every == 0 && done < total {
            let preview = picture::from_tensor(run.image()).context("reading the preview")?;
            out.send(Event::Style(StyleEvent::Preview(finish(preview))));
        }
    }
    let image = picture::from_tensor(run.image()).context("reading the result")?;
    Ok((finish(image), reason))
}

/// Runs a request to the end on the calling thread; `progress` sees every event.
/// Returns the finished image (for the CLI and tests).
pub fn stylize_blocking(
    request: StyleRequest,
    mut progress: impl FnMut(&Event),
) -> anyhow::Result<RgbaImage> {
    let job = spawn(request, job::no_waker());
    let mut result = None;
    for event in job.events() {
        progress(&event);
        match event {
            Event::Style(StyleEvent::Result { image, .. }) => result = Some(image),
            Event::Failed(message) => anyhow::bail!(message),
            Event::Finished(_) => break,
            _ => {}
        }
    }
    result.context("the style job ended without a result")
}
