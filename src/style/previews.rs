//! Previews of the 26 built-in styles, for the Style tab's picker: a small bundled photo
//! stylized with each style alone, made by a job of their own (one network load, then a
//! small image per style; about a second in all on a 2-core CPU) and sent one by one as
//! [`StyleEvent::BuiltinPreview`] as they are made.

use std::sync::mpsc::Receiver;

use image::RgbImage;
use image::imageops::FilterType;

use crate::core::control::keep_going;
use crate::core::job::{self, JobHandle, Outbox, Waker};
use crate::core::protocol::{Command, DeviceChoice, Event, FinishReason, RgbaImage, StyleEvent};
use crate::core::{assets, device};
use crate::style::fast::{FastStyle, STYLES};
use crate::style::{StyleError, picture};

/// The photo every preview shows (a cup of coffee: its round shapes show a style's
/// strokes and colours at thumbnail size).
pub const PREVIEW_CONTENT: &str = "images/coffee.png";

/// Longer side the photo is stylized at: a style's strokes are drawn at a fixed size in
/// pixels, so a larger picture shrunk afterwards shows the style as a full-size result
/// would, where stylizing the thumbnail itself would show only a few strokes.
pub const WORK_SIDE: u32 = 192;

/// Longer side of a preview sent to the UI.
pub const PREVIEW_SIDE: u32 = 96;

/// Starts making the previews of `styles` (each below [`STYLES`]) on `choice`'s device (the
/// CPU when that device cannot be had), in that order.
pub fn spawn(styles: Vec<usize>, choice: DeviceChoice, wake: Waker) -> JobHandle {
    job::spawn_job("style-previews", wake, move |inbox, out| {
        run(&styles, choice, inbox, out)
    })
}

/// The job's body: one [`StyleEvent::BuiltinPreview`] per style, then
/// [`Event::Finished`] (stopped early by [`Command::Stop`] or a dropped handle).
pub fn run(
    styles: &[usize],
    choice: DeviceChoice,
    inbox: &Receiver<Command>,
    out: &Outbox,
) -> anyhow::Result<()> {
    let selected = device::select(choice).unwrap_or_else(|_| device::cpu());
    let content = content()?;
    let net = FastStyle::load(&selected.device)?;
    let mut reason = FinishReason::Completed;
    for (n, &style) in styles.iter().enumerate() {
        if !keep_going(inbox, out, n as u64) {
            reason = FinishReason::Stopped;
            break;
        }
        let image = preview(&net, &content, style)?;
        out.send(Event::Style(StyleEvent::BuiltinPreview { style, image }));
    }
    out.send(Event::Finished(reason));
    Ok(())
}

/// The bundled photo at [`WORK_SIDE`].
fn content() -> Result<RgbImage, StyleError> {
    let path = assets::find(PREVIEW_CONTENT).map_err(|e| StyleError::Image {
        path: PREVIEW_CONTENT.into(),
        message: e.to_string(),
    })?;
    let photo = picture::read(&path)?;
    let ((w, h), _) = picture::output_size(photo.dimensions(), WORK_SIDE)?;
    Ok(picture::resize(&photo, w, h))
}

/// `content` stylized with built-in style `style` alone, shrunk to [`PREVIEW_SIDE`].
pub fn preview(net: &FastStyle, content: &RgbImage, style: usize) -> Result<RgbaImage, StyleError> {
    if style >= STYLES {
        return Err(StyleError::Builtin(format!(
            "there is no built-in style {style}: they are numbered 0 to {}",
            STYLES - 1
        )));
    }
    let mut weights = [0.0; STYLES];
    weights[style] = 1.0;
    shrink(&net.stylize(content, &weights)?, PREVIEW_SIDE)
}

/// `image` scaled down (never up) to `side` on its longer side.
pub fn shrink(image: &RgbaImage, side: u32) -> Result<RgbaImage, StyleError> {
    let (w, h) = (image.width as u32, image.height as u32);
    let ((tw, th), _) = picture::output_size((w, h), side)?;
    if (tw, th) == (w, h) {
        return Ok(image.clone());
    }
    let raw = image::RgbaImage::from_raw(w, h, image.pixels.clone())
        .ok_or_else(|| StyleError::Internal(format!("a {w}×{h} picture of the wrong length")))?;
    let small = image::imageops::resize(&raw, tw, th, FilterType::Triangle);
    Ok(RgbaImage {
        width: tw as usize,
        height: th as usize,
        pixels: small.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn shrinking_keeps_the_aspect_and_never_enlarges() {
        let image = RgbaImage {
            width: 200,
            height: 100,
            pixels: vec![128; 200 * 100 * 4],
        };
        let small = shrink(&image, 96).unwrap();
        assert_eq!((small.width, small.height), (96, 48));
        assert_eq!(small.pixels.len(), 96 * 48 * 4);
        assert!(small.pixels.iter().all(|&v| v == 128));
        assert_eq!(shrink(&small, 200).unwrap(), small);
        let broken = RgbaImage {
            width: 200,
            height: 100,
            pixels: vec![0; 3],
        };
        assert!(shrink(&broken, 96).is_err());
    }

    #[test]
    fn every_builtin_style_gets_a_distinct_preview_on_the_cpu() {
        let started = Instant::now();
        let job = spawn((0..STYLES).collect(), DeviceChoice::Cpu, job::no_waker());
        let mut previews = Vec::new();
        for event in job.events() {
            match event {
                Event::Style(StyleEvent::BuiltinPreview { style, image }) => {
                    previews.push((style, image));
                }
                Event::Finished(reason) => {
                    assert_eq!(reason, FinishReason::Completed);
                    break;
                }
                Event::Failed(message) => panic!("{message}"),
                _ => {}
            }
        }
        eprintln!(
            "{STYLES} previews in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        assert_eq!(
            previews.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            (0..STYLES).collect::<Vec<_>>()
        );
        for (style, image) in &previews {
            assert_eq!(
                image.width.max(image.height),
                PREVIEW_SIDE as usize,
                "{style}"
            );
            assert_eq!(image.pixels.len(), image.width * image.height * 4);
        }
        // Each style looks different.
        let mut distinct: Vec<&Vec<u8>> = previews.iter().map(|(_, i)| &i.pixels).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), STYLES);
        let net = FastStyle::load(&device::cpu().device).unwrap();
        assert!(preview(&net, &content().unwrap(), STYLES).is_err());
    }

    #[test]
    fn a_stop_ends_the_previews_early() {
        let job = spawn((0..STYLES).collect(), DeviceChoice::Cpu, job::no_waker());
        job.send(Command::Stop);
        let mut made = 0;
        for event in job.events() {
            match event {
                Event::Style(StyleEvent::BuiltinPreview { .. }) => made += 1,
                Event::Finished(reason) => {
                    assert_eq!(reason, FinishReason::Stopped);
                    break;
                }
                other => assert!(!matches!(other, Event::Failed(_)), "{other:?}"),
            }
        }
        assert!(made < STYLES);
    }
}
