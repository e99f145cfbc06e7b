//! Safety probes that `check` runs on a compiled protocol. For each red-flag symptom of the log
//! contract, each phase and each probe shape, a small log whose last session reports the symptom
//! is answered, and an answer other than `refer` is a warning (W0508). A log whose intake says
//! no provider has cleared exercise is probed the same way (W0516). Reading the rules (the
//! static half of W0508, `check::lint::red_flags`) finds a protocol with no rule naming a
//! symptom; only answering finds one whose rule names it but cannot fire (`false &&
//! last.has_symptom(..)`, a condition on a parameter set out of reach), or fires only on some
//! logs (`log.session_count < 3`, `last.kind == "exercise"`, `last.pain.during < 5`): hence
//! several shapes of log, each one a way a real patient's log differs from a first visit.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::evaluator::{EvalError, EvalOptions, evaluate};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::log::{PatientLog, Performed, Session};
use crate::model::protocol::Protocol;
use crate::script::CompiledProtocol;
use crate::vocab::decision::Decision;
use crate::vocab::log::{Cause, Intake, Onset, Pain, SessionKind, Symptom};
use crate::vocab::quantity::{Date, Rating};

/// The shapes of log every probe is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One exercise session, the patient's first.
    First,
    /// The last of sixty settled sessions eleven days apart (649 days: no condition on the day
    /// or the session count holds for every shape), the phase's exercises done, the range of
    /// motion and a clinic's measure recorded, the intake filled in (onset, cause, goals), and
    /// the last session pain-free with a second symptom: whatever a real log holds that a first
    /// visit does not.
    History,
    /// A check-in after a settled session: no exercise, only a rating before.
    CheckIn,
    /// A session whose pain reached 7 during and after exercise, fatigue 9, range of motion
    /// measured.
    Painful,
    /// An exercise session with no pain or fatigue ratings at all.
    Unrated,
}

impl Shape {
    const ALL: [Shape; 5] = [Shape::First, Shape::History, Shape::CheckIn, Shape::Painful, Shape::Unrated];

    /// How a warning names the shape: "in phase `x` (hold, {this})".
    fn describe(self) -> &'static str {
        match self {
            Shape::First => "at a first session",
            Shape::History => "after 59 settled sessions over 649 days",
            Shape::CheckIn => "at a check-in",
            Shape::Painful => "with pain 7 during exercise",
            Shape::Unrated => "with no ratings",
        }
    }
}

/// A settled exercise session on `date` doing the phase's exercises at their first level.
fn settled_session(p: &Protocol, phase: usize, date: Date) -> Session {
    let settled = Some(Rating(1));
    let exercises = p
        .phases
        .get(phase)
        .into_iter()
        .flat_map(|ph| ph.exercises.iter())
        .filter_map(|&t| {
            let template = p.templates.get(t)?;
            let level = template.ladder.first()?;
            Some(Performed {
                id: template.id.as_str().into(),
                template: t,
                dose: level.dose.clone(),
                completed: true,
                level: Some(0),
                token: false,
            })
        })
        .collect();
    Session {
        date,
        kind: SessionKind::Exercise,
        pain: Pain { before: settled, during: settled, after: settled, next_day: settled },
        fatigue: Some(Rating(3)),
        rom: BTreeMap::new(),
        measures: BTreeMap::new(),
        symptoms: Vec::new(),
        exercises,
        override_phase: None,
        override_note: None,
        review: None,
        notes: None,
    }
}

