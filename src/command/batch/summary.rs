//! The end-of-run summary: counts per decision and phase, errors, and the patients that need
//! a clinician's review (refer first, then rest, then regress).

use std::collections::BTreeMap;

use super::Outcome;
use crate::diagnostic::escape_controls as e;
use crate::vocab::decision::Decision;

#[derive(Debug, Default)]
pub struct Summary {
    pub read: u64,
    pub answered: u64,
    pub errors: u64,
    pub decisions: BTreeMap<Decision, u64>,
    pub phases: BTreeMap<String, u64>,
    pub review: BTreeMap<Decision, Vec<String>>,
    /// Patients whose answer moves them to another phase: a step a clinician signs off.
    pub phase_changes: Vec<(String, String, String)>,
    pub failed: Vec<Failed>,
    /// The protocol's phases in order, to list phase counts in that order.
    pub phase_order: Vec<String>,
}

/// A log that could not be answered, as the summary lists it.
#[derive(Debug, serde::Serialize)]
pub struct Failed {
    pub patient: Option<String>,
    pub source: crate::load::log_text::Origin,
    pub error: String,
}

impl Failed {
    /// `p1 (logs.jsonl:3)`, or the place alone when the patient is unknown.
    fn words(&self) -> String {
        let at = self.source.place();
        self.patient.as_ref().map_or(at.clone(), |p| format!("{p} ({at})"))
    }
}

/// What the summary keeps of one outcome. Taken by the worker that answered the log, so the
/// answer is freed on the thread that built it and only this crosses threads.
pub enum Tally {
    Answer { patient: String, decision: Decision, phase: String, phase_change: Option<(String, String)> },
    Error(Failed),
}

impl Tally {
    pub fn of(o: &Outcome) -> Tally {
        match o {
            Outcome::Answer { answer: a, .. } => Tally::Answer {
                patient: a.patient.clone(),
                decision: a.decision,
                phase: a.phase.clone(),
                phase_change: a.phase_change.as_ref().map(|c| (c.from.clone(), c.to.clone())),
            },
            Outcome::Error { origin, patient, error } => {
                Tally::Error(Failed { patient: patient.clone(), source: origin.clone(), error: error.message() })
            }
        }
    }
}

impl Summary {
    /// An empty summary for a protocol with these phases, in order.
    pub fn new(phase_order: Vec<String>) -> Summary {
        Summary { phase_order, ..Summary::default() }
    }

    /// Phase counts in the protocol's order (a phase the protocol lacks, last).
    fn phases_in_order(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.phases.iter().map(|(p, n)| (p.as_str(), *n)).collect();
        v.sort_by_key(|(p, _)| self.phase_order.iter().position(|o| o == p).unwrap_or(usize::MAX));
        v
    }

    pub fn add(&mut self, t: Tally) {
        self.read += 1;
        match t {
            Tally::Answer { patient, decision, phase, phase_change } => {
                self.answered += 1;
                if let Some((from, to)) = phase_change {
                    self.phase_changes.push((patient.clone(), from, to));
                }
                *self.decisions.entry(decision).or_default() += 1;
                *self.phases.entry(phase).or_default() += 1;
                if matches!(decision, Decision::Refer | Decision::Rest | Decision::Regress) {
                    self.review.entry(decision).or_default().push(patient);
                }
            }
            Tally::Error(failed) => {
                self.errors += 1;
                self.failed.push(failed);
            }
        }
    }

    pub fn to_json(&self, protocol: &crate::eval::answer::ProtocolRef) -> serde_json::Value {
        let decisions: BTreeMap<&str, u64> =
            Decision::ALL.iter().map(|d| (d.as_str(), self.decisions.get(d).copied().unwrap_or(0))).collect();
        let mut review: Vec<serde_json::Value> =
            self.review.iter().flat_map(|(d, ids)| ids.iter().map(move |id| serde_json::json!({"patient": id, "decision": d}))).collect();
        review.extend(
            self.phase_changes
                .iter()
                .map(|(id, from, to)| serde_json::json!({"patient": id, "decision": "progress", "phase_change": {"from": from, "to": to}})),
        );
        // An ordered list of [phase, count] pairs: a JSON object's keys have no order.
        let phases: Vec<serde_json::Value> = self.phases_in_order().into_iter().map(|(p, n)| serde_json::json!([p, n])).collect();
        serde_json::json!({
            "protocol": protocol,
            "read": self.read,
            "answered": self.answered,
            "errors": self.errors,
            "decisions": decisions,
            "phases": phases,
            "needs_review": review,
            "failed": self.failed,
        })
    }

    /// Ids and file names are escaped (see [`crate::diagnostic::escape_controls`]).
    pub fn text(&self) -> String {
        let mut o = String::new();
        putln!(o, "read {} log(s): {} answered, {} error(s)", self.read, self.answered, self.errors);
        let decisions: Vec<String> =
            Decision::ALL.iter().map(|d| format!("{} {}", d, self.decisions.get(d).copied().unwrap_or(0))).collect();
        putln!(o, "decisions: {}", decisions.join(", "));
        if !self.phases.is_empty() {
            let phases: Vec<String> = self.phases_in_order().into_iter().map(|(p, n)| format!("{} {n}", e(p))).collect();
            putln!(o, "phases: {}", phases.join(", "));
        }
        for (d, ids) in &self.review {
            let shown: Vec<&str> = ids.iter().take(20).map(String::as_str).collect();
            let more = if ids.len() > 20 { format!(" and {} more", ids.len() - 20) } else { String::new() };
            putln!(o, "review ({d}): {}{more}", e(&shown.join(", ")));
        }
        if !self.phase_changes.is_empty() {
            let shown: Vec<String> = self.phase_changes.iter().take(20).map(|(id, from, to)| format!("{id} ({from} -> {to})")).collect();
            let n = self.phase_changes.len();
            let more = if n > 20 { format!(" and {} more", n - 20) } else { String::new() };
            putln!(o, "review (phase change): {}{more}", e(&shown.join(", ")));
        }
        if !self.failed.is_empty() {
            let shown: Vec<String> = self.failed.iter().take(20).map(Failed::words).collect();
            let more = if self.failed.len() > 20 { format!(" and {} more", self.failed.len() - 20) } else { String::new() };
            putln!(o, "errors: {}{more}", e(&shown.join(", ")));
        }
        o
    }
}
