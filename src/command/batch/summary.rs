//! The end-of-run summary: counts per decision and phase, errors, and the patients that need
//! a clinician's review (refer first, then rest, then regress).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Outcome;
use crate::diagnostic::escape_controls as e;
use crate::model::decision::Decision;

#[derive(Debug, Default)]
pub struct Summary {
    pub read: u64,
    pub answered: u64,
    pub errors: u64,
    pub decisions: BTreeMap<Decision, u64>,
    pub phases: BTreeMap<String, u64>,
    pub review: BTreeMap<Decision, Vec<String>>,
    pub failed: Vec<Failed>,
}

/// A log that could not be answered, as the summary lists it.
#[derive(Debug, serde::Serialize)]
pub struct Failed {
    pub patient: Option<String>,
    pub source: super::input::Origin,
    pub error: String,
}

impl Failed {
    /// `p1 (logs.jsonl:3)`, or the place alone when the patient is unknown.
    fn words(&self) -> String {
        let at = self.source.line.map(|l| format!("{}:{l}", self.source.file)).unwrap_or_else(|| self.source.file.clone());
        self.patient.as_ref().map_or(at.clone(), |p| format!("{p} ({at})"))
    }
}

impl Summary {
    pub fn add(&mut self, o: &Outcome) {
        self.read += 1;
        match o {
            Outcome::Answer(a) => {
                self.answered += 1;
                *self.decisions.entry(a.decision).or_default() += 1;
                *self.phases.entry(a.phase.clone()).or_default() += 1;
                if matches!(a.decision, Decision::Refer | Decision::Rest | Decision::Regress) {
                    self.review.entry(a.decision).or_default().push(a.patient.clone());
                }
            }
            Outcome::Error { origin, patient, error } => {
                self.errors += 1;
                self.failed.push(Failed { patient: patient.clone(), source: origin.clone(), error: error.message() });
            }
        }
    }

    pub fn to_json(&self, protocol: &crate::eval::answer::ProtocolRef) -> serde_json::Value {
        let decisions: BTreeMap<&str, u64> =
            Decision::ALL.iter().map(|d| (d.as_str(), self.decisions.get(d).copied().unwrap_or(0))).collect();
        let review: Vec<serde_json::Value> =
            self.review.iter().flat_map(|(d, ids)| ids.iter().map(move |id| serde_json::json!({"patient": id, "decision": d}))).collect();
        serde_json::json!({
            "protocol": protocol,
            "read": self.read,
            "answered": self.answered,
            "errors": self.errors,
            "decisions": decisions,
            "phases": self.phases,
            "needs_review": review,
            "failed": self.failed,
        })
    }

    /// Ids and file names are escaped (see [`crate::diagnostic::escape_controls`]).
    pub fn text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "read {} log(s): {} answered, {} error(s)", self.read, self.answered, self.errors);
        let decisions: Vec<String> =
            Decision::ALL.iter().map(|d| format!("{} {}", d, self.decisions.get(d).copied().unwrap_or(0))).collect();
        let _ = writeln!(o, "decisions: {}", decisions.join(", "));
        if !self.phases.is_empty() {
            let phases: Vec<String> = self.phases.iter().map(|(p, n)| format!("{} {n}", e(p))).collect();
            let _ = writeln!(o, "phases: {}", phases.join(", "));
        }
        for (d, ids) in &self.review {
            let shown: Vec<&str> = ids.iter().take(20).map(String::as_str).collect();
            let more = if ids.len() > 20 { format!(" and {} more", ids.len() - 20) } else { String::new() };
            let _ = writeln!(o, "review ({d}): {}{more}", e(&shown.join(", ")));
        }
        if !self.failed.is_empty() {
            let shown: Vec<String> = self.failed.iter().take(20).map(Failed::words).collect();
            let more = if self.failed.len() > 20 { format!(" and {} more", self.failed.len() - 20) } else { String::new() };
            let _ = writeln!(o, "errors: {}{more}", e(&shown.join(", ")));
        }
        o
    }
}
