//! The segmentation overlay's WGSL shader, run on a real wgpu adapter (Mesa's lavapipe on
//! machines without a GPU): it must paint exactly what the CPU fallback paints, in every
//! mode, and changing the opacity or the mode must not upload the image again.

use std::sync::Arc;

use eframe::egui_wgpu::wgpu;
use visionlab::ui::segment::overlay::{MaskPixels, OverlayMode, compose};
use visionlab::ui::segment::overlay_gpu::{OverlayRenderer, UploadCounter};

const W: u32 = 24;
const H: u32 = 16;

fn device() -> Option<(wgpu::Device, wgpu::Queue, String)> {
    let instance = wgpu::Instance::default();
    let adapter =
        pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions::default()))
            .ok()?;
    let name = adapter.get_info().name;
    let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
        label: Some("overlay-test"),
        required_limits: wgpu::Limits::downlevel_defaults(),
        ..Default::default()
    }))
    .ok()?;
    Some((device, queue, name))
}

/// A picture with a gradient, and masks with every case: background, classes, ignored,
/// right and wrong pixels.
fn item() -> MaskPixels {
    let n = (W * H) as usize;
    let mut rgba = Vec::with_capacity(n * 4);
    let mut classes = Vec::with_capacity(n * 2);
    for i in 0..n {
        let (x, y) = (i as u32 % W, i as u32 / W);
        rgba.extend_from_slice(&[(x * 10) as u8, (y * 15) as u8, ((x + y) * 5) as u8, 255]);
        let truth = if y == 0 { 255 } else { ((x / 4) % 6) as u8 };
        let predicted = if truth == 255 {
            (x % 6) as u8
        } else if x % 5 == 0 {
            (truth + 1) % 6
        } else {
            truth
        };
        classes.extend_from_slice(&[predicted, truth]);
    }
    MaskPixels {
        key: 7,
        width: W as usize,
        height: H as usize,
        rgba,
        classes,
    }
}

/// Draws `item` with the shader into a W×H texture and reads it back (RGBA bytes).
fn render(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    renderer: &mut OverlayRenderer,
    item: &MaskPixels,
    opacity: f32,
    mode: OverlayMode,
) -> Vec<u8> {
    let target = device.create_texture(&wgpu::TextureDescriptor {
        label: Some("overlay-target"),
        size: wgpu::Extent3d {
            width: W,
            height: H,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba8Unorm,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    });
    let view = target.create_view(&wgpu::TextureViewDescriptor::default());
    renderer.prepare_item(device, queue, item, opacity, mode);
    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
    {
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("overlay-pass"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            ..Default::default()
        });
        renderer.draw(&mut pass, item.key);
    }
    // Rows are padded to 256 bytes in the copy.
    let row = 256u32;
    let buffer = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("overlay-readback"),
        size: u64::from(row * H),
        usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
        mapped_at_creation: false,
    });
    encoder.copy_texture_to_buffer(
        wgpu::TexelCopyTextureInfo {
            texture: &target,
            mip_level: 0,
            origin: wgpu::Origin3d::ZERO,
            aspect: wgpu::TextureAspect::All,
        },
        wgpu::TexelCopyBufferInfo {
            buffer: &buffer,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(row),
                rows_per_image: Some(H),
            },
        },
        wgpu::Extent3d {
            width: W,
            height: H,
            depth_or_array_layers: 1,
        },
    );
    queue.submit([encoder.finish()]);
    buffer
        .slice(..)
        .map_async(wgpu::MapMode::Read, |r| r.expect("map"));
    device
        .poll(wgpu::PollType::Wait {
            submission_index: None,
            timeout: None,
        })
        .expect("poll");
    let data = buffer
        .slice(..)
        .get_mapped_range()
        .expect("mapped")
        .to_vec();
    data.chunks(row as usize)
        .flat_map(|r| r[..(W * 4) as usize].to_vec())
        .collect()
}

#[test]
fn shader_paints_what_the_cpu_paints_and_uploads_once() {
    let Some((device, queue, name)) = device() else {
        eprintln!(
            "NOTICE: overlay shader NOT TESTED — wgpu found no adapter. Install \
             mesa-vulkan-drivers (lavapipe) or a GPU driver to run it."
        );
        return;
    };
    eprintln!("overlay shader on: {name}");
    let uploads = UploadCounter::default();
    let mut renderer =
        OverlayRenderer::new(&device, wgpu::TextureFormat::Rgba8Unorm, uploads.clone());
    let item = Arc::new(item());
    for mode in OverlayMode::ALL {
        for opacity in [0.0, 0.35, 0.6, 1.0] {
            let gpu = render(&device, &queue, &mut renderer, &item, opacity, mode);
            let cpu = compose(&item, mode, opacity);
            let worst = gpu
                .iter()
                .zip(&cpu.pixels)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap_or(0);
            assert!(
                worst <= 1,
                "{mode:?} at {opacity}: GPU and CPU differ by {worst}"
            );
        }
    }
    // 12 frames with other opacities and modes: the image went up once.
    assert_eq!(uploads.get(), 1);
}
