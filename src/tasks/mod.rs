//! One module per task: what a trained model of that task answers.

pub mod classify;
pub mod detect;
pub mod imagenet;
pub mod segment;
