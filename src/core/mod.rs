//! The foundations every other layer stands on: the protocol between the UI and the jobs,
//! the job runtime, the compute pool, devices, bundled assets, atomic file writes and the
//! bounds on what a run may ask for, and how the allocator keeps freed buffers.
//! Nothing here knows a task, a model or the UI.

pub mod allocator;
pub mod assets;
pub mod compute;
pub mod control;
pub mod device;
pub mod files;
pub mod job;
pub mod limits;
pub mod protocol;
pub mod remote;
pub mod remote_device;
