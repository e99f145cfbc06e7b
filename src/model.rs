//! The checked model: what the engine evaluates. Built by `check` from the raw syntax, only
//! when there are no errors; every id is resolved and every value is in range.

pub mod dose;
pub mod log;
pub mod protocol;
pub mod script_place;
