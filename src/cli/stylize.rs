//! `visionlab stylize`: neural style transfer from the command line, the same job as the
//! Style tab. (`visionlab bench --only style` times it next to `shared/bench/style_ref.py`.)

use std::path::PathBuf;

use indicatif::ProgressBar;

use crate::cli::output::bar_style;
use crate::core::protocol::{
    DeviceChoice, Event, PixelOptimizer, StyleEvent, StyleInit, StyleMethod, StyleRequest,
};
use crate::style::{fast, job, picture};

/// Options of `visionlab stylize`.
#[derive(clap::Args, Debug)]
pub struct StylizeArgs {
    /// The content image.
    #[arg(long)]
    content: PathBuf,
    /// The style image (optimize, arbitrary).
    #[arg(long, conflicts_with = "builtin")]
    style: Option<PathBuf>,
    /// Built-in styles for the fast method: N, or N:w,M:w… to blend (0 to 25).
    #[arg(long)]
    builtin: Option<String>,
    /// The method (default: fast with --builtin, arbitrary with --style).
    #[arg(long, value_enum)]
    method: Option<StyleMethod>,
    /// Longer side of the output in pixels (capped at the content image's own).
    #[arg(long, default_value_t = 512)]
    size: u32,
    /// Optimisation iterations.
    #[arg(long, default_value_t = 200)]
    iters: usize,
    /// Weight of the content loss.
    #[arg(long, default_value_t = 1.0)]
    content_weight: f32,
    /// Weight of the style loss.
    #[arg(long, default_value_t = 1e4)]
    style_weight: f32,
    /// Weight of the total-variation loss.
    #[arg(long, default_value_t = 1e-5)]
    tv_weight: f32,
    /// MobileNetV2 stages of the style loss, comma-separated.
    #[arg(long, default_value = "2,4,7,14", value_delimiter = ',')]
    style_layers: Vec<usize>,
    /// Optimizer of the pixels.
    #[arg(long, value_enum, default_value = "adam")]
    optimizer: PixelOptimizer,
    /// Step size of the optimizer.
    #[arg(long, default_value_t = 0.02)]
    lr: f32,
    /// Start the optimisation from the content or from noise.
    #[arg(long, value_enum, default_value = "content")]
    init: StyleInit,
    /// Seed of the noise initialisation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Arbitrary style: 0 keeps the content's own style, 1 takes the style image's.
    #[arg(long, default_value_t = 1.0)]
    strength: f32,
    /// Keep the content's original colours (transfer luminance only).
    #[arg(long)]
    keep_colors: bool,
    /// Where tensors run: auto, cpu, gpu, or remote:ws://host:port (a `visionlab serve`).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// The output file (.png or .jpg), written atomically.
    #[arg(long)]
    out: PathBuf,
}

/// Builds the job's request from the options.
fn request(args: &StylizeArgs) -> anyhow::Result<StyleRequest> {
    let method = args.method.unwrap_or(if args.style.is_some() {
        StyleMethod::Arbitrary
    } else {
        StyleMethod::Fast
    });
    let builtin = match (&args.builtin, method) {
        (Some(text), _) => fast::parse_builtin(text)?,
        (None, StyleMethod::Fast) => {
            anyhow::bail!("the fast method needs --builtin N (0 to 25), e.g. --builtin 7")
        }
        (None, _) => Vec::new(),
    };
    // Refuse a wrong extension or an unwritable path before any work is done.
    picture::check_export(&args.out)?;
    Ok(StyleRequest {
        content: args.content.clone(),
        style: args.style.clone(),
        method,
        builtin,
        size: args.size,
        iterations: args.iters,
        content_weight: args.content_weight,
        style_weight: args.style_weight,
        tv_weight: args.tv_weight,
        style_layers: args.style_layers.clone(),
        learning_rate: args.lr,
        optimizer: args.optimizer,
        init: args.init,
        seed: args.seed,
        strength: args.strength,
        keep_colors: args.keep_colors,
        preview_every: 0,
        device: args.device,
        ..StyleRequest::default()
    })
}

/// Runs `visionlab stylize`.
pub fn run(args: StylizeArgs) -> anyhow::Result<()> {
    let request = request(&args)?;
    job::validate(&request)?;
    let bar = ProgressBar::new(request.iterations as u64);
    bar.set_style(bar_style("{bar:40} {pos}/{len} iterations  {msg}"));
    let optimizing = request.method == StyleMethod::Optimize;
    let image = job::stylize_blocking(request, |event| match event {
        Event::Device(d) => bar.println(format!("device: {d}")),
        Event::Log(line) => bar.println(line),
        Event::Style(StyleEvent::Progress { done, losses, .. }) if optimizing => {
            bar.set_position(*done as u64);
            if let Some(l) = losses {
                bar.set_message(format!(
                    "loss {:.4} (content {:.4}, style {:.4}, tv {:.4})",
                    l.total(),
                    l.content,
                    l.style,
                    l.tv
                ));
            }
        }
        Event::Style(StyleEvent::Result { millis, .. }) => {
            bar.println(format!("stylized in {:.1} s", millis / 1000.0));
        }
        _ => {}
    });
    bar.finish_and_clear();
    let image = image?;
    picture::export(&args.out, &image)?;
    println!(
        "wrote {} ({}×{})",
        args.out.display(),
        image.width,
        image.height
    );
    Ok(())
}
