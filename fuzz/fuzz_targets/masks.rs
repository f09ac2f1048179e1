//! Segmentation mask files (PNG and other image formats) from bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| visionlab::tasks::detect::data::fuzzing::mask_file(data));