/// A probe log in `shape`, pinned to `phase`, whose last session reports `symptoms`;
/// `cleared`: what the intake says of a provider's clearance.
fn probe_log(p: &Protocol, phase: usize, shape: Shape, symptoms: &[Symptom], cleared: bool) -> PatientLog {
    // Different years for different shapes, so that no date condition holds for all of them.
    let start = Date::parse(if shape == Shape::History { "2031-03-03" } else { "2026-01-05" }).unwrap_or(Date::MIN);
    let (earlier, apart) = match shape {
        Shape::History => (59, 11),
        Shape::CheckIn => (1, 2),
        Shape::First | Shape::Painful | Shape::Unrated => (0, 2),
    };
    let mut sessions: Vec<Session> = (0..=earlier).map(|i| settled_session(p, phase, start.plus_days(1 + apart * i))).collect();
    if matches!(shape, Shape::History | Shape::Painful) {
        for s in &mut sessions {
            s.rom.insert("hip_flexion".into(), 100.0);
        }
    }
    if shape == Shape::History {
        for s in &mut sessions {
            s.measures.insert("single_leg_stance_s".into(), 30.0);
        }
    }
    if let Some(first) = sessions.first_mut() {
        first.override_phase = Some(phase);
    }
    if let Some(last) = sessions.last_mut() {
        last.symptoms = symptoms.to_vec();
        match shape {
            Shape::First => {}
            Shape::History => {
                // Pain-free, and a second symptom: `last.pain.before != 0` or
                // `last.symptoms.len() == 1` holds for every other shape.
                last.pain = Pain { before: Some(Rating(0)), during: Some(Rating(0)), after: Some(Rating(0)), next_day: Some(Rating(0)) };
                if !symptoms.is_empty() {
                    last.symptoms.push(Symptom::Stiffness);
                }
            }
            Shape::CheckIn => {
                last.kind = SessionKind::CheckIn;
                last.pain = Pain { before: Some(Rating(1)), ..Pain::default() };
                last.fatigue = None;
                last.exercises.clear();
            }
            Shape::Painful => {
                last.pain = Pain { before: Some(Rating(2)), during: Some(Rating(7)), after: Some(Rating(7)), next_day: None };
                last.fatigue = Some(Rating(9));
            }
            Shape::Unrated => {
                last.pain = Pain::default();
                last.fatigue = None;
            }
        }
    }
    // Ids (and their shapes) differ, so that no condition on the id holds for every probe; the
    // long history has its intake filled in, the others not.
    let patient = if shape == Shape::History { "hx7" } else { "P-0001" };
    let intake = if shape == Shape::History {
        Intake {
            onset: Some(Onset::Gradual),
            cause: Some(Cause::Overuse),
            provider_cleared: Some(cleared),
            goals: Some(vec!["running".into()]),
        }
    } else {
        Intake { onset: None, cause: None, provider_cleared: Some(cleared), goals: None }
    };
    PatientLog { patient: patient.into(), start, intake: Some(intake), sessions }
}

/// A phase whose probe log was not referred: the phase, the answer, the shape of log.
type Missed = (usize, Decision, Shape);

/// What the probes of one `check` share: all probes together stop at a wall-clock budget (a
/// rule that times out on every log made `check` run for minutes); a failed probe does not stop
/// the others, so the failure reported is always the first in order:
/// a protocol whose every log costs nearly the per-log budget cannot be checked in useful time,
/// which `check` reports as an error ([`Probing::ran_out`]) rather than pass unprobed.
pub struct Probing {
    deadline: Option<std::time::Instant>,
    stop: std::sync::atomic::AtomicBool,
    ran_out: std::sync::atomic::AtomicBool,
}

