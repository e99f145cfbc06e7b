//! Replays a log session by session: the phase and the time in it are state that only a
//! replay can know (gates passed, clinician overrides). For each session every rule in scope
//! is evaluated, the most conservative decision wins, and a `progress` whose phase gate holds
//! moves the patient on. A single-phase protocol has no such state, so unless the timeline is
//! asked for only the last session is evaluated.
//!
//! A long replay runs the scripts tens of thousands of times, so what surrounds a script run is
//! kept small: the scope is made once per thread and re-pointed at each session in place, and
//! the values scripts read are kept for the last session only (the answer shows no other).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use rhai::{Dynamic, EvalAltResult, ImmutableString, Position, Scope};

use super::answer::{
    Answer, Messages, NextSession, Note, OpenReferral, Override, PhaseChange, ProtocolRef, Reason, ReviewRef, TimelineEntry, TraceEntry,
    Unmet,
};
use super::next_session::{self, PlanInput};
use crate::model::log::{PatientLog, Session};
use crate::model::protocol::Script;
use crate::script::CompiledProtocol;
use crate::script::api::{Beyond, Context, LogView, SessionView};
use crate::script::trace::{self, Field, Read};
use crate::vocab::decision::{Decision, Urgency, combine};
use crate::vocab::log::{Pain, SessionKind};
use crate::vocab::quantity::Date;

#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    /// Include the decision after every session.
    pub timeline: bool,
    /// Include every rule considered for the last session and the values it read.
    pub explain: bool,
    /// Report at most this many errors of a bad log (`None`: every one).
    pub max_errors: Option<usize>,
}

/// A script failed while evaluating one log (a runtime error, a runaway, a non-boolean
/// result). Only that log fails; the protocol and other logs are unaffected.
#[derive(Debug, Clone)]
pub struct EvalError {
    /// What was being evaluated: `rule `x``, or `the exit gate of phase `y``.
    pub what: String,
    pub date: Date,
    pub message: String,
    /// The script and the position inside it, to point at the file.
    pub script: Script,
    pub position: Position,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error while evaluating {} for the session of {}: {}", self.what, self.date, self.message)
    }
}

/// Longest text of a script's error a message quotes.
const MAX_SCRIPT_MESSAGE_CHARS: usize = 200;

fn clean_rhai_message(e: &EvalAltResult) -> String {
    let text = match e {
        EvalAltResult::ErrorTooManyOperations(_) => "the script ran too long (stopped after the operation limit)".to_string(),
        EvalAltResult::ErrorStackOverflow(_) => "the script called functions too deeply (stopped at the call limit)".to_string(),
        // The progress callback says which budget stopped the script.
        EvalAltResult::ErrorTerminated(why, _) => {
            why.clone().into_string().unwrap_or_else(|_| crate::script::engine::OUT_OF_TIME.to_string())
        }
        other => other.to_string(),
    };
    let text = match text.find(" (line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    // A script can throw any text (`throw s` of 8 KB): a message quotes at most 200 characters.
    let text = match text.char_indices().nth(MAX_SCRIPT_MESSAGE_CHARS) {
        Some((i, _)) => format!("{}…", text.get(..i).unwrap_or_default()),
        None => text,
    };
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

fn dynamic_to_json(d: &Dynamic) -> serde_json::Value {
    if d.is_unit() {
        serde_json::Value::Null
    } else if let Ok(b) = d.as_bool() {
        b.into()
    } else if let Ok(i) = d.as_int() {
        i.into()
    } else if let Ok(f) = d.as_float() {
        serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
    } else if d.is_string() {
        d.clone().into_string().unwrap_or_default().into()
    } else if d.is_array() {
        serde_json::Value::Array(d.clone().into_array().unwrap_or_default().iter().map(dynamic_to_json).collect())
    } else if d.is_map() {
        let m = d.clone().cast::<rhai::Map>();
        serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), dynamic_to_json(v))).collect())
    } else {
        d.type_name().into()
    }
}

struct RuleRun {
    fired: bool,
    reads: Vec<Read>,
    /// For a rule whose condition held: the criteria not met (by index).
    unmet: Vec<usize>,
}

struct SessionOutcome {
    decision: Decision,
    fired: Vec<usize>,
    runs: Vec<Option<RuleRun>>,
}

struct Evaluator<'a> {
    c: &'a CompiledProtocol,
    log: Arc<PatientLog>,
    ctx: Arc<Context>,
}

/// How much of a session [`Evaluator::session`] evaluates.
#[derive(Clone, Copy)]
enum Depth {
    /// Every rule in scope and every criterion; `traced`: keep the values each rule read (only
    /// the last session's are reported).
    Full { traced: bool },
    /// An earlier session of a replay: what the answer carries from it is its decision, the
    /// rules of that decision (their dose changes and rest days make the next plan) and whether
    /// a regress rule fired beside a rest. Rules that cannot change those are not run, nor the
    /// criteria after the first one missed: about a third of a long replay's work.
    /// `referred`: a referral is open, so the session's decision is `refer` whatever else fires
    /// and only the refer rules run.
    Decisive { referred: bool },
}

