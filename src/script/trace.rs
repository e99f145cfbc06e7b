//! Records the log values a script read while it ran, so that each fired rule can show the
//! inputs that decided it. Recording is a cheap push of a field name and a value; text is
//! made only for rules that are reported.
//!
//! Only the last session of a replay is reported, so the evaluator switches recording on for
//! that session alone ([`start`]): on every other session a read records nothing, and a value
//! built only to be shown (the array behind `has_symptom`) is not built ([`record_with`]).

use std::cell::{Cell, RefCell};

use rhai::Dynamic;

/// What was read: a field of a session or of the log, or a protocol parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Static(&'static str),
    /// A field named by the script (`log.previous_values("rom.hip_flexion", 2)`).
    Named(rhai::ImmutableString),
    Param(rhai::ImmutableString),
}

/// One value read: which session (`None` for a derived value of the whole log or a
/// parameter), the field and the value.
#[derive(Debug, Clone)]
pub struct Read {
    pub session: Option<usize>,
    pub field: Field,
    pub value: Dynamic,
}

thread_local! {
    static READS: RefCell<Vec<Read>> = const { RefCell::new(Vec::new()) };
    static ON: Cell<bool> = const { Cell::new(false) };
}

pub fn record(session: Option<usize>, field: &'static str, value: &Dynamic) {
    record_with(session, field, || value.clone());
}

/// Records a value made only when recording is on.
pub fn record_with(session: Option<usize>, field: &'static str, value: impl FnOnce() -> Dynamic) {
    if ON.with(Cell::get) {
        READS.with(|r| r.borrow_mut().push(Read { session, field: Field::Static(field), value: value() }));
    }
}

/// Records a value of a field the script named (`rom.hip_flexion` of an earlier session);
/// the name is copied only when recording is on.
pub fn record_named(session: Option<usize>, field: &str, value: impl FnOnce() -> Dynamic) {
    if ON.with(Cell::get) {
        READS.with(|r| r.borrow_mut().push(Read { session, field: Field::Named(field.into()), value: value() }));
    }
}

/// Records a parameter read (by a rule, a gate or a helper function they call).
pub fn record_param(name: rhai::ImmutableString, value: &Dynamic) {
    if ON.with(Cell::get) {
        READS.with(|r| r.borrow_mut().push(Read { session: None, field: Field::Param(name), value: value.clone() }));
    }
}

/// Clears the buffer before a script runs; `on`: record what it reads (else nothing is kept).
pub fn start(on: bool) {
    ON.with(|o| o.set(on));
    READS.with(|r| r.borrow_mut().clear());
}

/// Takes what the script read since [`start`], and stops recording.
pub fn take() -> Vec<Read> {
    ON.with(|o| o.set(false));
    READS.with(|r| std::mem::take(&mut *r.borrow_mut()))
}