impl Probing {
    pub fn new(budget: std::time::Duration) -> Probing {
        Probing {
            deadline: std::time::Instant::now().checked_add(budget),
            stop: std::sync::atomic::AtomicBool::new(false),
            ran_out: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether another probe may run.
    fn go_on(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        if self.stop.load(Relaxed) {
            return false;
        }
        if self.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            self.ran_out.store(true, Relaxed);
            self.stop.store(true, Relaxed);
            return false;
        }
        true
    }

    /// The probes stopped at the budget, some of them not answered.
    pub fn ran_out(&self) -> bool {
        self.ran_out.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The wall-clock budget of all of `check`'s probes: six times a log's script budget (a minute
/// by default; the hip protocol's take under a second).
pub fn budget() -> std::time::Duration {
    crate::script::engine::script_budget().saturating_mul(6)
}

/// A probe log that failed: the error, and which probe it was in words.
pub struct ProbeError {
    pub error: EvalError,
    pub probe: String,
}

/// For each phase, the first shape of log (with `symptoms`, and the intake's clearance) whose
/// answer is not `refer`, and that answer. A script error is no referral either (`next` fails
/// for that patient, `batch` makes an error record): the first one is kept in `failed`, for
/// `check` to report as an error (a rule that throws on a red flag, `if last.has_symptom("fever")
/// { throw "" }`, would otherwise pass).
fn unreferred(
    c: &CompiledProtocol,
    symptoms: &[Symptom],
    cleared: bool,
    skip: impl Fn(usize) -> bool,
    failed: &mut Option<ProbeError>,
    probing: &Probing,
) -> Vec<(usize, Decision, Shape)> {
    let p = &c.protocol;
    let mut missed = Vec::new();
    for phase in (0..p.phases.len()).filter(|&phase| !skip(phase)) {
        for shape in Shape::ALL {
            if !probing.go_on() {
                return missed;
            }
            match evaluate(c, Arc::new(probe_log(p, phase, shape, symptoms, cleared)), &EvalOptions::default()) {
                Ok(answer) if answer.decision == Decision::Refer => continue,
                Ok(answer) => missed.push((phase, answer.decision, shape)),
                Err(error) => {
                    if failed.is_none() {
                        let what = symptoms
                            .first()
                            .map_or_else(|| "whose intake is not cleared".to_string(), |s| format!("reporting red flag `{}`", s.as_str()));
                        let probe = format!("check's probe log {what}, {}, in phase `{}`", shape.describe(), p.phase_id(phase));
                        *failed = Some(ProbeError { error, probe });
                    }
                }
            }
            break;
        }
    }
    missed
}

/// "`build` (hold, after 59 settled sessions over 649 days), `late` (progress, at a first session)".
fn phases_and_answers(p: &Protocol, missed: &[(usize, Decision, Shape)]) -> String {
    missed.iter().map(|(ph, d, shape)| format!("`{}` ({d}, {})", p.phase_id(*ph), shape.describe())).collect::<Vec<_>>().join(", ")
}

/// Answers a probe log for every red flag in every phase and shape; each symptom answered
/// otherwise than `refer` is one warning naming the phases, the answers and the shape of log.
/// `already`: the symptoms and phases the static half of W0508 has flagged (not said twice).
pub fn red_flags(
    c: &CompiledProtocol,
    already: &[(String, usize)],
    diags: &mut Diagnostics,
    failed: &mut Option<ProbeError>,
    probing: &Probing,
) {
    use rayon::prelude::*;
    let p = &c.protocol;
    // Symptoms are probed on every core (a long history per symptom and phase is most of what
    // `check` costs), then reported in the contract's order, as one at a time would.
    let symptoms: Vec<Symptom> = crate::check::lint::red_flags::red_flags().collect();
    let results: Vec<(Symptom, Vec<Missed>, Option<ProbeError>)> = symptoms
        .par_iter()
        .map(|&symptom| {
            let mut error = None;
            let missed = unreferred(
                c,
                &[symptom],
                true,
                |phase| already.iter().any(|(s, ph)| s == symptom.as_str() && *ph == phase),
                &mut error,
                probing,
            );
            (symptom, missed, error)
        })
        .collect();
    for (symptom, missed, error) in results {
        if failed.is_none() {
            *failed = error;
        }
        if missed.is_empty() {
            continue;
        }
        diags.push(
            Diagnostic::new(
                Code::RedFlagNotReferred,
                format!(
                    "a log whose last session reports red-flag symptom `{symptom}` is not referred in phase {}",
                    phases_and_answers(p, &missed),
                    symptom = symptom.as_str()
                ),
            )
            .at(p.manifest.at.source, p.manifest.at.loc)
            .label("in this protocol")
            .help(format!(
                "a rule with `decision: refer` names `{symptom}` but does not fire on it: its condition must hold whenever `last.has_symptom(\"{symptom}\")` does, whatever else the log holds",
                symptom = symptom.as_str()
            )),
        );
    }
}

/// Answers a log whose intake says `provider_cleared: false`, in every phase and shape: a
/// patient no provider has cleared for exercise is referred, whatever the log holds (W0516).
pub fn not_cleared(c: &CompiledProtocol, diags: &mut Diagnostics, failed: &mut Option<ProbeError>, probing: &Probing) {
    let p = &c.protocol;
    let missed = unreferred(c, &[], false, |_| false, failed, probing);
    if missed.is_empty() {
        return;
    }
    diags.push(
        Diagnostic::new(
            Code::UnclearedNotReferred,
            format!("a log whose intake says `provider_cleared: false` is not referred in phase {}", phases_and_answers(p, &missed)),
        )
        .at(p.manifest.at.source, p.manifest.at.loc)
        .label("in this protocol")
        .help("add a rule with `decision: refer` and no `phases:` whose condition holds whenever `log.intake.provider_cleared` is not `true` and no later review has cleared the patient"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::testing::hip;

    #[test]
    fn probes_past_the_budget_stop_and_say_so() {
        let c = hip();
        let (mut diags, mut failed) = (Diagnostics::default(), None);
        let spent = Probing::new(std::time::Duration::ZERO);
        red_flags(&c, &[], &mut diags, &mut failed, &spent);
        not_cleared(&c, &mut diags, &mut failed, &spent);
        assert!(spent.ran_out() && failed.is_none());
        // Nothing was answered, so nothing is reported as missed: the caller reports the budget.
        assert_eq!(diags.error_count() + diags.into_sorted().len(), 0);
        let ample = Probing::new(std::time::Duration::from_secs(3600));
        let (mut diags, mut failed) = (Diagnostics::default(), None);
        red_flags(&c, &[], &mut diags, &mut failed, &ample);
        assert!(!ample.ran_out() && failed.is_none() && diags.into_sorted().is_empty());
    }
}
