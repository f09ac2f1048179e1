//! The Detect tab's face-detection job: loads the bundled detector and finds the faces in
//! one photo off the UI thread, answering with [`DetectEvent::Faces`].

use std::path::PathBuf;

use crate::core::device;
use crate::core::job::{JobHandle, Waker, spawn_job};
use crate::core::protocol::{DetectEvent, DeviceChoice, Event, FinishReason};
use crate::tasks::detect::faces::{FaceDetector, MIN_SCORE, faces_found};

/// Starts finding the faces in `photo` (on the CPU: the network is small).
pub fn spawn(photo: PathBuf, wake: Waker) -> JobHandle {
    spawn_job("faces", wake, move |_commands, out| {
        let selected = device::select(DeviceChoice::Cpu)?;
        let detector = FaceDetector::load(&selected.device)?;
        let found = faces_found(&detector, &photo, MIN_SCORE)?;
        out.send(Event::Detect(DetectEvent::Faces(found)));
        out.send(Event::Finished(FinishReason::Completed));
        Ok(())
    })
}
