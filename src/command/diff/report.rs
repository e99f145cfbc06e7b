//! How `stepwise diff` prints: per patient whose answer changed, each difference; then a
//! summary table ("12 of 400 patients: progress -> hold"). Text, JSON (one object) or
//! Markdown (for a pull request comment).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use crate::diagnostic::escape_controls;
use crate::eval::answer::ProtocolRef;
use crate::load::log_text::Origin;

use super::compare::{Change, Snapshot};

/// One patient whose answer changed.
#[derive(Debug, Clone, Serialize)]
pub struct PatientDiff {
    pub patient: String,
    pub source: Origin,
    pub changes: Vec<Change>,
    pub old: Snapshot,
    pub new: Snapshot,
}

/// The counts over every log compared.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub patients: usize,
    pub changed: usize,
    /// (old decision, new decision) → patients.
    #[serde(serialize_with = "pairs")]
    pub decisions: BTreeMap<(String, String), usize>,
    /// (old phase, new phase) → patients.
    #[serde(serialize_with = "pairs")]
    pub phases: BTreeMap<(String, String), usize>,
    pub rules_changed: usize,
    pub next_session_changed: usize,
}

fn pairs<S: serde::Serializer>(map: &BTreeMap<(String, String), usize>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(map.len()))?;
    for ((from, to), n) in map {
        seq.serialize_element(&json!({"from": from, "to": to, "patients": n}))?;
    }
    seq.end()
}

impl Summary {
    pub fn add(&mut self, changes: &[Change], old: &Snapshot, new: &Snapshot) {
        self.patients += 1;
        if changes.is_empty() {
            return;
        }
        self.changed += 1;
        if old.decision != new.decision {
            *self.decisions.entry((old.decision.clone(), new.decision.clone())).or_default() += 1;
        }
        if changes.iter().any(|c| c.what == "phase") {
            *self.phases.entry((old.phase.clone(), new.phase.clone())).or_default() += 1;
        }
        if changes.iter().any(|c| c.what == "rules") {
            self.rules_changed += 1;
        }
        if changes.iter().any(|c| c.what.starts_with("next.")) {
            self.next_session_changed += 1;
        }
    }

    /// (change in words, patients), in a fixed order: decisions, phases, rules, next session.
    fn rows(&self) -> Vec<(String, usize)> {
        let mut rows: Vec<(String, usize)> = self.decisions.iter().map(|((a, b), n)| (format!("{a} -> {b}"), *n)).collect();
        rows.extend(self.phases.iter().map(|((a, b), n)| (format!("phase {a} -> {b}"), *n)));
        if self.rules_changed > 0 {
            rows.push(("rules fired changed".into(), self.rules_changed));
        }
        if self.next_session_changed > 0 {
            rows.push(("next session changed".into(), self.next_session_changed));
        }
        rows
    }
}

fn reference(r: &ProtocolRef) -> String {
    format!("protocol {} {} ({}), from {}", r.id, r.version, r.digest, r.from)
}

fn origin(o: &Origin) -> String {
    match o.line {
        Some(l) => format!("{}:{l}", o.file),
        None => o.file.clone(),
    }
}

/// A change in words: `rules` lists the rules no longer and newly firing (`none` when a side
/// has none).
fn change_words(c: &Change) -> String {
    match c.what.as_str() {
        "rules" => match (c.old.as_str(), c.new.as_str()) {
            ("none", newly) => format!("rules fired: newly {newly}"),
            (gone, "none") => format!("rules fired: no longer {gone}"),
            (gone, newly) => format!("rules fired: no longer {gone}; newly {newly}"),
        },
        "decision" => format!("decision: {} -> {}", c.old, c.new),
        "phase" => format!("phase: {} -> {}", c.old, c.new),
        "error" => format!("error: {} -> {}", c.old, c.new),
        "next.date" => format!("next session: {} -> {}", c.old, c.new),
        other => format!("{}: {} -> {}", other.trim_start_matches("next."), c.old, c.new),
    }
}

