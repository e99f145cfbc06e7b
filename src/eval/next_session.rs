//! Plans the next session from the decision: its date, and each exercise with its dose. The
//! next dose builds on what the patient actually did last time, but never on more than was
//! prescribed (a self-raised dose is no basis for a further step); an exercise new to the
//! patient starts at the first level of its ladder, and only a `progress` adds one.
//!
//! Pacing, all protocol options: a regress may scale back only the exercises that carry the
//! pain (`dosing.scale_back: implicated`); an exercise steps up no sooner than
//! `min_days_per_level` after its last step; cardio and strength never step up within
//! `dosing.component_gap_days` of each other; the cross-training rotation adds no second
//! cardio exercise to a session that already has one.

use crate::model::dose::{Dose, DoseChange, apply_steps};
use crate::model::log::{Performed, Session};
use crate::model::protocol::{Protocol, Template};
use crate::vocab::decision::Decision;
use crate::vocab::log::SessionKind;
use crate::vocab::protocol::{Category, Impact, NextExercises, ScaleBack};
use crate::vocab::quantity::{Date, Tenths};

use super::answer::{NextExercise, NextSession};

/// Days back in which an exercise counts as one the patient "has been doing", and in which a
/// pain-free session at the same dose clears an exercise of a regress.
const RECENT_DAYS: i64 = 28;
const EXONERATE_DAYS: i64 = 14;
/// How far back the planner looks for an exercise's last step up.
const PACE_HORIZON_DAYS: i64 = 90;
/// The start of the cue that says an exercise restarts lower after time off it.
const DETRAINED_CUE: &str = "not done for ";

/// Where a dose change comes from: a rule that fired with the winning decision replaces
/// everything; otherwise an exercise's own change (if it has one) replaces the protocol's.
#[derive(Debug, Clone)]
enum Change {
    /// Keep the dose (hold, or a rest with no regress rule).
    Keep,
    /// The protocol default for this direction, which a template may replace.
    Default(Decision, DoseChange),
    /// A rule's own dose change.
    Rule(Decision, DoseChange),
}

impl Change {
    fn direction(&self) -> Option<Decision> {
        match self {
            Change::Keep => None,
            Change::Default(d, _) | Change::Rule(d, _) => Some(*d),
        }
    }
}

/// The dose change a decision calls for. After a rest, the session resumes scaled back when
/// a regress rule fired too (the data contract), and otherwise unchanged.
fn change_for(p: &Protocol, decision: Decision, fired: &[usize]) -> Change {
    let rule_dose = |d: Decision| {
        fired.iter().filter_map(|&r| p.rules.get(r)).find(|r| r.decision == d && r.dose.is_some()).and_then(|r| r.dose.clone())
    };
    let regress_fired = fired.iter().filter_map(|&r| p.rules.get(r)).any(|r| r.decision == Decision::Regress);
    let direction = match decision {
        Decision::Progress => Decision::Progress,
        Decision::Regress => Decision::Regress,
        Decision::Rest if regress_fired => Decision::Regress,
        Decision::Rest | Decision::Hold | Decision::Refer => {
            return rule_dose(decision).map_or(Change::Keep, |d| Change::Rule(decision, d));
        }
    };
    if let Some(d) = rule_dose(direction) {
        return Change::Rule(direction, d);
    }
    let default = if direction == Decision::Progress { &p.dosing.progress } else { &p.dosing.regress };
    Change::Default(direction, default.clone())
}

