//! Plans the next session from the decision: its date, and each exercise with its dose. The
//! next dose builds on what the patient actually did last time; an exercise new to the
//! patient starts at the first level of its ladder.

use crate::model::decision::Decision;
use crate::model::dose::{Dose, DoseChange, apply_steps};
use crate::model::log::{PatientLog, Performed};
use crate::model::protocol::{NextExercises, Protocol, Template};
use crate::model::quantity::Date;

use super::answer::{NextExercise, NextSession};

/// Where a dose change comes from: a rule that fired with the winning decision replaces
/// everything; otherwise an exercise's own change (if it has one) replaces the protocol's.
#[derive(Debug, Clone)]
enum Change {
    /// Keep the dose (hold, or a rest with no regress rule).
    Keep,
    /// The protocol default for this direction, which a template may replace.
    Default(Decision, DoseChange),
    /// A rule's own dose change.
    Rule(DoseChange),
}

/// The dose change a decision calls for. After a rest, the session resumes scaled back when
/// a regress rule fired too (the data contract), and otherwise unchanged.
fn change_for(p: &Protocol, decision: Decision, fired: &[usize]) -> Change {
    let rule_dose =
        |d: Decision| fired.iter().map(|&r| &p.rules[r]).find(|r| r.decision == d && r.dose.is_some()).and_then(|r| r.dose.clone());
    let regress_fired = fired.iter().any(|&r| p.rules[r].decision == Decision::Regress);
    let direction = match decision {
        Decision::Progress => Decision::Progress,
        Decision::Regress => Decision::Regress,
        Decision::Rest if regress_fired => Decision::Regress,
        Decision::Rest | Decision::Hold | Decision::Refer => return rule_dose(decision).map_or(Change::Keep, Change::Rule),
    };
    if let Some(d) = rule_dose(direction) {
        return Change::Rule(d);
    }
    let default = if direction == Decision::Progress { &p.dosing.progress } else { &p.dosing.regress };
    Change::Default(direction, default.clone())
}

fn resolve_change(t: &Template, change: &Change) -> Option<DoseChange> {
    match change {
        Change::Keep => None,
        Change::Rule(d) => Some(d.clone()),
        Change::Default(Decision::Progress, d) => Some(t.progress.clone().unwrap_or_else(|| d.clone())),
        Change::Default(_, d) => Some(t.regress.clone().unwrap_or_else(|| d.clone())),
    }
}

/// The ladder level a performed dose has reached: the level the log records, else the
/// highest level whose whole dose was met, else the first.
pub fn level_reached(t: &Template, done: &Performed) -> usize {
    done.level
        .unwrap_or_else(|| t.ladder.iter().rposition(|l| l.dose.is_met_by(&done.dose)).unwrap_or(0))
        .min(t.ladder.len().saturating_sub(1))
}

fn exercise(t: &Template, level: Option<usize>, dose: Dose) -> NextExercise {
    let mut cues = t.cues.clone();
    if let Some(l) = level.and_then(|l| t.ladder.get(l)) {
        cues.extend(l.cues.iter().cloned());
    }
    NextExercise {
        id: t.id.clone(),
        name: t.name.clone(),
        level: level.map(|l| l + 1),
        level_name: level.and_then(|l| t.ladder.get(l)).map(|l| l.name.clone()),
        dose,
        cues,
    }
}

/// The next dose of one exercise, given what the patient last did (if anything).
fn dose_next(t: &Template, done: Option<&Performed>, change: &Change) -> NextExercise {
    let change = resolve_change(t, change);
    let Some(done) = done else {
        return exercise(t, Some(0), t.ladder.first().map(|l| l.dose.clone()).unwrap_or_default());
    };
    let reached = level_reached(t, done);
    match &change {
        Some(DoseChange::Ladder(n)) => {
            let level = (reached as i64 + i64::from(*n)).clamp(0, t.ladder.len() as i64 - 1) as usize;
            exercise(t, Some(level), t.ladder[level].dose.clone())
        }
        Some(DoseChange::Steps(s)) => exercise(t, None, apply_steps(s, &done.dose)),
        // Holding on a ladder repeats the level reached (the plan), not an overshoot; an
        // exercise dosed by steps repeats what was done.
        None if t.ladder.len() > 1 && t.progress.is_none() => exercise(t, Some(reached), t.ladder[reached].dose.clone()),
        None => exercise(t, None, done.dose.clone()),
    }
}

/// The last time the patient did this exercise, and how.
fn last_performed(log: &PatientLog, template: usize) -> Option<(Date, &Performed)> {
    log.sessions.iter().rev().find_map(|s| s.exercises.iter().find(|e| e.template == template).map(|e| (s.date, e)))
}

/// The first date this exercise may be done again (its `min_days_between` after it was last
/// done; e.g. a rest day between runs).
fn due(t: &Template, done: Option<(Date, &Performed)>) -> Option<Date> {
    done.map(|(when, _)| when.plus_days(i64::from(t.min_days_between)))
}

/// The rotation member after the one done most recently (the first when none was done).
fn rotation_pick(log: &PatientLog, rotate: &[usize]) -> Option<usize> {
    let latest =
        log.sessions.iter().rev().find_map(|s| s.exercises.iter().rev().find_map(|e| rotate.iter().position(|&r| r == e.template)));
    match latest {
        Some(i) => rotate.get((i + 1) % rotate.len()).copied(),
        None => rotate.first().copied(),
    }
}

/// `None` after `refer`: a provider plans what comes next.
pub fn plan(p: &Protocol, log: &PatientLog, decision: Decision, fired: &[usize], phase: usize) -> Option<NextSession> {
    if decision == Decision::Refer {
        return None;
    }
    let last = log.sessions.last()?;
    let change = change_for(p, decision, fired);
    let gap = if decision == Decision::Rest {
        let rest = fired.iter().filter_map(|&r| p.rules[r].rest_days).max().unwrap_or(p.dosing.rest_days);
        1 + i64::from(rest)
    } else {
        i64::from(p.dosing.days_between_sessions)
    };
    let earliest = last.date.plus_days(gap);
    let (date, exercises) = match p.dosing.next_exercises {
        NextExercises::LastSession => (
            earliest,
            last.exercises
                .iter()
                .map(|e| {
                    let mut x = dose_next(&p.templates[e.template], Some(e), &change);
                    x.id = e.id.to_string();
                    x
                })
                .collect(),
        ),
        NextExercises::Phase => {
            let ph = &p.phases[phase];
            let goals: &[String] = log.intake.as_ref().and_then(|i| i.goals.as_deref()).unwrap_or_default();
            let for_goals = ph.goal_exercises.iter().filter(|(g, _)| goals.contains(g)).flat_map(|(_, ids)| ids.iter().copied());
            let mut ids: Vec<usize> = Vec::new();
            for t in ph.exercises.iter().copied().chain(rotation_pick(log, &ph.rotate)).chain(for_goals) {
                if !ids.contains(&t) {
                    ids.push(t);
                }
            }
            // The session moves to the first day on which every exercise in it is due: runners
            // train every other day rather than lose the run from the plan.
            let date = ids.iter().filter_map(|&t| due(&p.templates[t], last_performed(log, t))).fold(earliest, Date::max);
            (date, ids.into_iter().map(|t| dose_next(&p.templates[t], last_performed(log, t).map(|(_, e)| e), &change)).collect())
        }
    };
    Some(NextSession { date, kind: "exercise", exercises })
}
