//! Evaluation: (compiled protocol, checked log) → [`Answer`]. Pure: no I/O, no clock; the
//! same protocol and log always give the same answer.

pub mod answer;
pub mod evaluator;
pub mod next_session;
pub mod probe;

pub use answer::Answer;
pub use evaluator::{EvalError, EvalOptions, evaluate};