fn resolve_change(t: &Template, change: &Change) -> Option<DoseChange> {
    match change {
        Change::Keep => None,
        Change::Rule(_, d) => Some(d.clone()),
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

/// Rounds minutes down to a multiple of `step`, never below one step: rounding down keeps a
/// 10% step within the 110% spike guard (18 x 1.1 = 19.8 gives 19.5, not 20).
fn round_minutes(mut dose: Dose, step: Option<Tenths>) -> Dose {
    if let (Some(step), Some(m)) = (step, dose.minutes) {
        let s = step.0.max(1);
        let rounded = m.0 / s * s;
        dose.minutes = Some(Tenths(rounded.max(s)));
    }
    dose
}

/// What the last performance of an exercise is worth as the base of the next dose.
struct Base<'a> {
    done: &'a Performed,
    /// The prescription the patient went beyond, or the one the exercise was due at and not done
    /// since: it replaces what was done as the base (see `dose_next`).
    prescribed: Option<&'a NextExercise>,
    /// `prescribed` is carried: the exercise was not done in the last session.
    carried: bool,
}

/// The next dose of one exercise, given what the patient last did (if anything).
fn dose_next(t: &Template, base: Option<Base<'_>>, change_in: &Change, round: Option<Tenths>) -> NextExercise {
    let change = resolve_change(t, change_in);
    let Some(base) = base else {
        return exercise(t, Some(0), t.ladder.first().map(|l| l.dose.clone()).unwrap_or_default());
    };
    // A prescription above what was last done (a step up not yet taken) is no base for a step
    // down: that steps down from what was done.
    let stepping_down = match &change {
        Some(DoseChange::Ladder(n)) => *n < 0,
        Some(DoseChange::Steps(s)) => s.is_down(),
        None => false,
    };
    if let Some(pre) = base.prescribed.filter(|pre| stepping_down && base.carried && exceeds(t, base.done, pre)) {
        // Already scaled back and not done since: a new step down (pain on a rest day, a
        // break) counts from what was done, and the lower of that and the prescription stands;
        // the same pain is not scaled back twice.
        let from_done = dose_next(t, Some(Base { done: base.done, prescribed: None, carried: false }), change_in, round);
        let key = |x: &NextExercise| (x.level.unwrap_or(0), x.dose.volume());
        return if key(&from_done) < key(pre) { from_done } else { pre.clone() };
    }
    if let Some(pre) = base.prescribed.filter(|pre| !stepping_down || exceeds(t, base.done, pre)) {
        // Beyond the prescription, or not done since it: repeat (or step down from) what was
        // prescribed.
        let level = pre.level.map(|l| l.saturating_sub(1));
        let mut x = pre.clone();
        match (&change, level) {
            (Some(DoseChange::Ladder(n)), Some(l)) if *n < 0 && !(t.ladder.len() <= 1 && own_steps(t, *n).is_some()) => {
                let l =
                    crate::num::int_count((crate::num::count_i64(l) + i64::from(*n)).clamp(0, crate::num::count_i64(t.ladder.len()) - 1));
                x = exercise(t, Some(l), ladder_dose(t, l));
            }
            // "N levels" down on timed cardio without a ladder of its own: its own step N
            // times, from the prescription (a 45-minute walk after a gap, against a prescribed
            // 33, steps down from 33 as a 33-minute walk would).
            (Some(DoseChange::Ladder(n)), _) if *n < 0 => {
                if let Some(steps) = own_steps(t, *n) {
                    for _ in 0..n.unsigned_abs() {
                        x.dose = apply_steps(steps, &x.dose);
                    }
                    x.dose = round_minutes(x.dose, round);
                }
            }
            (Some(DoseChange::Steps(s)), _) if s.is_down() => x.dose = round_minutes(apply_steps(s, &pre.dose), round),
            _ => {}
        }
        return x;
    }
    let done = base.done;
    let reached = level_reached(t, done);
    match &change {
        // "N levels" on an exercise without a ladder of its own (timed cardio): its own step
        // N times, so a rule's `ladder: -2` shortens a walk twice.
        Some(DoseChange::Ladder(n)) if t.ladder.len() <= 1 && own_steps(t, *n).is_some() => {
            let mut stepped = done.dose.clone();
            if let Some(steps) = own_steps(t, *n) {
                for _ in 0..n.unsigned_abs() {
                    stepped = apply_steps(steps, &stepped);
                }
            }
            exercise(t, None, round_minutes(stepped, round))
        }
        Some(DoseChange::Ladder(n)) => {
            let level =
                crate::num::int_count((crate::num::count_i64(reached) + i64::from(*n)).clamp(0, crate::num::count_i64(t.ladder.len()) - 1));
            exercise(t, Some(level), ladder_dose(t, level))
        }
        Some(DoseChange::Steps(s)) => exercise(t, None, round_minutes(apply_steps(s, &done.dose), round)),
        // Holding on a ladder repeats the level reached (the plan), not an overshoot; an
        // exercise dosed by steps repeats what was done.
        None if t.ladder.len() > 1 && t.progress.is_none() => exercise(t, Some(reached), ladder_dose(t, reached)),
        None => exercise(t, None, done.dose.clone()),
    }
}

/// The dose of ladder level `level` (clamped to the ladder, or the level a patient reached on
/// it); no dose for a level past the end, which the callers never ask for.
fn ladder_dose(t: &Template, level: usize) -> crate::model::dose::Dose {
    t.ladder.get(level).map(|l| l.dose.clone()).unwrap_or_default()
}

/// The template's own arithmetic step in the direction of `n` levels.
fn own_steps(t: &Template, n: i32) -> Option<&crate::model::dose::Steps> {
    match if n < 0 { &t.regress } else { &t.progress } {
        Some(DoseChange::Steps(s)) => Some(s),
        _ => None,
    }
}

/// The last time the patient did this exercise, and how (with the session's index), within
/// the last 90 days: a dose older than that is no base for the next one (the exercise restarts
/// at its first level), and a long log is not re-read for every session of a replay.
fn last_performed(sessions: &[Session], template: usize) -> Option<(usize, &Performed)> {
    let newest = sessions.last()?.date;
    sessions
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, s)| newest.days_since(s.date) <= PACE_HORIZON_DAYS)
        // An exercise listed with a dose of nothing (0 minutes, 0 sets) or a token of its level
        // (half a minute of walking) was not done: its prescription stands, rather than a dose
        // of nothing held or stepped from.
        .find_map(|(i, s)| s.exercises.iter().find(|e| e.template == template && !e.token).map(|e| (i, e)))
}