/// Where the scope's variables point: one session, its phase and the days in it.
#[derive(Clone, Copy)]
struct At {
    idx: usize,
    phase: usize,
    days_in_phase: i64,
}

thread_local! {
    /// The scripts' scope, kept on each thread between logs of the same protocol (issue 12: no
    /// per-patient allocation in the scope): the protocol's id and the scope.
    static SCOPE: RefCell<Option<(u64, Scope<'static>)>> = const { RefCell::new(None) };
}

/// This thread's scope for a protocol's scripts: the one kept from its last log, or a new one.
fn take_scope(c: &CompiledProtocol) -> Scope<'static> {
    SCOPE.with(|s| s.borrow_mut().take()).filter(|(id, _)| *id == c.id).map(|(_, scope)| scope).unwrap_or_default()
}

/// Keeps the scope for the next log, its views pointed away from this log's data.
fn keep_scope(c: &CompiledProtocol, mut scope: Scope<'static>) {
    // A value a closure captured is shared (see `Evaluator::point`): such a scope is not kept,
    // and the next log makes its own.
    if scope.iter_raw().any(|(_, _, v)| v.is_shared()) {
        return;
    }
    let parked = Context::parked();
    if let Some(v) = scope.get_value_mut::<LogView>("log") {
        v.ctx = parked.clone();
    }
    if let Some(v) = scope.get_value_mut::<SessionView>("last") {
        v.ctx = parked;
    }
    SCOPE.with(|s| *s.borrow_mut() = Some((c.id, scope)));
}

