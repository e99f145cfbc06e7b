//! Rhai, sandboxed: the engine (`engine`), the read-only view of a patient log and the helper
//! library that scripts see (`api`, with its per-log history tables in `history`), what a
//! script read (`trace`), and a protocol whose scripts are compiled once
//! ([`CompiledProtocol`]).

pub mod api;
pub mod compile;
pub mod engine;
pub mod history;
pub mod trace;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rhai::{AST, Engine, ImmutableString};

use crate::model::protocol::Protocol;

/// A checked protocol with every script compiled, ready to evaluate any number of logs, on
/// any number of threads (the engine and the ASTs are shared read-only).
pub struct CompiledProtocol {
    pub protocol: Arc<Protocol>,
    pub engine: Arc<Engine>,
    /// One AST per rule, in rule order; helper functions are merged into each.
    pub rules: Vec<AST>,
    /// Per rule, one AST per criterion, in order.
    pub criteria: Vec<Vec<AST>>,
    /// One AST per phase with an exit gate.
    pub exits: Vec<Option<AST>>,
    /// Every log is replayed session by session: a rule's referral is sticky, or a script
    /// reads what only the replay knows (`beyond_plan`, a session's `decision`).
    pub replays: bool,
    /// The rules' indices from the most conservative decision to the least (file order within
    /// a decision): the order an earlier session of a replay runs them in, stopping once the
    /// decision is settled.
    pub severity_order: Vec<usize>,
    /// Whether an earlier session may stop there: only when no rule but a `rest` asks for rest
    /// days (the days before the next session are the longest any fired rule asks for, so a
    /// hold rule's `rest_days` would need the hold rules run after a rest fired).
    pub settles_early: bool,
    /// Parameters as scripts see them ([`api::ParamsView`]), built once.
    pub params: rhai::Dynamic,
    /// Each phase's id as scripts see it (`phase`), built once.
    pub phase_ids: Vec<ImmutableString>,
    /// Tells this compiled protocol from any other in the process (a thread keeps its scripts'
    /// scope between logs of the same protocol).
    pub id: u64,
}

/// A fresh [`CompiledProtocol::id`].
pub fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Names every script sees besides its functions; also what strict mode checks against.
pub const SCOPE_NAMES: [&str; 5] = ["log", "last", "params", "phase", "days_in_phase"];