/// The first date this exercise may be done again (its `min_days_between` after it was last
/// done; e.g. a rest day between runs).
fn due(t: &Template, sessions: &[Session], done: Option<(usize, &Performed)>) -> Option<Date> {
    done.and_then(|(i, _)| sessions.get(i)).map(|s| s.date.plus_days(i64::from(t.min_days_between)))
}

/// The rotation member after the one done most recently (the first when none was done),
/// among those `allowed`.
fn rotation_pick(sessions: &[Session], rotate: &[usize], allowed: impl Fn(usize) -> bool) -> Option<usize> {
    let newest = sessions.last().map(|s| s.date);
    let latest = sessions
        .iter()
        .rev()
        .take_while(|s| newest.is_some_and(|n| n.days_since(s.date) <= PACE_HORIZON_DAYS))
        .find_map(|s| s.exercises.iter().rev().find_map(|e| rotate.iter().position(|&r| r == e.template)));
    let start = latest.map_or(0, |i| i + 1);
    rotate.iter().cycle().skip(start).take(rotate.len()).copied().find(|&t| allowed(t))
}

/// Cardio and strength (with core) are the components that step up in turn; mobility never
/// counts as a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Component {
    Cardio,
    Strength,
}

/// Running is the cardio component (high-impact cardio: "don't advance running in the week
/// you upgrade strength load"); walking, cycling and swimming step on their own.
fn component(t: &Template) -> Option<Component> {
    match (t.category, t.impact) {
        (Category::Cardio, Impact::High) => Some(Component::Cardio),
        (Category::Strength | Category::Core, _) => Some(Component::Strength),
        _ => None,
    }
}

/// A performance that is more than the one before it of the same exercise.
fn stepped_up(t: &Template, before: &Performed, after: &Performed) -> bool {
    level_reached(t, after) > level_reached(t, before) || after.dose.volume() > before.dose.volume()
}

/// The date each exercise last stepped up, and the date the current level began.
fn last_step(p: &Protocol, sessions: &[Session], template: usize) -> (Option<Date>, Option<Date>) {
    let Some(t) = p.templates.get(template) else { return (None, None) };
    let mut later: Option<(Date, &Performed)> = None;
    let mut since = None;
    let Some(newest) = sessions.last() else { return (None, None) };
    // Steps older than this are too old to pace anything (and a long log is not re-read).
    for s in sessions.iter().rev().take_while(|s| newest.date.days_since(s.date) <= PACE_HORIZON_DAYS) {
        let Some(e) = s.exercises.iter().find(|e| e.template == template) else { continue };
        if let Some((d, after)) = later
            && stepped_up(t, e, after)
        {
            return (Some(d), since.or(Some(d)));
        }
        since = Some(s.date);
        later = Some((s.date, e));
    }
    (None, since)
}

