// Segmentation overlay: colours each pixel of an image by its class (predicted or true)
// or marks the pixels where prediction and truth differ, blended with an opacity.
// The image and the masks are uploaded once; only `params` changes when the user moves
// the opacity slider or switches the mode.

struct Params {
    // Blend weight of the class colour, 0..1.
    opacity: f32,
    // 0 = prediction, 1 = ground truth, 2 = errors.
    mode: u32,
    // 1 when the render target is an sRGB format (colours are then linearised).
    srgb_target: u32,
    _pad: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
// Class colours (VOC colour map), 0..1, index = class; 255 = ignored.
@group(0) @binding(1) var<uniform> palette: array<vec4<f32>, 256>;

@group(1) @binding(0) var image_tex: texture_2d<f32>;
// r = predicted class, g = true class (255 = ignored).
@group(1) @binding(1) var mask_tex: texture_2d<u32>;

struct VertexOut {
    @builtin(position) position: vec4<f32>,
    @location(0) uv: vec2<f32>,
};

// A quad covering the viewport (egui sets it to the widget's rectangle).
@vertex
fn vs_main(@builtin(vertex_index) index: u32) -> VertexOut {
    let corner = vec2<f32>(f32(index & 1u), f32((index >> 1u) & 1u));
    var out: VertexOut;
    out.position = vec4<f32>(corner.x * 2.0 - 1.0, 1.0 - corner.y * 2.0, 0.0, 1.0);
    out.uv = corner;
    return out;
}

fn to_linear(c: vec3<f32>) -> vec3<f32> {
    let low = c / 12.92;
    let high = pow((c + 0.055) / 1.055, vec3<f32>(2.4));
    return select(high, low, c <= vec3<f32>(0.04045));
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let size = vec2<i32>(textureDimensions(image_tex));
    let texel = clamp(vec2<i32>(in.uv * vec2<f32>(size)), vec2<i32>(0), size - vec2<i32>(1));
    // Bytes / 255, as the CPU path computes: no filtering, no colour conversion.
    let rgb = textureLoad(image_tex, texel, 0).rgb;
    let classes = textureLoad(mask_tex, texel, 0);
    let predicted = classes.r;
    let truth = classes.g;

    var weight = params.opacity;
    var colour = vec3<f32>(0.0);
    if (params.mode == 2u) {
        colour = vec3<f32>(1.0, 40.0 / 255.0, 40.0 / 255.0);
        if (truth == 255u || predicted == truth) {
            weight = 0.0;
        }
    } else {
        let class_index = select(predicted, truth, params.mode == 1u);
        colour = palette[class_index].rgb;
        if (class_index == 0u) {
            weight = 0.0;
        }
    }
    // Rounded to bytes like the CPU path, so both show the same picture.
    var out = round(mix(rgb, colour, weight) * 255.0) / 255.0;
    if (params.srgb_target == 1u) {
        out = to_linear(out);
    }
    return vec4<f32>(out, 1.0);
}