impl Evaluator<'_> {
    /// Points the scripts' scope at a session. The scope is made once (the first call fills
    /// it) and then updated in place, from session to session and from log to log: a view is
    /// an index and the log's shared context, `params` is never copied, and the phase ids are
    /// the protocol's own strings.
    fn point(&self, scope: &mut Scope<'static>, at: At) {
        // `at.phase` is a phase of this protocol: the replay sets it only to a resolved index
        // (an override) or to the next one below `phases.len()` (a gate). Once per session.
        #[allow(clippy::indexing_slicing)]
        let phase = &self.c.phase_ids[at.phase];
        // A closure that captures one of these (`[..].some(|s| last.has_symptom(s))`) turns it
        // into a shared value, which Rhai will not hand out mutably: the scope is then made
        // afresh, as on the first call.
        if scope.len() == crate::script::SCOPE_NAMES.len() && !scope.iter_raw().any(|(_, _, v)| v.is_shared()) {
            let mut updated = 0;
            if let Some(v) = scope.get_value_mut::<LogView>("log") {
                if !Arc::ptr_eq(&v.ctx, &self.ctx) {
                    v.ctx = self.ctx.clone();
                }
                v.end = at.idx;
                updated += 1;
            }
            if let Some(v) = scope.get_value_mut::<SessionView>("last") {
                if !Arc::ptr_eq(&v.ctx, &self.ctx) {
                    v.ctx = self.ctx.clone();
                }
                v.idx = at.idx;
                updated += 1;
            }
            if let Some(v) = scope.get_value_mut::<ImmutableString>("phase") {
                if !v.ptr_eq(phase) {
                    *v = phase.clone();
                }
                updated += 1;
            }
            if let Some(v) = scope.get_value_mut::<i64>("days_in_phase") {
                *v = at.days_in_phase;
                updated += 1;
            }
            if updated == 4 {
                return;
            }
        }
        // Constants, as scripts must not assign to them (the host updates them above).
        scope.rewind(0);
        scope.push_constant("log", LogView { ctx: self.ctx.clone(), end: at.idx });
        scope.push_constant("last", SessionView { ctx: self.ctx.clone(), idx: at.idx });
        scope.push_constant_dynamic("params", self.c.params.clone());
        scope.push_constant("phase", phase.clone());
        scope.push_constant("days_in_phase", at.days_in_phase);
    }

    fn run_bool(
        &self,
        scope: &mut Scope,
        ast: &rhai::AST,
        script: &Script,
        what: impl Fn() -> String,
        date: Date,
    ) -> Result<bool, EvalError> {
        let len = scope.len();
        let result = self.c.engine.eval_ast_with_scope::<Dynamic>(scope, ast);
        scope.rewind(len);
        let err = |message: String, position: Position| EvalError { what: what(), date, message, script: script.clone(), position };
        match result {
            Ok(v) => v
                .as_bool()
                .map_err(|t| err(format!("the condition must yield true or false, but it yielded `{v}` (a {t})"), Position::new(1, 1))),
            Err(e) => Err(err(clean_rhai_message(&e), e.position())),
        }
    }

    /// Runs the rules in scope on a session. [`Depth::Full`] runs every rule and every
    /// criterion (the answer's session, and each session of a timeline); [`Depth::Decisive`]
    /// only what can change the session's decision and the plan made from it.
    fn session(&self, scope: &mut Scope<'static>, at: At, depth: Depth) -> Result<SessionOutcome, EvalError> {
        let p = &self.c.protocol;
        let (idx, phase) = (at.idx, at.phase);
        let date = self.date(idx);
        self.point(scope, at);
        let traced = matches!(depth, Depth::Full { traced: true });
        // Every rule and criterion runs unless this is an earlier session of a protocol whose
        // plan the skipped rules cannot change (`CompiledProtocol::settles_early`).
        let full = matches!(depth, Depth::Full { .. }) || !self.c.settles_early;
        let all: Vec<usize>;
        let order: &[usize] = if full {
            all = (0..p.rules.len()).collect();
            &all
        } else {
            &self.c.severity_order
        };
        let mut runs: Vec<Option<RuleRun>> = std::iter::repeat_with(|| None).take(p.rules.len()).collect();
        let mut fired = Vec::new();
        // The most conservative decision fired so far (`Decisive` only).
        let mut settled: Option<Decision> = (!full && matches!(depth, Depth::Decisive { referred: true })).then_some(Decision::Refer);
        for &i in order {
            // The compiled conditions and criteria are the rules', one for one, in order.
            let (Some(rule), Some(when), Some(criteria)) = (p.rules.get(i), self.c.rules.get(i), self.c.criteria.get(i)) else { continue };
            if rule.phases.as_ref().is_some_and(|ph| !ph.contains(&phase)) {
                continue;
            }
            // Rules run from the most conservative decision down: once one fired, a less
            // conservative rule cannot change the decision. Its own decision's rules still run
            // (their dose changes and rest days shape the plan), and after a rest the regress
            // rules too (a rest resumes scaled back when one fired).
            if let Some(won) = settled
                && rule.decision != won
                && !(won == Decision::Rest && rule.decision == Decision::Regress)
            {
                continue;
            }
            trace::start(traced);
            let applies = self.run_bool(scope, when, &rule.when, || format!("rule `{}`", rule.id), date)?;
            let mut unmet = Vec::new();
            if applies {
                // Every criterion runs on a full session (no short cut), so a hold can name all
                // that were missed; elsewhere the first one missed settles it.
                for (k, (c, ast)) in rule.criteria.iter().zip(criteria).enumerate() {
                    let met = self.run_bool(scope, ast, &c.script, || format!("criterion `{}` of rule `{}`", c.id, rule.id), date)?;
                    if !met {
                        unmet.push(k);
                        if !full {
                            break;
                        }
                    }
                }
            }
            let reads = trace::take();
            let hit = applies && unmet.is_empty();
            if hit {
                fired.push(i);
                if !full {
                    settled = Some(settled.map_or(rule.decision, |d| d.min(rule.decision)));
                }
            }
            if let Some(run) = runs.get_mut(i) {
                *run = Some(RuleRun { fired: hit, reads, unmet: if applies { unmet } else { Vec::new() } });
            }
        }
        // In file order, as the plan reads them (the first rule with a dose change gives it).
        fired.sort_unstable();
        let decision = combine(fired.iter().filter_map(|&i| p.rules.get(i)).map(|r| r.decision));
        Ok(SessionOutcome { decision, fired, runs })
    }

    /// The date of session `idx`, an index of this log (the replay's own); the log's start for
    /// one out of range, which the replay never passes.
    fn date(&self, idx: usize) -> Date {
        self.log.sessions.get(idx).map_or(self.log.start, |s| s.date)
    }

    fn gate_open(&self, scope: &mut Scope<'static>, at: At) -> Result<bool, EvalError> {
        let p = &self.c.protocol;
        let (Some(ph), Some(Some(ast))) = (p.phases.get(at.phase), self.c.exits.get(at.phase)) else { return Ok(false) };
        let Some(exit) = &ph.exit else { return Ok(false) };
        if at.days_in_phase < i64::from(ph.min_days) {
            return Ok(false);
        }
        self.point(scope, at);
        // What a gate read is never shown.
        trace::start(false);
        let open = self.run_bool(scope, ast, &exit.script, || format!("the exit gate of phase `{}`", ph.id), self.date(at.idx));
        trace::take();
        open
    }

    fn inputs(&self, idx: usize, reads: &[Read]) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        for r in reads {
            let f = match &r.field {
                Field::Param(name) => {
                    out.entry(format!("params.{name}")).or_insert_with(|| dynamic_to_json(&r.value));
                    continue;
                }
                Field::Static(f) => *f,
                Field::Named(f) => f.as_str(),
            };
            let key = match r.session {
                Some(s) if s == idx => format!("last.{f}"),
                Some(s) => format!("session {}.{f}", self.date(s)),
                None => f.to_string(),
            };
            out.entry(key).or_insert_with(|| dynamic_to_json(&r.value));
        }
        out
    }
}