/// Exercises of the last session that carry the pain: those stopped early; else those not
/// done without pain at the same or a higher dose in the past 14 days; all of them when that
/// clears every one (the pain cannot be pinned on one exercise).
fn implicated(p: &Protocol, sessions: &[Session]) -> Vec<usize> {
    let Some((last, earlier)) = sessions.split_last() else { return Vec::new() };
    let stopped: Vec<usize> = last.exercises.iter().filter(|e| !e.completed).map(|e| e.template).collect();
    if !stopped.is_empty() {
        return stopped;
    }
    let cleared = |e: &Performed| {
        let Some(t) = p.templates.get(e.template) else { return false };
        earlier.iter().rev().take_while(|s| last.date.days_since(s.date) <= EXONERATE_DAYS).any(|s| {
            s.kind == SessionKind::Exercise
                && crate::script::api::settled(s).is_some()
                && s.exercises.iter().any(|o| o.template == e.template && o.completed && !stepped_up(t, o, e))
        })
    };
    let hurt: Vec<usize> = last.exercises.iter().filter(|e| !cleared(e)).map(|e| e.template).collect();
    if hurt.is_empty() { last.exercises.iter().map(|e| e.template).collect() } else { hurt }
}

/// The patient did more than prescribed: a higher ladder level (or, at the prescribed level,
/// more minutes), or for a dose without a level, more volume. Sets and reps within a level
/// are the clinic's to tailor.
pub fn exceeds(t: &Template, done: &Performed, pre: &NextExercise) -> bool {
    done_against(t, done, pre) == std::cmp::Ordering::Greater
}

/// The prescription asks for more than the patient last did: a step up not yet taken (a higher
/// level, or more minutes at the same level, or more volume without a level).
fn raises(t: &Template, done: &Performed, pre: &NextExercise) -> bool {
    done_against(t, done, pre) == std::cmp::Ordering::Less
}

/// What was done against what was prescribed: the ladder level, then (at the same level) the
/// minutes when both have them; the volume for a dose without a level.
fn done_against(t: &Template, done: &Performed, pre: &NextExercise) -> std::cmp::Ordering {
    match pre.level {
        Some(want) => (level_reached(t, done) + 1).cmp(&want).then_with(|| match (done.dose.minutes, pre.dose.minutes) {
            (Some(d), Some(w)) => d.cmp(&w),
            _ => std::cmp::Ordering::Equal,
        }),
        None => done.dose.volume().cmp(&pre.dose.volume()),
    }
}

/// What the planner needs to know about the patient and the decision.
pub struct PlanInput<'a> {
    pub protocol: &'a Protocol,
    /// The log up to the session just answered.
    pub sessions: &'a [Session],
    pub goals: &'a [String],
    pub decision: Decision,
    pub fired: &'a [usize],
    pub phase: usize,
    /// The session planned before the last one, to hold a self-raised dose to it.
    pub prescribed: Option<&'a NextSession>,
    /// The phase changed with this decision: the new phase's program starts.
    pub phase_changed: bool,
}

/// Days from the last session to the next: the rest days of a `rest` (the longest a fired
/// rule asks for, else the protocol's), else the protocol's days between sessions. Split out of
/// [`plan`].
fn gap_days(input: &PlanInput<'_>) -> i64 {
    let p = input.protocol;
    if input.decision == Decision::Rest {
        let rest = input.fired.iter().filter_map(|&r| p.rules.get(r)?.rest_days).max().unwrap_or(p.dosing.rest_days);
        1 + i64::from(rest)
    } else {
        i64::from(p.dosing.days_between_sessions)
    }
}

/// The templates of the next session when the protocol plans by phase: the phase's exercises
/// and those for the patient's goals (only those done recently unless exercises may be added),
/// plus a cardio exercise from the rotation. Split out of [`plan`], which then only doses them.
fn phase_exercises(input: &PlanInput<'_>, last: &Session) -> Vec<usize> {
    let p = input.protocol;
    let sessions = input.sessions;
    let Some(ph) = p.phases.get(input.phase) else { return Vec::new() };
    let recent = |t: usize| {
        sessions
            .iter()
            .rev()
            .take_while(|s| last.date.days_since(s.date) <= RECENT_DAYS)
            .any(|s| s.exercises.iter().any(|e| e.template == t))
    };
    // Nothing done recently (a programme not begun, or a long referral): the phase's
    // programme restarts, each exercise from its last dose within 90 days or its first level.
    let has_history = sessions.iter().rev().take_while(|s| last.date.days_since(s.date) <= RECENT_DAYS).any(|s| !s.exercises.is_empty());
    // Only a progress (or a program not yet begun) adds exercises the patient has not
    // been doing; a hold, regress or resumption after rest keeps to what they do.
    let may_add = input.decision == Decision::Progress || input.phase_changed || !has_history;
    let allowed = |t: usize| may_add || recent(t);
    let for_goals =
        ph.goal_exercises.iter().filter(|(g, _)| input.goals.contains(g)).flat_map(|(_, ids)| ids.iter().copied()).filter(|&t| allowed(t));
    let mut ids: Vec<usize> = Vec::new();
    for t in ph.exercises.iter().copied().filter(|&t| allowed(t)).chain(for_goals) {
        if !ids.contains(&t) {
            ids.push(t);
        }
    }
    // The cross-training rotation adds a cardio exercise only to a session that has none.
    if !ids.iter().any(|&t| p.templates.get(t).is_some_and(|t| t.category == Category::Cardio))
        && let Some(r) = rotation_pick(sessions, &ph.rotate, allowed)
    {
        ids.push(r);
    }
    ids
}

