//! YOLO label lines, `data.yaml` and `classes.txt`: the first byte picks the class count.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| visionlab::tasks::detect::data::fuzzing::yolo_labels(data));
