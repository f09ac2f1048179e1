//! The segmentation overlay drawn on the GPU: `shaders/overlay.wgsl` run through egui's
//! wgpu paint callback. Each item's image and masks are uploaded once (cached by key);
//! a frame only writes the 16-byte parameter block, so moving the opacity slider or
//! switching the mode never re-uploads an image.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use eframe::egui_wgpu::{self, CallbackResources, CallbackTrait, ScreenDescriptor, wgpu};
use wgpu::util::DeviceExt;

use crate::core::device::Adapter;
use crate::tasks::segment::class_colour;
use crate::ui::segment::overlay::{MaskPixels, OverlayMode};

/// The WGSL source.
pub const SHADER: &str = include_str!("../../../shaders/overlay.wgsl");

/// Items whose textures stay on the GPU; older ones are dropped.
const CACHE_SIZE: usize = 64;

/// Counts texture uploads (shown in the panel; tests check that slider moves add none),
/// and names the adapter that draws.
#[derive(Clone, Debug, Default)]
pub struct UploadCounter(Arc<AtomicU64>, Arc<OnceLock<Adapter>>);

impl UploadCounter {
    /// Uploads so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// The adapter the window is drawn with, once the shader is installed.
    pub fn adapter(&self) -> Option<&Adapter> {
        self.1.get()
    }