/// `None` after `refer`: a provider plans what comes next.
pub fn plan(input: &PlanInput<'_>) -> Option<NextSession> {
    let p = input.protocol;
    let sessions = input.sessions;
    if input.decision == Decision::Refer {
        return None;
    }
    let last = sessions.last()?;
    let change = change_for(p, input.decision, input.fired);
    let gap = gap_days(input);
    let earliest = last.date.plus_days(gap);
    let round = p.dosing.round_minutes;
    let planned = |template: usize| input.prescribed?.exercises.iter().find(|x| p.template_index(&x.id) == Some(template));
    let beyond = |template: usize, done: &Performed| {
        planned(template).filter(|pre| p.templates.get(template).is_some_and(|t| exceeds(t, done, pre)))
    };
    // Done short of its prescription (2 x 5 of a prescribed 2 x 10, 15 of a prescribed 16.5
    // minutes): the step was not taken, and is no basis for the next one, so a progress
    // repeats the prescription (a hold, rest or regress builds on what was done, the lower).
    let progressing = change.direction() == Some(Decision::Progress);
    let short = |template: usize, done: &Performed| planned(template).filter(|pre| progressing && !pre.dose.is_met_by(&done.dose));
    let base = |template: usize| -> Option<Base<'_>> {
        let (i, done) = last_performed(sessions, template)?;
        // Done in the last session: that performance is the base, or the prescription it went
        // beyond or fell short of. Not done in it: the prescription it was due at still stands,
        // so a scale-back is not undone by a session of other exercises, nor a level skipped.
        let prescribed = if i + 1 == sessions.len() {
            beyond(template, done).or_else(|| short(template, done))
        } else {
            // A step up planned and not yet taken is taken only with a progress: a regress, rest
            // or hold (pain after a strength session the day after a run) repeats what was done,
            // not the longer run planned before it.
            planned(template).filter(|pre| progressing || p.templates.get(template).is_none_or(|t| !raises(t, done, pre)))
        };
        Some(Base { done, prescribed, carried: i + 1 != sessions.len() })
    };
    let (date, exercises) = match p.dosing.next_exercises {
        NextExercises::LastSession => (
            earliest,
            last.exercises
                .iter()
                .filter_map(|e| {
                    let mut x =
                        dose_next(p.templates.get(e.template)?, Some(Base { done: e, prescribed: None, carried: false }), &change, round);
                    x.id = e.id.to_string();
                    Some(x)
                })
                .collect(),
        ),
        NextExercises::Phase => {
            let ids = phase_exercises(input, last);
            // The session moves to the first day on which every exercise in it is due: runners
            // train every other day rather than lose the run from the plan.
            let date =
                ids.iter().filter_map(|&t| due(p.templates.get(t)?, sessions, last_performed(sessions, t))).fold(earliest, Date::max);
            let per_exercise = pace(input, &ids, &change);
            let exercises = ids
                .iter()
                .zip(per_exercise)
                .filter_map(|(&t, c)| {
                    let template = p.templates.get(t)?;
                    Some(detrained(p, sessions, t, template, dose_next(template, base(t), &c, round)))
                })
                .collect();
            (date, exercises)
        }
    };
    Some(NextSession { date, kind: "exercise", exercises })
}

/// Whether two exercises keep up the same capacity: the same category and impact (a walk keeps
/// up a swimmer's endurance, a bridge a clamshell's glutes; cycling does not keep up a runner's
/// impact tolerance).
fn same_kind(a: &Template, b: &Template) -> bool {
    let strength = |t: &Template| matches!(t.category, Category::Strength | Category::Core);
    a.impact == b.impact && (a.category == b.category || (strength(a) && strength(b)))
}

