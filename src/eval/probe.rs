//! Safety probes that `check` runs on a compiled protocol: for each red-flag symptom of the log
//! contract and each phase, a small log whose last session reports the symptom is answered,
//! and an answer other than `refer` is a warning (W0508). Reading the rules (the static half
//! of W0508, `check::lint::red_flags`) finds a protocol with no rule naming a symptom; only
//! answering finds one whose rule names it but cannot fire (`false && last.has_symptom(..)`,
//! a condition on a parameter set out of reach).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::evaluator::{EvalOptions, evaluate};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::log::{PatientLog, Session};
use crate::script::CompiledProtocol;
use crate::vocab::decision::Decision;
use crate::vocab::log::{Intake, Pain, SessionKind, Symptom};
use crate::vocab::quantity::{Date, Rating};

/// A cleared patient's single session, pinned to `phase`, with settled pain and `symptom`.
fn probe_log(phase: usize, symptom: Symptom) -> PatientLog {
    let start = Date::parse("2026-01-05").unwrap_or(Date::MIN);
    let settled = Some(Rating(1));
    PatientLog {
        patient: "red-flag-probe".into(),
        start,
        intake: Some(Intake { onset: None, cause: None, provider_cleared: Some(true), goals: None }),
        sessions: vec![Session {
            date: start.plus_days(1),
            kind: SessionKind::Exercise,
            pain: Pain { before: settled, during: settled, after: settled, next_day: settled },
            fatigue: Some(Rating(3)),
            rom: BTreeMap::new(),
            measures: BTreeMap::new(),
            symptoms: vec![symptom],
            exercises: Vec::new(),
            override_phase: Some(phase),
            override_note: None,
            review: None,
            notes: None,
        }],
    }
}

/// Answers a probe log for every red flag in every phase; each symptom answered otherwise
/// than `refer` is one warning naming the phases and the answers. `already`: the symptoms and
/// phases the static half of W0508 has flagged (not said twice).
pub fn red_flags(c: &CompiledProtocol, already: &[(String, usize)], diags: &mut Diagnostics) {
    let p = &c.protocol;
    let mut missed: BTreeMap<&'static str, Vec<(usize, Decision)>> = BTreeMap::new();
    for symptom in crate::check::lint::red_flags::red_flags() {
        for phase in 0..p.phases.len() {
            if already.iter().any(|(s, ph)| s == symptom.as_str() && *ph == phase) {
                continue;
            }
            // A script error is the protocol's own problem, reported where it is run (test,
            // next); the probe only asks what a working protocol answers.
            if let Ok(answer) = evaluate(c, Arc::new(probe_log(phase, symptom)), &EvalOptions::default())
                && answer.decision != Decision::Refer
            {
                missed.entry(symptom.as_str()).or_default().push((phase, answer.decision));
            }
        }
    }
    for (symptom, answers) in missed {
        let phases: Vec<String> = answers.iter().map(|(ph, d)| format!("`{}` ({d})", p.phase_id(*ph))).collect();
        diags.push(
            Diagnostic::new(
                Code::RedFlagNotReferred,
                format!("a log whose last session reports red-flag symptom `{symptom}` is not referred in phase {}", phases.join(", ")),
            )
            .at(p.manifest.at.source, p.manifest.at.loc)
            .label("in this protocol")
            .help(format!(
                "a rule with `decision: refer` names `{symptom}` but does not fire on it: its condition must hold whenever `last.has_symptom(\"{symptom}\")` does"
            )),
        );
    }
}
