//! Coverage of a protocol by its cases: which cases made each rule fire (in the answer to the
//! case's log, outvoted or not), and which phase changes the replays of the cases' logs went
//! through. The protocol's gates (each phase to the next) are what must be covered; changes a
//! clinician's override made are listed as seen but not counted.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::protocol::Protocol;

/// One rule and the cases whose answer it fired in.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    pub cases: Vec<String>,
}

/// One phase change and the cases whose replay made it.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionCoverage {
    pub from: String,
    pub to: String,
    pub cases: Vec<String>,
}

/// What the cases covered.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Every rule, in evaluation order.
    pub rules: Vec<RuleCoverage>,
    /// Every gate (a phase to the next, by a progress), in phase order.
    pub transitions: Vec<TransitionCoverage>,
    /// Other phase changes seen (by an override).
    pub other_transitions: Vec<TransitionCoverage>,
    /// Rules fired and gates passed over rules and gates, in percent (100 for an empty protocol).
    pub percent: f64,
}

/// Collects coverage from the answers (with `timeline`) of the cases, by case name.
#[derive(Debug, Default)]
pub struct Collector {
    rules: BTreeMap<String, Vec<String>>,
    transitions: BTreeMap<(String, String), Vec<String>>,
}

impl Collector {
    /// Records one case's answer (its JSON form, with the timeline).
    pub fn add(&mut self, case: &str, answer: &Value) {
        for rule in super::expect::fired_rules(answer) {
            push_once(self.rules.entry(rule).or_default(), case);
        }
        let timeline: Vec<&Value> = answer.get("timeline").and_then(Value::as_array).map(|t| t.iter().collect()).unwrap_or_default();
        for pair in timeline.windows(2) {
            if let [before, after] = pair
                && let (Some(a), Some(b)) = (str_at(before, "phase"), str_at(after, "phase"))
                && a != b
            {
                let gate = str_at(before, "decision") == Some("progress");
                let key = (a.to_string(), if gate { b.to_string() } else { format!("{b}{OVERRIDE}") });
                push_once(self.transitions.entry(key).or_default(), case);
            }
        }
        let change = answer.get("phase_change");
        if let (Some(from), Some(to)) = (change.and_then(|c| str_at(c, "from")), change.and_then(|c| str_at(c, "to"))) {
            push_once(self.transitions.entry((from.to_string(), to.to_string())).or_default(), case);
        }
    }

    /// The coverage of `protocol`'s rules and gates.
    pub fn finish(mut self, protocol: &Protocol) -> Coverage {
        let rules: Vec<RuleCoverage> = protocol
            .rules
            .iter()
            .map(|r| RuleCoverage { rule: r.id.clone(), cases: self.rules.remove(&r.id).unwrap_or_default() })
            .collect();
        let transitions: Vec<TransitionCoverage> = protocol
            .phases
            .iter()
            .zip(protocol.phases.iter().skip(1))
            .map(|(from, to)| {
                let key = (from.id.clone(), to.id.clone());
                TransitionCoverage { cases: self.transitions.remove(&key).unwrap_or_default(), from: key.0, to: key.1 }
            })
            .collect();
        let other_transitions = self
            .transitions
            .into_iter()
            .map(|((from, to), cases)| TransitionCoverage { from, to: to.trim_end_matches(OVERRIDE).to_string(), cases })
            .collect();
        let total = rules.len() + transitions.len();
        let covered = rules.iter().filter(|r| !r.cases.is_empty()).count() + transitions.iter().filter(|t| !t.cases.is_empty()).count();
        let percent = if total == 0 { 100.0 } else { crate::num::count_f64(covered) * 100.0 / crate::num::count_f64(total) };
        Coverage { rules, transitions, other_transitions, percent }
    }
}

/// Marks a phase change not made by a gate, so it never counts as one.
const OVERRIDE: &str = "\u{0}override";

fn push_once(list: &mut Vec<String>, case: &str) {
    if !list.iter().any(|c| c == case) {
        list.push(case.to_string());
    }
}

impl Coverage {
    /// The coverage as text: every rule with the cases that fired it, then the gates.
    pub fn render_text(&self) -> String {
        let mut out = String::from("\ncoverage:\n  rules:\n");
        let width = self.rules.iter().map(|r| r.rule.len()).max().unwrap_or(0);
        for r in &self.rules {
            let cases = if r.cases.is_empty() { "NEVER FIRED".to_string() } else { list(&r.cases) };
            put!(out, "    {:width$}  {cases}\n", r.rule);
        }
        out.push_str("  phase changes:\n");
        for t in &self.transitions {
            let cases = if t.cases.is_empty() { "NEVER SEEN".to_string() } else { list(&t.cases) };
            put!(out, "    {} -> {}  {cases}\n", t.from, t.to);
        }
        for t in &self.other_transitions {
            put!(out, "    {} -> {} (not a gate)  {}\n", t.from, t.to, list(&t.cases));
        }
        let fired = self.rules.iter().filter(|r| !r.cases.is_empty()).count();
        let seen = self.transitions.iter().filter(|t| !t.cases.is_empty()).count();
        put!(
            out,
            "  {fired} of {} rules fired, {seen} of {} phase changes seen: {} covered\n",
            self.rules.len(),
            self.transitions.len(),
            percent_text(self.percent)
        );
        out
    }
}

/// `97.4%`, `100%`: one decimal, none for whole numbers.
pub fn percent_text(p: f64) -> String {
    let tenths = (p * 10.0).floor() / 10.0;
    if tenths.fract() == 0.0 { format!("{tenths:.0}%") } else { format!("{tenths:.1}%") }
}

/// At most three case names, then how many more.
fn list(cases: &[String]) -> String {
    let shown: Vec<&str> = cases.iter().take(3).map(String::as_str).collect();
    let more = cases.len().saturating_sub(3);
    if more == 0 { shown.join(", ") } else { format!("{} (+{more} more)", shown.join(", ")) }
}

/// The text at `key` of a JSON object (`None` for anything else), as `v[key].as_str()` reads
/// it without indexing.
fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}
