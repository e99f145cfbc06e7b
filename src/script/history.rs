//! Facts about a log's history that scripts read on every session of a replay: the last
//! review, the exercise sessions before a session, the run of consecutive training days, and
//! per field or exercise the latest session that has it. Each is a table over the whole log,
//! built in one pass the first time a script asks, so that a read is a lookup: a walk back
//! through every earlier session on every read made a replay quadratic in the log's length
//! (issue 10).
//!
//! The log is fixed while it is evaluated, so a table built for one session holds for every
//! other; what the replay adds as it goes (decisions, `beyond_plan`) is not in here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::model::log::Session;
use crate::vocab::log::SessionKind;

/// Per session index, the latest session at or before it with some property (`None`: none).
pub type Chain = Arc<[Option<usize>]>;

/// The tables of one log.
#[derive(Default)]
pub struct History {
    base: OnceLock<Base>,
    /// `previous_values(field, n)`, by field.
    fields: Mutex<HashMap<String, Chain>>,
    /// `days_since(id)`, by exercise id.
    exercises: Mutex<HashMap<String, Chain>>,
}

/// The tables every log gets at once (one pass, three numbers per session).
struct Base {
    review_at: Vec<Option<usize>>,
    exercise_at: Vec<Option<usize>>,
    consecutive: Vec<u32>,
}

impl Base {
    fn of(sessions: &[Session]) -> Base {
        visited(sessions.len());
        let mut review_at = Vec::with_capacity(sessions.len());
        let mut exercise_at = Vec::with_capacity(sessions.len());
        let mut consecutive = Vec::with_capacity(sessions.len());
        let mut before: Option<&Session> = None;
        for (i, s) in sessions.iter().enumerate() {
            // Each table holds one entry per session before this one: its last is the previous.
            review_at.push(if s.review.is_some() { Some(i) } else { review_at.last().copied().flatten() });
            exercise_at.push(if s.kind == SessionKind::Exercise { Some(i) } else { exercise_at.last().copied().flatten() });
            // Exercise sessions on consecutive calendar days, counting back from this one: the
            // run ends at the first session that is not an exercise or not the day before.
            let run = match before {
                _ if s.kind != SessionKind::Exercise => 0,
                Some(b) if b.kind == SessionKind::Exercise && s.date.days_since(b.date) == 1 => consecutive.last().map_or(1, |c| c + 1),
                _ => 1,
            };
            consecutive.push(run);
            before = Some(s);
        }
        Base { review_at, exercise_at, consecutive }
    }
}

impl History {
    fn base(&self, sessions: &[Session]) -> &Base {
        self.base.get_or_init(|| Base::of(sessions))
    }

    /// The latest session at or before `end` that records a clinician's review.
    pub fn review_at(&self, sessions: &[Session], end: usize) -> Option<usize> {
        self.base(sessions).review_at.get(end).copied().flatten()
    }

    /// The latest exercise session at or before `end`.
    pub fn exercise_at(&self, sessions: &[Session], end: usize) -> Option<usize> {
        self.base(sessions).exercise_at.get(end).copied().flatten()
    }

    /// Exercise sessions on consecutive calendar days ending with session `end` (0 when it is
    /// not an exercise session).
    pub fn consecutive_training_days(&self, sessions: &[Session], end: usize) -> u32 {
        self.base(sessions).consecutive.get(end).copied().unwrap_or(0)
    }

    /// Per session, the latest session at or before it whose `field` has a value. `has` says
    /// whether a session has it; it is asked once per session of the log, the first time only.
    pub fn field_chain(&self, sessions: &[Session], field: &str, has: impl Fn(&Session) -> bool) -> Chain {
        chain(&self.fields, sessions, field, has)
    }

    /// Per session, the latest session at or before it that did exercise `id`.
    pub fn exercise_chain(&self, sessions: &[Session], id: &str) -> Chain {
        chain(&self.exercises, sessions, id, |s| s.exercises.iter().any(|e| e.id == id))
    }
}

fn chain(tables: &Mutex<HashMap<String, Chain>>, sessions: &[Session], key: &str, has: impl Fn(&Session) -> bool) -> Chain {
    // A panic while the lock was held cannot leave a half-built table in the map (a table is
    // inserted whole), so a poisoned lock is still sound to use.
    let mut tables = tables.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(c) = tables.get(key) {
        return c.clone();
    }
    visited(sessions.len());
    let mut latest = None;
    let c: Chain = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if has(s) {
                latest = Some(i);
            }
            latest
        })
        .collect();
    tables.insert(key.to_string(), c.clone());
    c
}

#[cfg(test)]
thread_local! {
    static VISITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts sessions read from history (by a table being built, a window, a session view made
/// for a script), in tests only: the replay's regression test asserts that a session costs the
/// same however long the history before it is. A no-op in a normal build.
// A no-op outside tests, once per session read: never a call on the hot path.
// `_n` is read in tests only.
#[allow(clippy::inline_always, clippy::used_underscore_binding)]
#[inline(always)]
pub fn visited(_n: usize) {
    #[cfg(test)]
    VISITS.with(|v| v.set(v.get() + _n as u64));
}

/// Sessions read from history on this thread so far (tests only).
#[cfg(test)]
pub fn visits() -> u64 {
    VISITS.with(std::cell::Cell::get)
}
