//! The GPU path (burn's wgpu backend). On machines without a GPU this runs on Mesa's
//! software Vulkan (lavapipe, package `mesa-vulkan-drivers`); with no adapter at all it says
//! so loudly instead of passing silently.

use visionlab::core::device;
use visionlab::core::protocol::{DataSpec, DeviceChoice, TrainConfig};
use visionlab::tasks;

#[test]
fn classifier_trains_on_a_wgpu_adapter() {
    let adapters = device::adapters();
    if adapters.is_empty() {
        eprintln!(
            "NOTICE: GPU path NOT TESTED — wgpu found no adapter. Install mesa-vulkan-drivers \
             (lavapipe) or a GPU driver to run it."
        );
        return;
    }
    // Autotuning benchmarks every kernel variant: minutes on a software rasteriser.
    // SAFETY: this binary's only test sets it before any thread touches the GPU runtime.
    unsafe { std::env::set_var("CUBECL_AUTOTUNE_LEVEL", "minimal") };
    let selected = device::select(DeviceChoice::Gpu).expect("an adapter exists");
    eprintln!("GPU path on: {}", selected.description);
    assert!(selected.is_gpu);
    let epochs = tasks::train_blocking(TrainConfig {
        data: DataSpec::Shapes { count: 40, seed: 1 },
        epochs: 2,
        batch_size: 16,
        device: DeviceChoice::Gpu,
        ..TrainConfig::default()
    })
    .expect("training on the GPU path runs");
    assert_eq!(epochs.len(), 2);
    assert!(
        epochs
            .iter()
            .all(|e| e.train_loss.is_finite() && e.val_loss.is_finite())
    );
}