    fn bump(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// The pipeline, the parameter buffers and the cached per-item textures.
pub struct OverlayRenderer {
    pipeline: wgpu::RenderPipeline,
    params: wgpu::Buffer,
    shared: wgpu::BindGroup,
    item_layout: wgpu::BindGroupLayout,
    items: HashMap<u64, (wgpu::BindGroup, u64)>,
    frame: u64,
    srgb_target: bool,
    uploads: UploadCounter,
}

/// The 16-byte parameter block of the shader.
fn params_bytes(opacity: f32, mode: OverlayMode, srgb_target: bool) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[0..4].copy_from_slice(&opacity.clamp(0.0, 1.0).to_le_bytes());
    out[4..8].copy_from_slice(&mode.code().to_le_bytes());
    out[8..12].copy_from_slice(&u32::from(srgb_target).to_le_bytes());
    out
}

impl OverlayRenderer {
    /// Builds the pipeline for render targets of `format`.
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat, uploads: UploadCounter) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("visionlab-overlay"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let uniform = |binding| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::FRAGMENT,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let shared_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("visionlab-overlay-shared"),
            entries: &[uniform(0), uniform(1)],
        });
        let texture = |binding, sample_type| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::FRAGMENT,
            ty: wgpu::BindingType::Texture {
                sample_type,
                view_dimension: wgpu::TextureViewDimension::D2,
                multisampled: false,
            },
            count: None,
        };
        let item_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("visionlab-overlay-item"),
            entries: &[
                texture(0, wgpu::TextureSampleType::Float { filterable: false }),
                texture(1, wgpu::TextureSampleType::Uint),
            ],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("visionlab-overlay"),
            bind_group_layouts: &[Some(&shared_layout), Some(&item_layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("visionlab-overlay"),
            layout: Some(&layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive: wgpu::PrimitiveState {
                topology: wgpu::PrimitiveTopology::TriangleStrip,
                ..Default::default()
            },
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        let srgb_target = format.is_srgb();
        let params = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("visionlab-overlay-params"),
            contents: &params_bytes(0.5, OverlayMode::Prediction, srgb_target),
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        });
        let palette_bytes: Vec<u8> = (0..=255u8)
            .flat_map(|i| {
                let [r, g, b] = class_colour(i);
                [r, g, b, 255]
                    .into_iter()
                    .flat_map(|v| (f32::from(v) / 255.0).to_le_bytes())
            })
            .collect();
        let palette = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("visionlab-overlay-palette"),
            contents: &palette_bytes,
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let shared = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("visionlab-overlay-shared"),
            layout: &shared_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: params.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: palette.as_entire_binding(),
                },
            ],
        });
        OverlayRenderer {
            pipeline,
            params,
            shared,
            item_layout,
            items: HashMap::new(),
            frame: 0,
            srgb_target,
            uploads,
        }
    }

    /// Installs the renderer into eframe's wgpu renderer; false when eframe does not
    /// render with wgpu (the panel then colours on the CPU).
    pub fn install(render_state: Option<&egui_wgpu::RenderState>, uploads: UploadCounter) -> bool {
        let Some(rs) = render_state else {
            return false;
        };
        let info = rs.adapter.get_info();
        let _ = uploads.1.set(Adapter {
            name: info.name,
            backend: format!("{:?}", info.backend),
            software: info.device_type == wgpu::DeviceType::Cpu,
        });
        let renderer = OverlayRenderer::new(&rs.device, rs.target_format, uploads);
        rs.renderer.write().callback_resources.insert(renderer);
        true
    }

    /// Uploads an item's image and masks unless they are cached; sets the parameters.
    pub fn prepare_item(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        item: &MaskPixels,
        opacity: f32,
        mode: OverlayMode,
    ) {
        self.frame += 1;
        queue.write_buffer(
            &self.params,
            0,
            &params_bytes(opacity, mode, self.srgb_target),
        );
        if let Some(entry) = self.items.get_mut(&item.key) {
            entry.1 = self.frame;
            return;
        }
        let size = wgpu::Extent3d {
            width: item.width.max(1) as u32,
            height: item.height.max(1) as u32,
            depth_or_array_layers: 1,
        };
        let upload = |format: wgpu::TextureFormat, bytes: &[u8], per_pixel: u32| {
            let texture = device.create_texture(&wgpu::TextureDescriptor {
                label: Some("visionlab-overlay-item"),
                size,
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
                view_formats: &[],
            });
            let expected = (size.width * size.height * per_pixel) as usize;
            let mut data = bytes.to_vec();
            data.resize(expected, 0);
            queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture: &texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                &data,
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(size.width * per_pixel),
                    rows_per_image: Some(size.height),
                },
                size,
            );
            texture.create_view(&wgpu::TextureViewDescriptor::default())
        };
        let image = upload(wgpu::TextureFormat::Rgba8Unorm, &item.rgba, 4);
        let classes = upload(wgpu::TextureFormat::Rg8Uint, &item.classes, 2);
        let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("visionlab-overlay-item"),
            layout: &self.item_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(&image),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(&classes),
                },
            ],
        });
        self.uploads.bump();
        self.items.insert(item.key, (group, self.frame));
        if self.items.len() > CACHE_SIZE {
            let frame = self.frame;
            let mut ages: Vec<(u64, u64)> = self.items.iter().map(|(k, v)| (*k, v.1)).collect();
            ages.sort_by_key(|&(_, used)| used);
            for (key, _) in ages.into_iter().take(self.items.len() - CACHE_SIZE) {
                if key != item.key {
                    self.items.remove(&key);
                }
            }
            debug_assert!(self.items.values().all(|v| v.1 <= frame));
        }
    }

    /// Draws an item prepared this frame into the current viewport.
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, key: u64) {
        let Some((group, _)) = self.items.get(&key) else {
            return;
        };
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.shared, &[]);
        pass.set_bind_group(1, group, &[]);
        pass.draw(0..4, 0..1);
    }
}

/// One overlay drawn this frame: the item (shared, not copied) and the view settings.
pub struct OverlayCallback {
    /// The image and masks.
    pub item: Arc<MaskPixels>,
    /// Opacity of the colours.
    pub opacity: f32,
    /// Which mask is coloured.
    pub mode: OverlayMode,
}

impl CallbackTrait for OverlayCallback {
    fn prepare(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        if let Some(renderer) = resources.get_mut::<OverlayRenderer>() {
            renderer.prepare_item(device, queue, &self.item, self.opacity, self.mode);
        }
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        if let Some(renderer) = resources.get::<OverlayRenderer>() {
            renderer.draw(pass, self.item.key);
        }
    }
}

/// Paints `item` into `rect` through the wgpu callback.
pub fn paint(
    ui: &egui::Ui,
    rect: egui::Rect,
    item: Arc<MaskPixels>,
    opacity: f32,
    mode: OverlayMode,
) {
    ui.painter().add(egui_wgpu::Callback::new_paint_callback(
        rect,
        OverlayCallback {
            item,
            opacity,
            mode,
        },
    ));
}