/// The days an exercise has gone without its kind of work, beyond the patient's usual rhythm for
/// it, when that is time off it: at least the protocol's `detraining_after_days` since it or an
/// exercise of the same kind ([`same_kind`]) was last done, and at least
/// `detraining_days_per_level` more than the usual interval between its performances (a weekly
/// swim is a routine; a cardio rotation whose members come round every ten days is not time off
/// cardio). `done_at` is the index of its last performance. The days that count, or `None`
/// when it is not time off.
fn days_off(p: &Protocol, sessions: &[Session], template: usize, done_at: usize) -> Option<i64> {
    let after = i64::from(p.dosing.detraining_after_days);
    let per_level = i64::from(p.dosing.detraining_days_per_level.max(1));
    let (last, done, t) = (sessions.last()?, sessions.get(done_at)?, p.templates.get(template)?);
    if after == 0 {
        return None;
    }
    // The last session with this kind of work, back to the exercise's own last performance.
    let kind_done = sessions
        .get(done_at..)?
        .iter()
        .rev()
        .find(|s| s.exercises.iter().any(|e| !e.token && p.templates.get(e.template).is_some_and(|o| same_kind(o, t))))?;
    let off = last.date.days_since(kind_done.date);
    if off < after {
        return None;
    }
    // The usual interval: the median gap between its performances before, within the horizon.
    let mut dates = sessions
        .iter()
        .take(done_at + 1)
        .rev()
        .take_while(|s| done.date.days_since(s.date) <= PACE_HORIZON_DAYS)
        .filter(|s| s.exercises.iter().any(|e| e.template == template && !e.token))
        .map(|s| s.date);
    let mut gaps: Vec<i64> = Vec::new();
    if let Some(mut later) = dates.next() {
        for earlier in dates {
            gaps.push(later.days_since(earlier));
            later = earlier;
        }
    }
    gaps.sort_unstable();
    let usual = gaps.get(gaps.len() / 2).copied().unwrap_or(0);
    let beyond = last.date.days_since(done.date) - usual;
    // Done every few days, the days off count whole ("one step per 5 days off"); done weekly,
    // only the days beyond the week (one missed weekly run is one step, not two).
    (beyond >= per_level).then_some(if usual < per_level { off } else { off.min(beyond) })
}

/// The planned exercise, or a lower one after time off it (`dosing.detraining_after_days`):
/// one level (or one of its own regress steps) down per `detraining_days_per_level` days off
/// ([`days_off`]), counted from what was last done, whatever the decision. A carried prescription otherwise
/// stands however long it goes undone: a run planned at stage 6 would be the next session
/// after five weeks of cycling. The lower of the two stands; the time off is said in a cue.
fn detrained(p: &Protocol, sessions: &[Session], template: usize, t: &Template, mut planned: NextExercise) -> NextExercise {
    // A carried prescription brings the cue of an earlier answer: it is said afresh or not at all.
    planned.cues.retain(|c| !c.starts_with(DETRAINED_CUE));
    let Some((i, done)) = last_performed(sessions, template) else { return planned };
    let Some(off) = days_off(p, sessions, template, i) else { return planned };
    let since = sessions.last().zip(sessions.get(i)).map_or(off, |(last, done)| last.date.days_since(done.date));
    let per_level = i64::from(p.dosing.detraining_days_per_level.max(1));
    // At most 90 days off (older doses are no base at all): at most 90 levels.
    let levels = i32::try_from((off / per_level).clamp(1, PACE_HORIZON_DAYS)).unwrap_or(1);
    let change = Change::Rule(Decision::Regress, DoseChange::Ladder(-levels));
    let mut back = dose_next(t, Some(Base { done, prescribed: None, carried: false }), &change, p.dosing.round_minutes);
    let key = |x: &NextExercise| (x.level.unwrap_or(0), x.dose.volume());
    if key(&back) > key(&planned) {
        return planned;
    }
    back.cues.push(format!("{DETRAINED_CUE}{since} days: restarts lower (one step back per {per_level} days off)"));
    back
}

/// Whether a progress could raise the exercise: below the top of its ladder, or dosed by its
/// own steps (timed cardio), or not done yet.
fn can_step_up(t: &Template, sessions: &[Session], template: usize) -> bool {
    let Some((_, done)) = last_performed(sessions, template) else { return true };
    level_reached(t, done) + 1 < t.ladder.len() || matches!(t.progress, Some(DoseChange::Steps(_)))
}

