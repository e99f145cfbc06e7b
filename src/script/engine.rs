//! The sandboxed Rhai engine. Scripts are written by clinicians and shipped in protocol
//! folders, so they get no file, module, clock or `eval` access, strict variables, and hard
//! limits: a runaway script stops with an error instead of hanging a clinic's batch.

use rhai::Engine;
use rhai::packages::{BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage, MoreStringPackage, Package};

/// Operations one script evaluation may perform. A rule over a year of daily sessions needs a
/// few thousand; a million still finishes in milliseconds, so only runaways hit it.
pub const MAX_OPERATIONS: u64 = 1_000_000;
/// Nested function calls (helpers calling helpers). Recursion beyond this is a runaway.
pub const MAX_CALL_LEVELS: usize = 32;
/// Expression nesting depth, at top level and inside functions.
pub const MAX_EXPR_DEPTH: (usize, usize) = (64, 32);
/// Largest string, array and object map a script may build; a log has a few hundred sessions.
pub const MAX_STRING_SIZE: usize = 10_000;
pub use crate::vocab::script::MAX_ARRAY_SIZE;
/// Rhai counts a map's size with the maps nested in it (inside arrays too): a session of 100
/// exercises, each a map of a dozen fields, is over 1,000, and a limit of 1,000 failed a valid
/// log (with a red flag: no referral). Memory is bounded on its own (`MAX_SCRIPT_BYTES`).
pub const MAX_MAP_SIZE: usize = 100_000;

/// Wall-clock time the scripts of one log may take, all sessions of its replay together.
/// Operations bound the steps of a script, not their cost: a step may build a 10,000-character
/// string, so 70,000 steps within the operation limit took seconds. A clean log of a year of
/// daily sessions needs milliseconds. `STEPWISE_SCRIPT_SECONDS` overrides it (whole seconds,
/// at least 1).
pub const SCRIPT_SECONDS_PER_LOG: u64 = 10;

/// How often (in operations) the progress callback looks at the clock.
const CLOCK_EVERY_OPS: u64 = 4_096;

/// Memory the scripts of one log may hold at once, over what the thread held when the log's
/// evaluation began (counted by the binary's metered allocator, `crate::alloc`). A year of
/// daily sessions with a hundred motions measured at each needs a few MiB; Rhai's per-value
/// limits let one map of a thousand full arrays take 160 MB, and nothing bounded how many.
pub const MAX_SCRIPT_BYTES: isize = 128 << 20;

thread_local! {
    /// The CPU time of this thread ([`thread_cpu_time`]) at which the scripts of the log being
    /// evaluated on it must stop.
    static DEADLINE: std::cell::Cell<Option<std::time::Duration>> = const { std::cell::Cell::new(None) };
    /// The most this thread may hold while the log's scripts run (`None`: no evaluation).
    static MEMORY_CEILING: std::cell::Cell<Option<isize>> = const { std::cell::Cell::new(None) };
}

/// The per-log budget in force: [`SCRIPT_SECONDS_PER_LOG`] or the environment's override.
pub fn script_budget() -> std::time::Duration {
    static BUDGET: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();
    *BUDGET.get_or_init(|| {
        let set = std::env::var("STEPWISE_SCRIPT_SECONDS").ok();
        let secs = set.as_deref().and_then(|v| v.trim().parse::<u64>().ok()).filter(|s| (1..=MAX_SCRIPT_SECONDS).contains(s));
        if let (Some(v), None) = (&set, secs) {
            // Read once per process, so said once, however many logs follow.
            eprintln!(
                "note: STEPWISE_SCRIPT_SECONDS=`{}` is not a whole number of seconds from 1 to {MAX_SCRIPT_SECONDS}: the default of {SCRIPT_SECONDS_PER_LOG} s applies",
                crate::diagnostic::escape_controls(&crate::diagnostic::shorten(v))
            );
        }
        std::time::Duration::from_secs(secs.unwrap_or(SCRIPT_SECONDS_PER_LOG))
    })
}

/// The largest budget `STEPWISE_SCRIPT_SECONDS` may set: a day.
pub const MAX_SCRIPT_SECONDS: u64 = 86_400;

/// CPU time this thread has used. The budget counts a log's own work, not the time its thread
/// waited for a core: measured on the wall clock, a log near the budget was answered with one
/// job and failed with four on two cores, so the thread count changed the answers.
fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a live, writable timespec, and the clock id is one every Linux knows.
    let read = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut ts) };
    if read != 0 {
        // Never on Linux; were it to fail, the operation limit still bounds every script.
        return std::time::Duration::ZERO;
    }
    std::time::Duration::new(u64::try_from(ts.tv_sec).unwrap_or(0), u32::try_from(ts.tv_nsec).unwrap_or(0))
}

/// Runs `f` (the evaluation of one log) with the scripts' budget of CPU time: a script still
/// running past it stops with an error, which fails this log only.
pub fn with_time_budget<T>(budget: std::time::Duration, f: impl FnOnce() -> T) -> T {
    let deadline = thread_cpu_time().checked_add(budget);
    let before = DEADLINE.with(|d| d.replace(deadline));
    let ceiling = crate::alloc::thread_held().saturating_add(MAX_SCRIPT_BYTES);
    let ceiling_before = MEMORY_CEILING.with(|c| c.replace(Some(ceiling)));
    let out = f();
    DEADLINE.with(|d| d.set(before));
    MEMORY_CEILING.with(|c| c.set(ceiling_before));
    out
}

