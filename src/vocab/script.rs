//! What scripts may hold, shared by the stages before and after compiling: `check` refuses a
//! log with more sessions than a script's array may hold, and `script::engine` sets the limit.

/// Longest array a script may build or be given (the log's sessions among them).
pub const MAX_ARRAY_SIZE: usize = 10_000;
