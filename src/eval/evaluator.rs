//! Replays a log session by session: the phase and the time in it are state that only a
//! replay can know (gates passed, clinician overrides). For each session every rule in scope
//! is evaluated, the most conservative decision wins, and a `progress` whose phase gate holds
//! moves the patient on. A single-phase protocol has no such state, so unless the timeline is
//! asked for only the last session is evaluated.

use std::collections::BTreeMap;
use std::sync::Arc;

use rhai::{Dynamic, EvalAltResult, Position, Scope};

use super::answer::{Answer, Messages, Override, PhaseChange, ProtocolRef, Reason, TimelineEntry, TraceEntry};
use super::next_session;
use crate::model::decision::{Decision, combine};
use crate::model::log::{Pain, PatientLog, Session, SessionKind};
use crate::model::protocol::Script;
use crate::model::quantity::Date;
use crate::script::CompiledProtocol;
use crate::script::api::LogView;
use crate::script::trace::{self, Field, Read};

#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    /// Include the decision after every session.
    pub timeline: bool,
    /// Include every rule considered for the last session and the values it read.
    pub explain: bool,
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

fn clean_rhai_message(e: &EvalAltResult) -> String {
    let text = match e {
        EvalAltResult::ErrorTooManyOperations(_) => "the script ran too long (stopped after the operation limit)".to_string(),
        EvalAltResult::ErrorStackOverflow(_) => "the script called functions too deeply (stopped at the call limit)".to_string(),
        EvalAltResult::ErrorTerminated(..) => crate::script::engine::OUT_OF_TIME.to_string(),
        other => other.to_string(),
    };
    let text = match text.find(" (line ") {
        Some(i) => text[..i].to_string(),
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
}

struct SessionOutcome {
    decision: Decision,
    fired: Vec<usize>,
    runs: Vec<Option<RuleRun>>,
}

struct Evaluator<'a> {
    c: &'a CompiledProtocol,
    log: Arc<PatientLog>,
}

impl Evaluator<'_> {
    fn scope(&self, idx: usize, phase: usize, days_in_phase: i64) -> Scope<'static> {
        let mut scope = Scope::new();
        let view = LogView { log: self.log.clone(), end: idx };
        let last = crate::script::api::session_view(&self.log, idx);
        scope.push_constant("log", view);
        scope.push_constant("last", last);
        scope.push_constant("params", self.c.params.clone());
        scope.push_constant("phase", self.c.protocol.phases[phase].id.clone());
        scope.push_constant("days_in_phase", days_in_phase);
        scope
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

    fn session(&self, idx: usize, phase: usize, days_in_phase: i64) -> Result<SessionOutcome, EvalError> {
        let p = &self.c.protocol;
        let date = self.log.sessions[idx].date;
        let mut scope = self.scope(idx, phase, days_in_phase);
        let mut runs = Vec::with_capacity(p.rules.len());
        let mut fired = Vec::new();
        for (i, rule) in p.rules.iter().enumerate() {
            if rule.phases.as_ref().is_some_and(|ph| !ph.contains(&phase)) {
                runs.push(None);
                continue;
            }
            trace::start();
            let hit = self.run_bool(&mut scope, &self.c.rules[i], &rule.when, || format!("rule `{}`", rule.id), date)?;
            let reads = trace::take();
            if hit {
                fired.push(i);
            }
            runs.push(Some(RuleRun { fired: hit, reads }));
        }
        let decision = combine(fired.iter().map(|&i| p.rules[i].decision));
        Ok(SessionOutcome { decision, fired, runs })
    }

    fn gate_open(&self, idx: usize, phase: usize, days_in_phase: i64) -> Result<bool, EvalError> {
        let p = &self.c.protocol;
        let ph = &p.phases[phase];
        let (Some(ast), Some(exit)) = (&self.c.exits[phase], &ph.exit) else { return Ok(false) };
        if days_in_phase < i64::from(ph.min_days) {
            return Ok(false);
        }
        let mut scope = self.scope(idx, phase, days_in_phase);
        trace::start();
        let open =
            self.run_bool(&mut scope, ast, &exit.script, || format!("the exit gate of phase `{}`", ph.id), self.log.sessions[idx].date);
        trace::take();
        open
    }

    fn inputs(&self, idx: usize, reads: &[Read]) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        for r in reads {
            let key = match (&r.field, r.session) {
                (Field::Param(name), _) => format!("params.{name}"),
                (Field::Static(f), Some(s)) if s == idx => format!("last.{f}"),
                (Field::Static(f), Some(s)) => format!("session {}.{f}", self.log.sessions[s].date),
                (Field::Static(f), None) => f.to_string(),
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
    });
    Arc::new(l)
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

