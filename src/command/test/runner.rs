//! Running cases: each case's log answered by the protocol (with the trace, for failures, and
//! the timeline, for coverage), then compared with its expectations.

use serde::Serialize;
use serde_json::Value;

use crate::cases::expect::{Mismatch, compare, unknown_names};
use crate::cases::files::{LoadedCase, Suite};
use crate::diagnostic::render::DiagnosticFormat;
use crate::engine::{Options, Protocol};

/// The outcome of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub name: String,
    /// `cases/FILE.yaml:LINE`.
    pub place: String,
    /// `ok` or `failed`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
    /// Why the case could not run: an unreadable case file or log, or a log with errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The answer's trace (every rule considered for the last session), for a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Value>,
    /// The answer (JSON), kept for coverage; never printed.
    #[serde(skip)]
    pub answer: Option<Value>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.status == "ok"
    }

    fn failed(name: &str, place: &str, error: String) -> CaseResult {
        CaseResult {
            name: name.into(),
            place: place.into(),
            status: "failed",
            mismatches: Vec::new(),
            error: Some(error),
            trace: None,
            answer: None,
        }
    }
}

/// Runs the cases whose name contains `filter` (all without one), and reports broken case
/// files as failures. Returns the results and how many cases the filter left out.
pub fn run_suite(protocol: &Protocol, suite: &Suite, filter: Option<&str>) -> (Vec<CaseResult>, usize) {
    use rayon::prelude::*;
    let mut results: Vec<CaseResult> = suite.broken.iter().map(|b| CaseResult::failed(&b.file, &b.file, b.error.clone())).collect();
    let chosen: Vec<&LoadedCase> = suite.cases.iter().filter(|c| filter.is_none_or(|f| c.name.contains(f))).collect();
    let filtered = suite.cases.len() - chosen.len();
    // Cases are independent: answered in parallel, reported in their written order.
    let ran: Vec<CaseResult> = chosen
        .par_iter()
        .map(|case| {
            let mut result = run_case(protocol, case);
            if let Some(other) = suite.cases.iter().find(|c| c.name == case.name && c.place != case.place) {
                result.status = "failed";
                let got = format!("also used at {}", other.place);
                result.mismatches.insert(0, Mismatch { what: "name".into(), expected: "a name no other case has".into(), got });
            }
            result
        })
        .collect();
    results.extend(ran);
    (results, filtered)
}

/// Runs one case.
pub fn run_case(protocol: &Protocol, case: &LoadedCase) -> CaseResult {
    let log = match &case.log {
        Ok(log) => log,
        Err(e) => return CaseResult::failed(&case.name, &case.place, e.clone()),
    };
    let options = Options { timeline: true, explain: true, max_errors: None };
    let answer = match protocol.answer_in(&log.name, &log.text, log.format, 0, &options) {
        Ok(a) => a,
        Err(e) => {
            let rendered = protocol.render_log_error(&e, DiagnosticFormat::Plain, false);
            return CaseResult::failed(&case.name, &case.place, format!("the log could not be answered:\n{}", rendered.trim_end()));
        }
    };
    let value = serde_json::to_value(&answer).unwrap_or(Value::Null);
    let mut mismatches = unknown_names(&case.expect, protocol.model());
    mismatches.extend(compare(&case.expect, &value));
    let passed = mismatches.is_empty();
    CaseResult {
        name: case.name.clone(),
        place: case.place.clone(),
        status: if passed { "ok" } else { "failed" },
        trace: (!passed).then(|| value.get("trace").cloned().unwrap_or_default()),
        mismatches,
        error: None,
        answer: Some(value),
    }
}