/// How many times in a row, back from its last performance, the exercise was done at the
/// level and dose of that performance (within the pace horizon).
fn times_at_level(t: &Template, sessions: &[Session], template: usize) -> u32 {
    let Some(newest) = sessions.last().map(|s| s.date) else { return 0 };
    let mut first: Option<&Performed> = None;
    let mut n = 0;
    for s in sessions.iter().rev().take_while(|s| newest.days_since(s.date) <= PACE_HORIZON_DAYS) {
        let Some(e) = s.exercises.iter().find(|e| e.template == template) else { continue };
        match first {
            None => first = Some(e),
            Some(f) if level_reached(t, e) == level_reached(t, f) && e.dose == f.dose => {}
            Some(_) => break,
        }
        n += 1;
    }
    n
}

/// The change each exercise gets: a regress only where the pain is (when the protocol says
/// so); a progress only where the level has been held long enough (in days, and in sessions
/// for an exercise that asks for several, as each walk-jog stage twice), and for one component.
fn pace(input: &PlanInput<'_>, ids: &[usize], change: &Change) -> Vec<Change> {
    let p = input.protocol;
    let sessions = input.sessions;
    let Some(last) = sessions.last() else { return ids.iter().map(|_| change.clone()).collect() };
    match change.direction() {
        Some(Decision::Regress) if p.dosing.scale_back == ScaleBack::Implicated => {
            let hurt = implicated(p, sessions);
            // Nothing to pin the regress on (the last entry had no exercise): scale back all.
            ids.iter().map(|t| if hurt.is_empty() || hurt.contains(t) { change.clone() } else { Change::Keep }).collect()
        }
        Some(Decision::Progress) if !input.phase_changed => {
            let steps: Vec<(Option<Date>, Option<Date>)> = ids.iter().map(|&t| last_step(p, sessions, t)).collect();
            let template = |t: usize| p.templates.get(t);
            let ready =
                |t: &Template, since: Option<Date>| since.is_none_or(|d| last.date.days_since(d) >= i64::from(t.min_days_per_level));
            // The component to step up: of those with an exercise ready, the one whose last
            // step is oldest, unless the other stepped up too recently.
            let gap = i64::from(p.dosing.component_gap_days);
            let last_of = |c: Component| {
                ids.iter().zip(&steps).filter(|(t, _)| template(**t).and_then(component) == Some(c)).filter_map(|(_, s)| s.0).max()
            };
            // Of the components with an exercise ready, the one whose last step is oldest goes
            // first (strength on a tie), and only once the other has not stepped within the gap:
            // the two take turns rather than one starving the other.
            let chosen = if gap == 0 {
                None
            } else {
                // Ready: held long enough, and with a step left to take (strength at the top of
                // every ladder does not keep the turn from running).
                let ready_in = |c: Component| {
                    ids.iter().zip(&steps).any(|(&i, &(_, since))| {
                        template(i)
                            .is_some_and(|t| component(t) == Some(c) && since.is_some() && ready(t, since) && can_step_up(t, sessions, i))
                    })
                };
                let pick = [Component::Strength, Component::Cardio].into_iter().filter(|&c| ready_in(c)).min_by_key(|&c| last_of(c));
                let other = |c: Component| if c == Component::Cardio { Component::Strength } else { Component::Cardio };
                Some(pick.filter(|&c| last_of(other(c)).is_none_or(|d| last.date.days_since(d) >= gap)))
            };
            ids.iter()
                .zip(&steps)
                .map(|(&index, &(_, since))| {
                    let Some(t) = template(index) else { return Change::Keep };
                    let this = component(t);
                    let component_ok = match (chosen, this) {
                        (None, _) | (_, None) => true,
                        (Some(pick), Some(c)) => pick == Some(c),
                    };
                    // Done at its level as often as the exercise asks (an exercise not done
                    // in the last session, or done short of its prescription, keeps that
                    // prescription anyway: see `plan`).
                    let proven = times_at_level(t, sessions, index) >= t.min_sessions_per_level;
                    if since.is_none() || (ready(t, since) && component_ok && proven) { change.clone() } else { Change::Keep }
                })
                .collect()
        }
        _ => ids.iter().map(|_| change.clone()).collect(),
    }
}
