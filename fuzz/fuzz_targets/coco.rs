//! COCO annotation JSON, then its polygons rasterised at a small size.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| visionlab::tasks::detect::data::fuzzing::coco_json(data));