#[cfg(test)]
thread_local! {
    static OPERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts one script operation (Rhai reports every one to the progress callback), in tests
/// only: the replay's regression test compares what a session costs at two log lengths. A
/// no-op in a normal build.
// A no-op outside tests, once per script operation: never a call on the hot path.
#[allow(clippy::inline_always)]
#[inline(always)]
fn operation() {
    #[cfg(test)]
    OPERATIONS.with(|o| o.set(o.get() + 1));
}

/// Script operations run on this thread so far (tests only).
#[cfg(test)]
pub fn operations() -> u64 {
    OPERATIONS.with(std::cell::Cell::get)
}

/// The message a script stopped by the time budget fails with.
pub const OUT_OF_TIME: &str = "the scripts ran past the time budget for one log";

/// The message a script stopped by the memory budget fails with.
pub const OUT_OF_MEMORY: &str = "the scripts held more than 128 MiB for one log (the memory budget)";

/// A raw engine with only the packages rules need (no time package: `timestamp()` would make
/// decisions depend on the clock), configured as above, with the domain API registered.
pub fn sandboxed() -> Engine {
    let mut engine = Engine::new_raw();
    CorePackage::new().register_into_engine(&mut engine);
    LogicPackage::new().register_into_engine(&mut engine);
    BasicMathPackage::new().register_into_engine(&mut engine);
    BasicArrayPackage::new().register_into_engine(&mut engine);
    BasicMapPackage::new().register_into_engine(&mut engine);
    MoreStringPackage::new().register_into_engine(&mut engine);
    engine.disable_symbol("eval");
    // Modules are off (`set_max_modules(0)`); refused as words too, so `check` reports an
    // `import` where it is written instead of the first log failing on it.
    engine.disable_symbol("import");
    engine.disable_symbol("export");
    engine.set_max_modules(0);
    engine.set_strict_variables(true);
    // A key a log's `rom`, `measures` (or any map) lacks reads as `()`, so `??` gives the
    // default as documented; misspelt properties of the API's own types are found by `check`.
    engine.set_fail_on_invalid_map_property(false);
    engine.set_max_operations(MAX_OPERATIONS);
    engine.set_max_call_levels(MAX_CALL_LEVELS);
    engine.set_max_expr_depths(MAX_EXPR_DEPTH.0, MAX_EXPR_DEPTH.1);
    engine.set_max_string_size(MAX_STRING_SIZE);
    engine.set_max_array_size(MAX_ARRAY_SIZE);
    engine.set_max_map_size(MAX_MAP_SIZE);
    engine.on_progress(|ops| {
        operation();
        // Every operation: one step can build a 10,000-item array, so a few thousand steps
        // between looks could hold gigabytes.
        if MEMORY_CEILING.with(std::cell::Cell::get).is_some_and(|c| crate::alloc::thread_held() > c) {
            return Some(rhai::Dynamic::from(OUT_OF_MEMORY));
        }
        if ops % CLOCK_EVERY_OPS != 0 {
            return None;
        }
        let late = DEADLINE.with(std::cell::Cell::get).is_some_and(|at| thread_cpu_time() >= at);
        late.then(|| rhai::Dynamic::from(OUT_OF_TIME))
    });
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    // The core package's `sleep` would stall a batch without counting operations: replace it.
    engine.register_fn("sleep", |_: rhai::INT| -> Result<(), Box<rhai::EvalAltResult>> {
        Err("`sleep` is not allowed in protocol scripts".into())
    });
    engine.register_fn("sleep", |_: rhai::FLOAT| -> Result<(), Box<rhai::EvalAltResult>> {
        Err("`sleep` is not allowed in protocol scripts".into())
    });
    super::api::register(&mut engine);
    engine
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str) -> Result<rhai::Dynamic, String> {
        let engine = sandboxed();
        engine.eval::<rhai::Dynamic>(script).map_err(|e| e.to_string())
    }

    #[test]
    fn eval_is_disabled() {
        assert!(run(r#"eval("1")"#).unwrap_err().contains("eval"));
    }

    #[test]
    fn imports_are_refused() {
        // At compile time, as a reserved word: `check` reports it where it is written.
        let engine = sandboxed();
        assert!(engine.compile(r#"import "x" as y; 1"#).unwrap_err().to_string().contains("import"));
        assert!(engine.compile("export const x = 1;").is_err());
    }

    #[test]
    fn runaway_loop_is_an_error_not_a_hang() {
        assert!(run("loop { }").unwrap_err().contains("Too many operations"));
    }

    #[test]
    fn runaway_recursion_is_an_error() {
        assert!(run("fn f(x) { f(x + 1) } f(0)").is_err());
    }

    #[test]
    fn growing_strings_are_capped() {
        assert!(run(r#"let s = "xx"; loop { s += s; }"#).is_err());
    }

    #[test]
    fn the_time_budget_stops_a_costly_script() {
        let engine = sandboxed();
        let script = r#"let s = ""; for i in 0..70000 { s = "".pad(10000, "x"); } 1"#;
        let started = std::time::Instant::now();
        let r = with_time_budget(std::time::Duration::from_millis(200), || engine.eval::<rhai::Dynamic>(script));
        assert!(matches!(r.map_err(|e| *e), Err(rhai::EvalAltResult::ErrorTerminated(..))));
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        // Outside a budget nothing is stopped by the clock.
        assert!(engine.eval::<rhai::INT>("1 + 1").is_ok());
    }

    #[test]
    fn sleep_is_refused() {
        assert!(run("sleep(100); 1").unwrap_err().contains("`sleep` is not allowed"));
        assert!(run("sleep(0.5); 1").unwrap_err().contains("`sleep` is not allowed"));
    }

    #[test]
    fn no_clock() {
        assert!(run("timestamp()").is_err());
    }

    #[test]
    fn undefined_variables_are_rejected() {
        assert!(run("undefined_thing + 1").is_err());
    }
}