/// The line said when no answer changed.
fn no_changes(patients: usize) -> String {
    match patients {
        1 => "\nNo changes: the patient gets the same answer.\n".into(),
        n => format!("\nNo changes: all {n} patients get the same answer.\n"),
    }
}

pub fn text(old: &ProtocolRef, new: &ProtocolRef, diffs: &[PatientDiff], summary: &Summary) -> String {
    let mut out = format!("old: {}\nnew: {}\n", reference(old), reference(new));
    for d in diffs {
        put!(out, "\n{} ({})\n", escape_controls(&d.patient), escape_controls(&origin(&d.source)));
        for c in &d.changes {
            put!(out, "  {}\n", escape_controls(&change_words(c)));
        }
    }
    if summary.changed == 0 {
        out.push_str(&no_changes(summary.patients));
        return out;
    }
    put!(out, "\nSummary: {} of {} patients changed\n", summary.changed, summary.patients);
    for (what, n) in summary.rows() {
        put!(out, "  {n} of {} patients: {what}\n", summary.patients);
    }
    out
}

pub fn json(old: &ProtocolRef, new: &ProtocolRef, diffs: &[PatientDiff], summary: &Summary) -> String {
    let v = json!({
        "old": old,
        "new": new,
        "stepwise": env!("CARGO_PKG_VERSION"),
        "patients": diffs,
        "summary": summary,
    });
    format!("{v}\n")
}

/// A Markdown table cell: one line, and nothing in it read as Markdown or HTML. A patient id
/// such as `<img src=x> [link](javascript:...)` is shown as written, not rendered, where the
/// table is posted (a pull-request comment), and `@name` mentions no one.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in escape_controls(s).chars() {
        match c {
            // A link or an image needs brackets, HTML and an autolink a `<`; emphasis is
            // harmless and `_` is in most ids, so it stays readable.
            '|' | '\\' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            // `&lt;b&gt;` in an id would render as a tag's text, not as written.
            '&' => out.push_str("&amp;"),
            // `@octocat` in a patient id would notify that user where the table is posted;
            // `#12` would link an issue. As entities they read the same and do neither.
            '@' => out.push_str("&#64;"),
            '#' => out.push_str("&#35;"),
            c => out.push(c),
        }
    }
    out
}

pub fn markdown(old: &ProtocolRef, new: &ProtocolRef, diffs: &[PatientDiff], summary: &Summary) -> String {
    let mut out = String::from("## Protocol diff\n\n| | protocol | version | digest | from |\n|---|---|---|---|---|\n");
    for (side, r) in [("old", old), ("new", new)] {
        put!(out, "| {side} | {} | {} | `{}` | {} |\n", cell(&r.id), cell(&r.version), r.digest, cell(&r.from));
    }
    if summary.changed == 0 {
        out.push_str(&no_changes(summary.patients));
        return out;
    }
    put!(out, "\n### Summary: {} of {} patients changed\n\n| change | patients |\n|---|---|\n", summary.changed, summary.patients);
    for (what, n) in summary.rows() {
        put!(out, "| {} | {n} of {} |\n", cell(&what), summary.patients);
    }
    out.push_str("\n### Patients\n\n| patient | log | change | old | new |\n|---|---|---|---|---|\n");
    for d in diffs {
        for c in &d.changes {
            let (what, a, b) = match c.what.as_str() {
                "rules" => ("rules fired".to_string(), format!("no longer: {}", c.old), format!("newly: {}", c.new)),
                "next.date" => ("next session".to_string(), c.old.clone(), c.new.clone()),
                w => (w.trim_start_matches("next.").to_string(), c.old.clone(), c.new.clone()),
            };
            put!(out, "| {} | {} | {} | {} | {} |\n", cell(&d.patient), cell(&origin(&d.source)), cell(&what), cell(&a), cell(&b));
        }
    }
    out
}
