//! Records the log values a script read while it ran, so that each fired rule can show the
//! inputs that decided it. Recording is a cheap push of a field name and a value; text is
//! made only for rules that are reported.

use std::cell::RefCell;

use rhai::Dynamic;

/// What was read: a field of a session or of the log, or a protocol parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Static(&'static str),
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
}

pub fn record(session: Option<usize>, field: &'static str, value: &Dynamic) {
    READS.with(|r| r.borrow_mut().push(Read { session, field: Field::Static(field), value: value.clone() }));
}

/// Records a parameter read (by a rule, a gate or a helper function they call).
pub fn record_param(name: rhai::ImmutableString, value: &Dynamic) {
    READS.with(|r| r.borrow_mut().push(Read { session: None, field: Field::Param(name), value: value.clone() }));
}

/// Clears the buffer before a script runs.
pub fn start() {
    READS.with(|r| r.borrow_mut().clear());
}

/// Takes what the script read since [`start`].
pub fn take() -> Vec<Read> {
    READS.with(|r| std::mem::take(&mut *r.borrow_mut()))
}
