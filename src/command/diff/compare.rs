//! What one patient's answer is, in the terms a protocol change is reviewed in (decision,
//! phase, rules fired, next session), and the differences between two such answers.

use serde::Serialize;

use crate::engine::LogError;
use crate::eval::Answer;

/// The parts of an answer (or its failure) that a diff compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// `progress`, `refer (urgent)`, or `error` when the log could not be answered.
    pub decision: String,
    pub phase: String,
    pub rules: Vec<String>,
    /// The next session's date, or `none`.
    pub next_date: String,
    /// `(exercise id, "level 2: 2 x 10, hold 3 s")` in the next session's order.
    pub next: Vec<(String, String)>,
    /// The first problem when the log could not be answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Snapshot {
    pub fn of(result: &Result<Answer, LogError>) -> Snapshot {
        match result {
            Ok(a) => Snapshot {
                decision: match a.urgency {
                    Some(u) => format!("{} ({})", a.decision.as_str(), u.as_str()),
                    None => a.decision.as_str().to_string(),
                },
                phase: a.phase.clone(),
                rules: a.reasons.iter().map(|r| r.rule.clone()).collect(),
                next_date: a.next_session.as_ref().map_or_else(|| "none".to_string(), |s| s.date.to_string()),
                next: a.next_session.as_ref().map_or_else(Vec::new, |s| {
                    s.exercises
                        .iter()
                        .map(|e| {
                            let level = e.level.map(|l| format!("level {l}: ")).unwrap_or_default();
                            (e.id.clone(), format!("{level}{}", crate::render::dose_words(e)))
                        })
                        .collect()
                }),
                error: None,
            },
            Err(e) => Snapshot {
                decision: "error".into(),
                phase: String::new(),
                rules: Vec::new(),
                next_date: "none".into(),
                next: Vec::new(),
                error: Some(e.message()),
            },
        }
    }
}

/// One difference: what changed, from what, to what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `decision`, `phase`, `rules`, `next.date`, `next.EXERCISE` or `error`.
    pub what: String,
    pub old: String,
    pub new: String,
}

fn change(what: impl Into<String>, old: impl Into<String>, new: impl Into<String>) -> Change {
    Change { what: what.into(), old: old.into(), new: new.into() }
}

/// Every difference between the old and the new answer, in a fixed order.
pub fn differences(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    if old.decision != new.decision {
        out.push(change("decision", &old.decision, &new.decision));
    }
    if old.error != new.error && (old.error.is_some() && new.error.is_some()) {
        out.push(change("error", old.error.clone().unwrap_or_default(), new.error.clone().unwrap_or_default()));
    }
    if old.phase != new.phase && old.error.is_none() && new.error.is_none() {
        out.push(change("phase", &old.phase, &new.phase));
    }
    if old.rules != new.rules {
        let gone: Vec<&String> = old.rules.iter().filter(|r| !new.rules.contains(r)).collect();
        let came: Vec<&String> = new.rules.iter().filter(|r| !old.rules.contains(r)).collect();
        let list =
            |v: &[&String]| if v.is_empty() { "none".to_string() } else { v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") };
        if gone.is_empty() && came.is_empty() {
            out.push(change("rules", old.rules.join(", "), new.rules.join(", ")));
        } else {
            out.push(change("rules", list(&gone), list(&came)));
        }
    }
    if old.next_date != new.next_date {
        out.push(change("next.date", &old.next_date, &new.next_date));
    }
    let find = |list: &[(String, String)], id: &str| list.iter().find(|(i, _)| i == id).map(|(_, d)| d.clone());
    let mut ids: Vec<&String> = old.next.iter().map(|(i, _)| i).collect();
    ids.extend(new.next.iter().map(|(i, _)| i).filter(|i| !old.next.iter().any(|(o, _)| o == *i)));
    for id in ids {
        let (a, b) = (find(&old.next, id), find(&new.next, id));
        if a != b {
            let none = || "not listed".to_string();
            out.push(change(format!("next.{id}"), a.unwrap_or_else(none), b.unwrap_or_else(none)));
        }
    }
    out
}
