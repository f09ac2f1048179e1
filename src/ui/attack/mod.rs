//! The Attack tab: adversarial examples against a trained classifier, one image at a time
//! (the explorer) and over the validation split (the robustness curve).

pub mod state;
pub mod view;

pub use state::AttackTab;
