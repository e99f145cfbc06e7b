//! What scripts may hold and call, shared by the stages before and after compiling: `check`
//! refuses a log with more sessions than a script's array may hold (`script::engine` sets the
//! limit), and checks calls and field names against the API's lists (`script::api` registers
//! what they name; its tests keep the two in step).

/// Longest array a script may build or be given (the log's sessions among them).
pub const MAX_ARRAY_SIZE: usize = 10_000;

/// The fields `values`, `all_have`, `slope` and `previous_values` accept.
pub const FIELDS: [&str; 10] =
    ["pain.before", "pain.during", "pain.after", "pain.next_day", "pain.worst", "fatigue", "minutes", "day", "rom.NAME", "measures.NAME"];

/// Function names the API adds, for "unknown function" checks and did-you-mean.
pub const FUNCTIONS: [&str; 18] = [
    "median",
    "training_spike",
    "window_days",
    "recent",
    "previous",
    "previous_values",
    "days_since",
    "has_symptom",
    "did",
    "exercise",
    "values",
    "all_have",
    "slope",
    "exercise_sessions",
    "mean",
    "sum",
    "max",
    "min",
];