/// A log with no sessions is evaluated as one check-in on its start date, so that intake
/// screening (a missing clearance) is answered before the first session.
fn with_at_least_one_session(log: Arc<PatientLog>) -> Arc<PatientLog> {
    if !log.sessions.is_empty() {
        return log;
    }
    let mut l = (*log).clone();
    l.sessions.push(Session {
        date: l.start,
        kind: SessionKind::CheckIn,
        pain: Pain::default(),
        fatigue: None,
        rom: BTreeMap::new(),
        measures: BTreeMap::new(),
        symptoms: Vec::new(),
        exercises: Vec::new(),
        override_phase: None,
        override_note: None,
        review: None,
        notes: None,
    });
    Arc::new(l)
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

/// How the last session went beyond the session planned after the one before it.
fn beyond_plan(
    p: &crate::model::protocol::Protocol,
    s: &Session,
    plan: Option<&NextSession>,
    phase: usize,
    goals: &[String],
) -> Vec<Beyond> {
    let Some(plan) = plan else { return Vec::new() };
    let Some(ph) = p.phases.get(phase) else { return Vec::new() };
    // The patient's programme in this phase: its exercises, its rotation, and the exercises of
    // the patient's own goals (a run is the runner's, on whichever day it falls).
    let programme = |t: usize| {
        ph.exercises.contains(&t)
            || ph.rotate.contains(&t)
            || ph.goal_exercises.iter().any(|(g, ids)| goals.contains(g) && ids.contains(&t))
    };
    let mut out = Vec::new();
    for e in &s.exercises {
        let Some(t) = p.templates.get(e.template) else { continue };
        match plan.exercises.iter().find(|x| x.id == t.id) {
            Some(x) if next_session::exceeds(t, e, x) => out.push(Beyond { exercise: t.id.clone(), what: "dose" }),
            // Work outside the patient's programme: a later phase's, or high-impact work
            // nobody prescribed.
            None if !programme(e.template) => out.push(Beyond { exercise: t.id.clone(), what: "unplanned" }),
            Some(_) | None => {}
        }
    }
    out
}

/// What the replay carries from one session to the next.
#[derive(Default)]
struct Replay {
    phase: usize,
    phase_since: Option<Date>,
    pinned: Option<Override>,
    open: Option<OpenReferral>,
    plan: Option<NextSession>,
}

/// What the replay leaves for the answer: the state after the last session, its outcome and
/// decision, and the timeline when asked for.
struct Replayed {
    st: Replay,
    outcome: SessionOutcome,
    decision: Decision,
    /// The phase change the last session made, if it made one.
    change: Option<PhaseChange>,
    /// The referral still open from an earlier session, if one is.
    held_open: Option<OpenReferral>,
    timeline: Vec<TimelineEntry>,
}

pub fn evaluate(c: &CompiledProtocol, log: Arc<PatientLog>, opts: &EvalOptions) -> Result<Answer, EvalError> {
    let p = &c.protocol;
    let log = with_at_least_one_session(log);
    let templates = p.templates.iter().map(|t| (t.category, t.impact)).collect();
    let ctx = Arc::new(Context::new(log.clone(), templates));
    let ev = Evaluator { c, log: log.clone(), ctx };
    let goals: &[String] = log.intake.as_ref().and_then(|i| i.goals.as_deref()).unwrap_or_default();
    // The phase and the time in it are known only by replaying the sessions in order.
    let Replayed { st, outcome, decision, change, held_open, timeline } = replay(&ev, opts, goals)?;
    let idx = log.sessions.len() - 1;

    // Why: the open referral first, then every rule that fired (outvoted ones marked).
    let mut reasons = Vec::new();
    let mut messages = Messages::default();
    if let Some(open) = &held_open {
        open_referral_reason(open, &mut reasons, &mut messages);
    }
    rule_reasons(&ev, &outcome, decision, &mut reasons, &mut messages);
    let not_met =
        if decision == Decision::Hold && outcome.fired.is_empty() { nearest_miss(&ev, &outcome, &mut messages) } else { Vec::new() };
    phase_messages(change.as_ref(), st.pinned.as_ref(), &mut messages);
    let urgency = (decision == Decision::Refer)
        .then(|| reasons.iter().filter(|r| r.decision == Decision::Refer).filter_map(|r| r.urgency).min().unwrap_or(Urgency::Routine));
    let trace = opts.explain.then(|| trace_entries(&ev, &outcome, decision));

    // What to do next, from the whole log, the decision and the plan the replay carried.
    let next_session = next_session::plan(&PlanInput {
        protocol: p,
        sessions: &log.sessions,
        goals,
        decision,
        fired: &outcome.fired,
        phase: st.phase,
        prescribed: st.plan.as_ref(),
        phase_changed: change.is_some(),
    });
    let (last_review, notes) = review_and_notes(&log);
    Ok(Answer {
        patient: log.patient.clone(),
        as_of: log.sessions.get(idx).map_or(log.start, |s| s.date),
        protocol: ProtocolRef::of(p),
        stepwise: env!("CARGO_PKG_VERSION"),
        phase: p.phase_id(st.phase).to_string(),
        phase_change: change,
        override_: st.pinned,
        decision,
        urgency,
        open_referral: st.open,
        last_review,
        reasons,
        not_met,
        next_session,
        messages,
        notes,
        timeline: opts.timeline.then_some(timeline),
        trace,
    })
}

/// Replays the log session by session (only the last session when nothing carries over from
/// one to the next: one phase, no override, no timeline, no plan to compare with): each
/// session's decision, the referral that stays open, and the phase gates passed.
fn replay(ev: &Evaluator<'_>, opts: &EvalOptions, goals: &[String]) -> Result<Replayed, EvalError> {
    let (c, log) = (ev.c, &ev.log);
    let p = &c.protocol;
    let n = log.sessions.len();
    let replay = p.phases.len() > 1 || opts.timeline || c.replays || log.sessions.iter().any(|s| s.override_phase.is_some());
    let first = if replay { 0 } else { n - 1 };
    let mut st = Replay { phase_since: Some(log.start), ..Replay::default() };
    let mut scope = take_scope(c);
    let mut timeline = Vec::new();
    let mut last = None;
    for (idx, s) in log.sessions.iter().enumerate().skip(first) {
        apply_override(&mut st, p, s);
        // What a script reads as `beyond_plan`: set once, before any script of this session.
        if let Some(cell) = ev.ctx.beyond.get(idx) {
            cell.set(beyond_plan(p, s, st.plan.as_ref(), st.phase, goals)).unwrap_or(());
        }
        if let Some(cell) = ev.ctx.planned.get(idx) {
            cell.set(st.plan.is_some()).unwrap_or(());
        }
        let days_in_phase = s.date.days_since(st.phase_since.unwrap_or(log.start));
        let at = At { idx, phase: st.phase, days_in_phase };
        let depth = if idx + 1 == n {
            Depth::Full { traced: true }
        } else if opts.timeline {
            Depth::Full { traced: false }
        } else {
            Depth::Decisive { referred: st.open.is_some() }
        };
        let outcome = ev.session(&mut scope, at, depth)?;
        let phase_at = st.phase;
        let (decision, held_open) = hold_referral(&mut st, p, s, &outcome);
        if let Some(cell) = ev.ctx.decision.get(idx) {
            cell.set(decision).unwrap_or(());
        }
        let mut changed = None;
        if decision == Decision::Progress && st.pinned.is_none() && st.phase + 1 < p.phases.len() && ev.gate_open(&mut scope, at)? {
            st.phase += 1;
            st.phase_since = Some(s.date);
            changed = Some(PhaseChange { from: p.phase_id(phase_at).to_string(), to: p.phase_id(st.phase).to_string() });
        }
        if opts.timeline {
            timeline.push(TimelineEntry {
                date: s.date,
                phase: p.phase_id(phase_at).to_string(),
                decision,
                rules: outcome.fired.iter().filter_map(|&r| p.rules.get(r)).map(|r| r.id.clone()).collect(),
            });
        }
        if c.replays && idx + 1 < n {
            // The plan the next session is compared with (`beyond_plan`).
            st.plan = next_session::plan(&PlanInput {
                protocol: p,
                sessions: log.sessions.get(..=idx).unwrap_or_default(),
                goals,
                decision,
                fired: &outcome.fired,
                phase: st.phase,
                prescribed: st.plan.as_ref(),
                phase_changed: changed.is_some(),
            });
        }
        if idx + 1 == n {
            last = Some((outcome, decision, changed, held_open));
        }
    }
    keep_scope(c, scope);
    let Some((outcome, decision, change, held_open)) = last else { unreachable_log() };
    Ok(Replayed { st, outcome, decision, change, held_open, timeline })
}

/// A session's review that clears an open referral, and a clinician's phase override: both
/// take effect before the session's rules run.
fn apply_override(st: &mut Replay, p: &crate::model::protocol::Protocol, s: &Session) {
    if s.clears_referral() {
        st.open = None;
    }
    if let Some(ph) = s.override_phase {
        if ph != st.phase {
            st.phase = ph;
            st.phase_since = Some(s.date);
        }
        st.pinned = Some(Override { date: s.date, phase: p.phase_id(ph).to_string(), note: s.override_note.clone() });
        // A clinician set the programme by hand: what was planned before no longer applies.
        st.plan = None;
    }
}

/// The session's decision once an open referral is accounted for: a referral stands until a
/// clinician's review clears it, and a refer by a sticky rule opens one. With the referral
/// still open from an earlier session, if one is: it is a reason of the answer even when the
/// session refers on its own, so its urgency is never lost to a less urgent rule (an urgent
/// referral for fever stays urgent when a routine rule fires after it).
fn hold_referral(
    st: &mut Replay,
    p: &crate::model::protocol::Protocol,
    s: &Session,
    outcome: &SessionOutcome,
) -> (Decision, Option<OpenReferral>) {
    let decision = outcome.decision;
    if let Some(open) = &st.open {
        return (Decision::Refer, Some(open.clone()));
    }
    if decision == Decision::Refer {
        let sticky: Vec<&crate::model::protocol::Rule> =
            outcome.fired.iter().filter_map(|&r| p.rules.get(r)).filter(|r| r.sticky).collect();
        if !sticky.is_empty() {
            st.open = Some(OpenReferral {
                date: s.date,
                rules: sticky.iter().map(|r| r.id.clone()).collect(),
                symptoms: s.symptoms.iter().map(|x| x.as_str().to_string()).collect(),
                urgency: sticky.iter().filter_map(|r| r.urgency).min().unwrap_or(Urgency::Routine),
            });
        }
    }
    (decision, None)
}

/// The reason and the messages of a referral still open from an earlier session: the patient
/// is to see their provider before exercising again.
fn open_referral_reason(open: &OpenReferral, reasons: &mut Vec<Reason>, messages: &mut Messages) {
    let mut inputs = BTreeMap::new();
    inputs.insert("referral.date".to_string(), serde_json::Value::String(open.date.to_string()));
    inputs.insert("referral.rules".to_string(), open.rules.iter().map(|r| serde_json::Value::String(r.clone())).collect());
    if !open.symptoms.is_empty() {
        inputs.insert("referral.symptoms".to_string(), open.symptoms.iter().map(|r| serde_json::Value::String(r.clone())).collect());
    }
    let symptoms =
        if open.symptoms.is_empty() { String::new() } else { format!(" (symptoms: {})", open.symptoms.join(", ").replace('_', " ")) };
    let message = format!(
        "The referral of {} by rule {}{} is still open: no clinician review has cleared it since. Record a session with `review: {{cleared: true}}` once the patient has been seen.",
        open.date,
        open.rules.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
        symptoms
    );
    messages.patient.push(format!(
        "You were asked on {} to see your provider. Please do so before exercising again; your clinician will record when you can resume.",
        open.date
    ));
    messages.clinician.push(message.clone());
    reasons.push(Reason {
        rule: "open-referral".to_string(),
        decision: Decision::Refer,
        message,
        outvoted: false,
        urgency: Some(open.urgency),
        source: Some("Clinical decision support: a referral stands until a clinician has reviewed it".to_string()),
        inputs,
    });
}

/// A reason for every rule that fired on the last session, with the values it read; the
/// messages of those that were not outvoted, each once.
fn rule_reasons(ev: &Evaluator<'_>, outcome: &SessionOutcome, decision: Decision, reasons: &mut Vec<Reason>, messages: &mut Messages) {
    let idx = ev.log.sessions.len() - 1;
    for &r in &outcome.fired {
        let Some(rule) = ev.c.protocol.rules.get(r) else { continue };
        let reads = outcome.runs.get(r).and_then(Option::as_ref).map(|run| run.reads.as_slice()).unwrap_or_default();
        let outvoted = rule.decision != decision;
        reasons.push(Reason {
            rule: rule.id.clone(),
            decision: rule.decision,
            message: rule.clinician.clone().unwrap_or_else(|| rule.description.clone()),
            outvoted,
            urgency: rule.urgency,
            source: rule.source.clone(),
            inputs: ev.inputs(idx, reads),
        });
        if outvoted {
            continue;
        }
        if let Some(m) = &rule.patient {
            push_unique(&mut messages.patient, m);
        }
        if let Some(m) = &rule.clinician {
            push_unique(&mut messages.clinician, m);
        }
    }
}

/// What the clinician is told about the phase: a change today, a phase pinned by hand.
fn phase_messages(change: Option<&PhaseChange>, pinned: Option<&Override>, messages: &mut Messages) {
    if let Some(ch) = change {
        messages
            .clinician
            .push(format!("phase change from `{}` to `{}`: review it with the patient before the next session", ch.from, ch.to));
    }
    if let Some(o) = pinned {
        messages.clinician.push(format!(
            "the phase is pinned to `{}` by a clinician override of {}{}",
            o.phase,
            o.date,
            o.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
        ));
    }
}

/// `--explain`: every rule of the protocol and what became of it on the last session.
fn trace_entries(ev: &Evaluator<'_>, outcome: &SessionOutcome, decision: Decision) -> Vec<TraceEntry> {
    let idx = ev.log.sessions.len() - 1;
    ev.c.protocol
        .rules
        .iter()
        .zip(&outcome.runs)
        .map(|(rule, run)| {
            let (outcome_word, inputs) = match run {
                None => ("out of phase", BTreeMap::new()),
                Some(run) if run.fired && rule.decision != decision => ("outvoted", ev.inputs(idx, &run.reads)),
                Some(run) => (if run.fired { "fired" } else { "not fired" }, ev.inputs(idx, &run.reads)),
            };
            TraceEntry { rule: rule.id.clone(), outcome: outcome_word, decision: rule.decision, inputs }
        })
        .collect()
}

/// The last clinician review, and the notes recorded since, the review session's own included
/// (all of them without a review): a note written at the visit is the patient's latest word.
fn review_and_notes(log: &PatientLog) -> (Option<ReviewRef>, Vec<Note>) {
    let last_review_at = log.sessions.iter().rposition(|s| s.review.is_some());
    let last_review = last_review_at.and_then(|i| log.sessions.get(i)).and_then(|s| {
        s.review.as_ref().map(|r| ReviewRef { date: s.date, by: r.by.clone(), note: r.note.clone(), cleared: r.cleared == Some(true) })
    });
    let notes = log
        .sessions
        .iter()
        .skip(last_review_at.unwrap_or(0))
        .filter_map(|s| s.notes.as_ref().map(|t| Note { date: s.date, text: t.clone() }))
        .collect();
    (last_review, notes)
}

/// A hold with no rule fired says why: the progress rule closest to firing (fewest criteria
/// unmet) and what it still needs, in words for the clinician and the patient.
fn nearest_miss(ev: &Evaluator<'_>, outcome: &SessionOutcome, messages: &mut Messages) -> Vec<Unmet> {
    let p = &ev.c.protocol;
    let best = outcome
        .runs
        .iter()
        .zip(&p.rules)
        .filter(|(_, rule)| rule.decision == Decision::Progress)
        .filter_map(|(run, rule)| run.as_ref().filter(|run| !run.unmet.is_empty()).map(|run| (rule, run)))
        .min_by_key(|(_, run)| run.unmet.len());
    messages.patient.push("Repeat your current exercises at the same level next time.".to_string());
    let Some((rule, run)) = best else {
        messages.clinician.push("No rule fired: nothing in the log supports a step up, so the current step is repeated.".to_string());
        return Vec::new();
    };
    let missed: Vec<&crate::model::protocol::RuleCriterion> = run.unmet.iter().filter_map(|&k| rule.criteria.get(k)).collect();
    messages.clinician.push(format!(
        "Holding: `{}` needs {}; not yet met: {}.",
        rule.id,
        rule.criteria.iter().map(|c| c.description.as_str()).collect::<Vec<_>>().join("; "),
        missed.iter().map(|c| c.description.as_str()).collect::<Vec<_>>().join("; ")
    ));
    for c in &missed {
        if let Some(m) = &c.patient {
            push_unique(&mut messages.patient, m);
        }
    }
    missed.iter().map(|c| Unmet { rule: rule.id.clone(), criterion: c.id.clone(), description: c.description.clone() }).collect()
}

/// The loop above runs at least once: the log always has a session by then.
fn unreachable_log() -> ! {
    unreachable!("a log always has at least one session when evaluated")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::testing::hip;

    /// The shape of the benchmark's 10,000-session log: identical exercise sessions every
    /// other day, so that once the windows are full every session is the same work.
    fn long_log(c: &CompiledProtocol, sessions: usize) -> Arc<PatientLog> {
        let start = time::Date::from_calendar_date(2000, time::Month::January, 1).unwrap();
        let sessions: Vec<String> = (0..crate::num::count_i64(sessions))
            .map(|i| {
                let date = start + time::Duration::days(1 + 2 * i);
                format!(
                    r#"{{"date":"{date}","pain":{{"before":2,"during":2,"after":2,"next_day":2}},"fatigue":3,"exercises":[{{"id":"walking","minutes":15}}]}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"patient":"P-long","start":"2000-01-01","intake":{{"provider_cleared":true}},"sessions":[{}]}}"#,
            sessions.join(",")
        );
        read(c, &text, crate::check::log::LogFormat::Json)
    }

    /// A valid log's text, read and checked against the protocol.
    fn read(c: &CompiledProtocol, text: &str, format: crate::check::log::LogFormat) -> Arc<PatientLog> {
        let log = crate::check::every_error::read_and_validate(crate::engine::LogError::LOG, text, format, 0, &c.protocol, None);
        Arc::new(log.unwrap_or_else(|e| panic!("{e:?}")))
    }

    /// What an earlier session of a replay carries into the answer: its decision and the
    /// fired rules the plan reads (those of the decision, and the regress rules beside a rest).
    fn carried(c: &CompiledProtocol, o: &SessionOutcome) -> (Decision, Vec<usize>) {
        let keep = |r: &crate::model::protocol::Rule| {
            r.decision == o.decision || (o.decision == Decision::Rest && r.decision == Decision::Regress)
        };
        (o.decision, o.fired.iter().copied().filter(|&i| c.protocol.rules.get(i).is_some_and(keep)).collect())
    }

    /// `Depth::Decisive` skips rules; what it returns must equal what the full session gives
    /// for everything the replay carries, on every session of every example, in every phase,
    /// with and without an open referral (then the decision is `refer` whatever fires).
    #[test]
    fn a_decisive_session_carries_what_a_full_one_does() {
        let c = hip();
        let mut compared = 0;
        let mut rests_with_regress = 0;
        let mut dir: Vec<_> = std::fs::read_dir("examples").unwrap().map(|e| e.unwrap().path()).collect();
        dir.sort();
        for path in dir {
            let text = std::fs::read_to_string(&path).unwrap();
            let log = read(&c, &text, crate::check::log::LogFormat::Yaml);
            let templates = c.protocol.templates.iter().map(|t| (t.category, t.impact)).collect();
            let ev = Evaluator { c: &c, log: log.clone(), ctx: Arc::new(Context::new(log.clone(), templates)) };
            let mut scope = Scope::new();
            for idx in 0..log.sessions.len() {
                for phase in 0..c.protocol.phases.len() {
                    let at = At { idx, phase, days_in_phase: 20 };
                    let full = ev.session(&mut scope, at, Depth::Full { traced: false }).unwrap();
                    let quick = ev.session(&mut scope, at, Depth::Decisive { referred: false }).unwrap();
                    assert_eq!(carried(&c, &quick), carried(&c, &full), "{} session {idx} phase {phase}", path.display());
                    let referred = ev.session(&mut scope, at, Depth::Decisive { referred: true }).unwrap();
                    let refer_rules = |o: &SessionOutcome| -> Vec<usize> {
                        o.fired
                            .iter()
                            .copied()
                            .filter(|&i| c.protocol.rules.get(i).is_some_and(|r| r.decision == Decision::Refer))
                            .collect()
                    };
                    assert_eq!(refer_rules(&referred), refer_rules(&full), "{} session {idx} phase {phase}", path.display());
                    compared += 1;
                    let fired_regress =
                        full.fired.iter().any(|&i| c.protocol.rules.get(i).is_some_and(|r| r.decision == Decision::Regress));
                    if full.decision == Decision::Rest && fired_regress {
                        rests_with_regress += 1;
                    }
                }
            }
        }
        assert!(compared > 100 && rests_with_regress > 0, "{compared} sessions compared, {rests_with_regress} rests with a regress rule");
    }

    /// Script operations and sessions read from history while replaying a log of `n` sessions.
    fn work(c: &CompiledProtocol, n: usize) -> (u64, u64) {
        let log = long_log(c, n);
        let (ops, visits) = (crate::script::engine::operations(), crate::script::history::visits());
        evaluate(c, log, &EvalOptions { timeline: true, ..EvalOptions::default() }).unwrap();
        (crate::script::engine::operations() - ops, crate::script::history::visits() - visits)
    }

    /// Issue 10's guard that does not depend on timing: a replay is linear in the number of
    /// sessions when one more session costs the same after a short history as after a long
    /// one. Counted are the scripts' operations (Rhai's own count) and the sessions the script
    /// API reads back from history (windows, views, history tables). A computation that walked
    /// the whole history on every session (as `log.last_review` did) makes the second
    /// difference grow with the log.
    #[test]
    fn one_more_session_costs_the_same_after_a_long_history() {
        let c = hip();
        // Past 400 days of history every window of the protocol and the API is full (the
        // longest, `days_since`, looks back a year).
        let (short, short_plus_one) = (work(&c, 200), work(&c, 201));
        let (long, long_plus_one) = (work(&c, 400), work(&c, 401));
        let at_short = (short_plus_one.0 - short.0, short_plus_one.1 - short.1);
        let at_long = (long_plus_one.0 - long.0, long_plus_one.1 - long.1);
        assert!(at_short.0 > 1_000, "a session runs the protocol's scripts: {at_short:?}");
        assert_eq!(at_short, at_long, "(operations, sessions read) of one more session, after 200 and after 400 sessions");
    }
}
