//! Pascal VOC annotation XML: the document, its size and every object's box.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| visionlab::tasks::detect::data::fuzzing::voc_xml(data));
