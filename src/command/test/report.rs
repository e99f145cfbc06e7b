//! How `stepwise test` prints its results: like `cargo test` (one line per case, then each
//! failure with what was expected, what the answer said and the rules' trace, then the
//! count), or one JSON object.

use serde_json::{Value, json};

use crate::cases::coverage::Coverage;
use crate::eval::answer::ProtocolRef;

use super::runner::CaseResult;

/// A value of the protocol's files on one line of the report: a case name holding a line
/// break would otherwise print a line of its own (`case x ... ok` under a failing case).
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    crate::diagnostic::escape_controls(text)
}

/// The text report.
pub fn text(protocol: &ProtocolRef, results: &[CaseResult], filtered: usize, coverage: Option<&Coverage>) -> String {
    let mut out = format!(
        "running {} case{} (protocol {} {} ({}), from {})\n",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        protocol.id,
        protocol.version,
        protocol.digest,
        one_line(&protocol.from)
    );
    for r in results {
        put!(out, "case {} ... {}\n", one_line(&r.name), if r.passed() { "ok" } else { "FAILED" });
    }
    let failures: Vec<&CaseResult> = results.iter().filter(|r| !r.passed()).collect();
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for r in &failures {
            put!(out, "\n---- {} ({}) ----\n", one_line(&r.name), one_line(&r.place));
            if let Some(e) = &r.error {
                for line in e.lines() {
                    put!(out, "  {line}\n");
                }
            }
            for m in &r.mismatches {
                put!(out, "  {}: expected {}, got {}\n", one_line(&m.what), one_line(&m.expected), one_line(&m.got));
            }
            if let Some(trace) = &r.trace {
                out.push_str(&trace_text(trace));
            }
        }
        out.push_str("\nfailures:\n");
        for r in &failures {
            put!(out, "    {}\n", one_line(&r.name));
        }
    }
    if let Some(c) = coverage {
        out.push_str(&c.render_text());
    }
    let passed = results.len() - failures.len();
    put!(
        out,
        "\ntest result: {}. {passed} passed, {} failed, {filtered} filtered out\n",
        if failures.is_empty() { "ok" } else { "FAILED" },
        failures.len()
    );
    // Case names, errors and values come from the protocol's files: no line of them may carry
    // a terminal escape or a bidirectional override.
    out.split_inclusive('\n')
        .map(|line| crate::diagnostic::escape_controls(line.strip_suffix('\n').unwrap_or(line)).into_owned() + "\n")
        .collect()
}

/// The rules considered for the last session: fired and not fired ones (out of phase ones
/// counted), with the values a fired rule read from the last session and the parameters.
fn trace_text(trace: &Value) -> String {
    let entries: Vec<&Value> = trace.as_array().map(|t| t.iter().collect()).unwrap_or_default();
    let considered: Vec<&&Value> = entries.iter().filter(|e| e["outcome"] != "out of phase").collect();
    let width = considered.iter().filter_map(|e| e["rule"].as_str()).map(str::len).max().unwrap_or(0);
    let mut out = String::from("  trace (the rules considered for the last session):\n");
    for e in &considered {
        let rule = e["rule"].as_str().unwrap_or_default();
        let outcome = e["outcome"].as_str().unwrap_or_default();
        let decision = e["decision"].as_str().unwrap_or_default();
        put!(out, "    {rule:width$}  {outcome:9}  {decision}");
        if outcome == "fired"
            && let Some(inputs) = e["inputs"].as_object()
        {
            // The last session's values and the parameters; earlier sessions' values are in
            // `next --explain` (a streak rule reads every session of its streak).
            let values: Vec<String> = inputs.iter().filter(|(k, _)| !k.starts_with("session ")).map(|(k, v)| format!("{k} {v}")).collect();
            put!(out, "  ({})", values.join("; "));
        }
        out.push('\n');
    }
    let out_of_phase = entries.len() - considered.len();
    if out_of_phase > 0 {
        put!(out, "    ({out_of_phase} rule(s) out of phase)\n");
    }
    out
}

/// The JSON report: one object on one line.
pub fn json(protocol: &ProtocolRef, results: &[CaseResult], filtered: usize, coverage: Option<&Coverage>) -> String {
    let failed = results.iter().filter(|r| !r.passed()).count();
    let mut v = json!({
        "protocol": protocol,
        "stepwise": env!("CARGO_PKG_VERSION"),
        "cases": results,
        "passed": results.len() - failed,
        "failed": failed,
        "filtered_out": filtered,
    });
    if let (Some(c), Some(fields)) = (coverage, v.as_object_mut()) {
        fields.insert("coverage".into(), json!(c));
    }
    format!("{v}\n")
}