pub fn evaluate(c: &CompiledProtocol, log: Arc<PatientLog>, opts: &EvalOptions) -> Result<Answer, EvalError> {
    let p = &c.protocol;
    let log = with_at_least_one_session(log);
    let ev = Evaluator { c, log: log.clone() };
    let n = log.sessions.len();
    let replay = p.phases.len() > 1 || opts.timeline || log.sessions.iter().any(|s| s.override_phase.is_some());
    let first = if replay { 0 } else { n - 1 };

    let mut phase = 0;
    let mut phase_since = log.start;
    let mut pinned: Option<Override> = None;
    let mut timeline = Vec::new();
    let mut last_outcome = None;
    let mut change = None;
    for idx in first..n {
        let s = &log.sessions[idx];
        if let Some(ph) = s.override_phase {
            if ph != phase {
                phase = ph;
                phase_since = s.date;
            }
            pinned = Some(Override { date: s.date, phase: p.phases[ph].id.clone(), note: s.override_note.clone() });
        }
        let days_in_phase = s.date.days_since(phase_since);
        let outcome = ev.session(idx, phase, days_in_phase)?;
        let phase_at = phase;
        let mut changed = None;
        if outcome.decision == Decision::Progress
            && pinned.is_none()
            && phase + 1 < p.phases.len()
            && ev.gate_open(idx, phase, days_in_phase)?
        {
            phase += 1;
            phase_since = s.date;
            changed = Some(PhaseChange { from: p.phases[phase_at].id.clone(), to: p.phases[phase].id.clone() });
        }
        if opts.timeline {
            timeline.push(TimelineEntry {
                date: s.date,
                phase: p.phases[phase_at].id.clone(),
                decision: outcome.decision,
                rules: outcome.fired.iter().map(|&r| p.rules[r].id.clone()).collect(),
            });
        }
        if idx == n - 1 {
            change = changed;
            last_outcome = Some(outcome);
        }
    }
    let Some(outcome) = last_outcome else { unreachable_log() };
    let idx = n - 1;

    let mut reasons = Vec::new();
    let mut messages = Messages::default();
    for &r in &outcome.fired {
        let rule = &p.rules[r];
        let reads = outcome.runs[r].as_ref().map(|run| run.reads.as_slice()).unwrap_or_default();
        reasons.push(Reason {
            rule: rule.id.clone(),
            decision: rule.decision,
            message: rule.clinician.clone().unwrap_or_else(|| rule.description.clone()),
            source: rule.source.clone(),
            inputs: ev.inputs(idx, reads),
        });
        if rule.decision == outcome.decision
            && let Some(m) = &rule.patient
        {
            push_unique(&mut messages.patient, m);
        }
        if let Some(m) = &rule.clinician {
            push_unique(&mut messages.clinician, m);
        }
    }
    if let Some(ch) = &change {
        messages
            .clinician
            .push(format!("phase change from `{}` to `{}`: review it with the patient before the next session", ch.from, ch.to));
    }
    if let Some(o) = &pinned {
        messages.clinician.push(format!(
            "the phase is pinned to `{}` by a clinician override of {}{}",
            o.phase,
            o.date,
            o.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
        ));
    }

    let trace = opts.explain.then(|| {
        p.rules
            .iter()
            .enumerate()
            .map(|(r, rule)| {
                let (outcome_word, inputs) = match &outcome.runs[r] {
                    None => ("out of phase", BTreeMap::new()),
                    Some(run) => (if run.fired { "fired" } else { "not fired" }, ev.inputs(idx, &run.reads)),
                };
                TraceEntry { rule: rule.id.clone(), outcome: outcome_word, decision: rule.decision, inputs }
            })
            .collect()
    });

    let next_session = next_session::plan(p, &log, outcome.decision, &outcome.fired, phase);
    Ok(Answer {
        patient: log.patient.clone(),
        as_of: log.sessions[idx].date,
        protocol: ProtocolRef::of(p),
        stepwise: env!("CARGO_PKG_VERSION"),
        phase: p.phases[phase].id.clone(),
        phase_change: change,
        override_: pinned,
        decision: outcome.decision,
        reasons,
        next_session,
        messages,
        timeline: opts.timeline.then_some(timeline),
        trace,
    })
}

/// The loop above runs at least once: the log always has a session by then.
fn unreachable_log() -> ! {
    unreachable!("a log always has at least one session when evaluated")
}
