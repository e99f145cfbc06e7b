//! The raw shapes of every file stepwise reads, exactly as written, with a location on every
//! value a later stage may need to point at. Nothing here judges meaning; `check` does that.

pub mod log;
pub mod protocol;
pub mod serde_message;
pub mod yaml;

pub use yaml::Spanned;
