//! Comparing an answer with a case's expectations. Only what the case names is checked; each
//! difference is one [`Mismatch`] in words. Names the protocol does not know (a rule, phase or
//! exercise id with a typo) are mismatches too, so a misspelt `not_fired` cannot pass vacuously.

use serde::Serialize;
use serde_json::Value;

use crate::model::protocol::Protocol;

use super::spec::{Expect, PhaseChangeExpect};

/// One expectation not met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// What was checked, e.g. `decision`, `fired`, `next.exercises.walking.minutes`.
    pub what: String,
    pub expected: String,
    pub got: String,
}

fn mismatch(what: impl Into<String>, expected: impl Into<String>, got: impl Into<String>) -> Mismatch {
    Mismatch { what: what.into(), expected: expected.into(), got: got.into() }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Names in the expectations that the protocol does not define.
pub fn unknown_names(expect: &Expect, protocol: &Protocol) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let rule = |id: &str| protocol.rules.iter().any(|r| r.id == id);
    for id in expect.fired.iter().chain(&expect.not_fired) {
        if !rule(id) {
            out.push(mismatch("rule", format!("a rule of the protocol named `{id}`"), "no such rule (see `stepwise list rules`)"));
        }
    }
    let mut phases: Vec<&String> = expect.phase.iter().collect();
    if let Some(PhaseChangeExpect::Change { from, to }) = &expect.phase_change {
        phases.extend([from, to]);
    }
    for id in phases {
        if protocol.phase_index(id).is_none() {
            out.push(mismatch("phase", format!("a phase of the protocol named `{id}`"), "no such phase (see `stepwise list phases`)"));
        }
    }
    if let Some(next) = &expect.next {
        for id in next.exercises.keys().chain(&next.absent) {
            if protocol.template_index(id).is_none() {
                let got = "no such exercise (see `stepwise list exercises`)";
                out.push(mismatch("exercise", format!("an exercise of the protocol named `{id}`"), got));
            }
        }
    }
    out
}

/// The ids of the rules that fired (outvoted ones included), in the answer's order.
pub fn fired_rules(answer: &Value) -> Vec<String> {
    answer["reasons"].as_array().map_or_else(Vec::new, |r| r.iter().filter_map(|r| r["rule"].as_str().map(str::to_string)).collect())
}

/// Every difference between the answer (its JSON form) and the expectations.
pub fn compare(expect: &Expect, answer: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(d) = expect.decision
        && answer["decision"].as_str() != Some(d.as_str())
    {
        out.push(mismatch("decision", d.as_str(), text(&answer["decision"])));
    }
    if let Some(u) = expect.urgency
        && answer["urgency"].as_str() != Some(u.as_str())
    {
        out.push(mismatch("urgency", u.as_str(), text(&answer["urgency"])));
    }
    if let Some(p) = &expect.phase
        && answer["phase"].as_str() != Some(p.as_str())
    {
        out.push(mismatch("phase", p.as_str(), text(&answer["phase"])));
    }
    if let Some(change) = &expect.phase_change {
        let got = &answer["phase_change"];
        let got_text = if got.is_null() { "none".to_string() } else { format!("{} -> {}", text(&got["from"]), text(&got["to"])) };
        let expected = match change {
            PhaseChangeExpect::None(_) => "none".to_string(),
            PhaseChangeExpect::Change { from, to } => format!("{from} -> {to}"),
        };
        if expected != got_text {
            out.push(mismatch("phase_change", expected, got_text));
        }
    }
    let fired = fired_rules(answer);
    let fired_list = if fired.is_empty() { "no rule fired".to_string() } else { format!("fired: {}", fired.join(", ")) };
    for id in &expect.fired {
        if !fired.contains(id) {
            out.push(mismatch("fired", format!("{id} fires"), fired_list.clone()));
        }
    }
    for id in &expect.not_fired {
        if fired.contains(id) {
            out.push(mismatch("not_fired", format!("{id} does not fire"), fired_list.clone()));
        }
    }
    if let Some(next) = &expect.next {
        compare_next(next, &answer["next_session"], &mut out);
    }
    let messages: Vec<&str> = ["patient", "clinician"]
        .iter()
        .flat_map(|k| answer.get("messages").and_then(|m| m.get(k)).and_then(Value::as_array).into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    for wanted in &expect.messages {
        if !messages.iter().any(|m| m.contains(wanted.as_str())) {
            out.push(mismatch(
                "messages",
                format!("a message containing \"{wanted}\""),
                format!("{} message(s), none containing it", messages.len()),
            ));
        }
    }
    out
}

fn compare_next(next: &super::spec::NextExpect, session: &Value, out: &mut Vec<Mismatch>) {
    if let Some(planned) = next.planned
        && planned == session.is_null()
    {
        let say = |p: bool| if p { "a next session" } else { "no next session" };
        out.push(mismatch("next.planned", say(planned), say(!session.is_null())));
    }
    if let Some(date) = &next.date
        && session["date"].as_str() != Some(date.as_str())
    {
        out.push(mismatch("next.date", date.as_str(), text(&session["date"])));
    }
    let listed: Vec<&Value> = session["exercises"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let find = |id: &str| listed.iter().find(|e| e["id"].as_str() == Some(id)).copied();
    let ids = || listed.iter().filter_map(|e| e["id"].as_str()).collect::<Vec<_>>().join(", ");
    for (id, dose) in &next.exercises {
        let Some(got) = find(id) else {
            out.push(mismatch(format!("next.exercises.{id}"), "listed", format!("not listed (listed: {})", ids())));
            continue;
        };
        for (field, want) in dose.parts() {
            let value = &got[field];
            if value.as_f64().is_none_or(|g| (g - want).abs() > 1e-9) {
                out.push(mismatch(format!("next.exercises.{id}.{field}"), fmt_number(want), text(value)));
            }
        }
    }
    for id in &next.absent {
        if find(id).is_some() {
            out.push(mismatch(format!("next.exercises.{id}"), "not listed", "listed"));
        }
    }
}

/// `16.5`, `2` (no `.0` on whole numbers).
fn fmt_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", crate::num::whole_i64(v)) } else { format!("{v}") }
}
