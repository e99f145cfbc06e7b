//! Doses and dose changes. Arithmetic is on whole numbers (counts, or tenths for minutes and
//! kilograms), so a change gives the same result on every machine and in every language.

use serde::{Deserialize, Serialize};

use crate::vocab::quantity::Tenths;

/// A prescribed or performed dose; absent fields are not part of this exercise's dose.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Dose {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sets: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reps: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_s: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_kg: Option<Tenths>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Tenths>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_min: Option<Tenths>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walk_min: Option<Tenths>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
}

impl Dose {
    /// `true` for a performed dose of nothing: 0 sets, 0 reps or 0 minutes (listed, not done).
    pub fn is_nothing(&self) -> bool {
        self.sets == Some(0) || self.reps == Some(0) || self.minutes.is_some_and(|m| m.0 == 0)
    }

    /// `true` for a performed dose of less than a quarter of `step` (the dose of the ladder
    /// level done, the first when the log records none) in a field both hold: the volume (sets
    /// times reps), the minutes or the rounds. Half a minute of a 15-minute walk, one rep of a
    /// 2 x 8 bridge: a token, no evidence that a dose is tolerated and no dose to build on. A
    /// quarter, not a half: 7 minutes of a 15-minute walk is a frail patient's real dose.
    pub fn is_token(&self, step: &Dose) -> bool {
        fn below(done: Option<u64>, want: Option<u64>) -> bool {
            matches!((done, want), (Some(d), Some(w)) if d.saturating_mul(4) < w)
        }
        let volume = |d: &Dose| match (d.sets, d.reps) {
            (Some(s), Some(r)) => Some(u64::from(s) * u64::from(r)),
            (None, Some(r)) => Some(u64::from(r)),
            (Some(_) | None, None) => None,
        };
        let tenths = |t: Option<Tenths>| t.map(|t| u64::from(t.0));
        self.is_nothing()
            || below(volume(self), volume(step))
            || below(tenths(self.minutes), tenths(step.minutes))
            || below(self.rounds.map(u64::from), step.rounds.map(u64::from))
    }

    /// `true` when every field this dose prescribes is met by `done` (a performed dose).
    pub fn is_met_by(&self, done: &Dose) -> bool {
        fn ok<T: PartialOrd>(want: Option<T>, got: Option<T>) -> bool {
            match (want, got) {
                (None, _) => true,
                (Some(w), Some(g)) => g >= w,
                (Some(_), None) => false,
            }
        }
        ok(self.sets, done.sets)
            && ok(self.reps, done.reps)
            && ok(self.hold_s, done.hold_s)
            && ok(self.load_kg, done.load_kg)
            && ok(self.minutes, done.minutes)
    }

    /// Volume in "work units" used to compare levels of one ladder: minutes count in
    /// tenths, strength work as sets × reps × max(hold, 1), plus load.
    pub fn volume(&self) -> u64 {
        let minutes = self.minutes.map_or(0, |m| u64::from(m.0));
        let work = u64::from(self.sets.unwrap_or(1)) * u64::from(self.reps.unwrap_or(0)) * u64::from(self.hold_s.unwrap_or(1).max(1));
        minutes + work + self.load_kg.map_or(0, |l| u64::from(l.0))
    }
}

/// Which field a step applies to, which decides its rounding: counts round to whole numbers,
/// minutes and kilograms to tenths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Sets,
    Reps,
    HoldS,
    LoadKg,
    Minutes,
}

/// One arithmetic step. Values are in tenths whatever the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub delta: i64,
    /// Factor in thousandths (1.1 → 1100).
    pub multiply_milli: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub at_max: Option<Box<DoseChange>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Steps {
    pub sets: Option<Step>,
    pub reps: Option<Step>,
    pub hold_s: Option<Step>,
    pub load_kg: Option<Step>,
    pub minutes: Option<Step>,
}

impl Steps {
    /// Every step lowers its value (a regress): subtracts or multiplies by less than one.
    pub fn is_down(&self) -> bool {
        let all = [&self.sets, &self.reps, &self.hold_s, &self.load_kg, &self.minutes];
        let down = |s: &Step| s.delta < 0 || s.multiply_milli.is_some_and(|m| m < 1000);
        all.iter().any(|s| s.is_some()) && all.iter().all(|s| s.as_ref().is_none_or(down))
    }
}

// A handful of dose changes exist per protocol, built once: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DoseChange {
    /// Move this many levels along the ladder.
    Ladder(i32),
    /// Arithmetic on the performed dose.
    Steps(Steps),
}

impl DoseChange {
    pub fn none() -> DoseChange {
        DoseChange::Steps(Steps::default())
    }
}

/// Outcome of a step on one value.
enum StepResult {
    Value(i64),
    /// The value already sat at the step's maximum: apply `at_max` instead.
    AtMax,
}

fn round_half_up_div(n: i64, d: i64) -> i64 {
    (n + d / 2).div_euclid(d)
}

fn apply_step(step: &Step, v: i64, field: Field) -> StepResult {
    let whole = !matches!(field, Field::LoadKg | Field::Minutes);
    let mut new = match step.multiply_milli {
        // tenths × milli → tenths: divide by 1000; counts (kept in tenths) round to whole.
        Some(m) if whole => round_half_up_div(v * m, 10_000) * 10,
        Some(m) => round_half_up_div(v * m, 1000),
        None => v + step.delta,
    };
    if new > v {
        if let Some(max) = step.max {
            if v >= max {
                return StepResult::AtMax;
            }
            new = new.min(max);
        }
    } else if new < v
        && let Some(min) = step.min
    {
        if v <= min {
            return StepResult::Value(v);
        }
        new = new.max(min);
    }
    StepResult::Value(new.max(0))
}

fn step_count<'a>(step: Option<&'a Step>, value: Option<u32>, field: Field, deferred: &mut Vec<&'a DoseChange>) -> Option<u32> {
    match (step, value) {
        (Some(s), Some(v)) => match apply_step(s, i64::from(v) * 10, field) {
            StepResult::Value(n) => Some(crate::num::int_u32(n / 10)),
            StepResult::AtMax => {
                deferred.extend(s.at_max.as_deref());
                Some(v)
            }
        },
        (_, v) => v,
    }
}

fn step_tenths<'a>(step: Option<&'a Step>, value: Option<Tenths>, field: Field, deferred: &mut Vec<&'a DoseChange>) -> Option<Tenths> {
    match (step, value) {
        (Some(s), Some(v)) => match apply_step(s, i64::from(v.0), field) {
            StepResult::Value(n) => Some(Tenths(crate::num::int_u32(n))),
            StepResult::AtMax => {
                deferred.extend(s.at_max.as_deref());
                Some(v)
            }
        },
        (_, v) => v,
    }
}

/// Applies arithmetic steps to a dose; fields the dose lacks stay absent. A field already at
/// its step's maximum triggers the step's `at_max` change (e.g. reps at the cap add a set).
pub fn apply_steps(steps: &Steps, dose: &Dose) -> Dose {
    let mut out = dose.clone();
    let mut deferred: Vec<&DoseChange> = Vec::new();
    out.sets = step_count(steps.sets.as_ref(), dose.sets, Field::Sets, &mut deferred);
    out.reps = step_count(steps.reps.as_ref(), dose.reps, Field::Reps, &mut deferred);
    out.hold_s = step_count(steps.hold_s.as_ref(), dose.hold_s, Field::HoldS, &mut deferred);
    out.load_kg = step_tenths(steps.load_kg.as_ref(), dose.load_kg, Field::LoadKg, &mut deferred);
    out.minutes = step_tenths(steps.minutes.as_ref(), dose.minutes, Field::Minutes, &mut deferred);
    for change in deferred {
        if let DoseChange::Steps(s) = change {
            out = apply_steps(s, &out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(delta: i64, min: Option<i64>, max: Option<i64>) -> Step {
        Step { delta: delta * 10, multiply_milli: None, min: min.map(|m| m * 10), max: max.map(|m| m * 10), at_max: None }
    }

    fn reference_progress() -> Steps {
        let add_set = Steps { sets: Some(step(1, None, Some(4))), ..Steps::default() };
        let mut reps = step(2, None, Some(15));
        reps.at_max = Some(Box::new(DoseChange::Steps(add_set)));
        let minutes = Step { delta: 0, multiply_milli: Some(1100), min: None, max: None, at_max: None };
        Steps { reps: Some(reps), minutes: Some(minutes), ..Steps::default() }
    }

    #[test]
    fn a_token_dose_is_under_a_quarter_of_its_step() {
        let bridge = sr(2, 8);
        assert!(sr(1, 1).is_token(&bridge));
        assert!(sr(1, 3).is_token(&bridge), "3 reps of 16");
        assert!(!sr(1, 4).is_token(&bridge), "4 reps of 16 is a quarter");
        assert!(!sr(3, 12).is_token(&bridge));
        let walk = Dose { minutes: Some(Tenths(150)), ..Dose::default() };
        assert!(Dose { minutes: Some(Tenths(5)), ..Dose::default() }.is_token(&walk));
        assert!(Dose { minutes: Some(Tenths(35)), ..Dose::default() }.is_token(&walk), "3.5 of 15 minutes");
        assert!(!Dose { minutes: Some(Tenths(40)), ..Dose::default() }.is_token(&walk), "4 of 15 minutes");
        // A field the step does not prescribe is no measure of it.
        assert!(!Dose { minutes: Some(Tenths(1)), ..Dose::default() }.is_token(&bridge));
        assert!(Dose { sets: Some(0), ..Dose::default() }.is_token(&walk), "a dose of nothing");
    }

    fn sr(sets: u32, reps: u32) -> Dose {
        Dose { sets: Some(sets), reps: Some(reps), ..Dose::default() }
    }

    #[test]
    fn reps_rise_to_the_cap_then_a_set_is_added() {
        let p = reference_progress();
        assert_eq!(apply_steps(&p, &sr(3, 12)), sr(3, 14));
        assert_eq!(apply_steps(&p, &sr(3, 14)), sr(3, 15));
        assert_eq!(apply_steps(&p, &sr(3, 15)), sr(4, 15));
        assert_eq!(apply_steps(&p, &sr(4, 15)), sr(4, 15));
        assert_eq!(apply_steps(&p, &sr(3, 16)), sr(4, 16));
    }

    #[test]
    fn minutes_round_half_up_to_a_tenth() {
        let p = reference_progress();
        let m = |t| Dose { minutes: Some(Tenths(t)), ..Dose::default() };
        assert_eq!(apply_steps(&p, &m(200)), m(220));
        assert_eq!(apply_steps(&p, &m(275)), m(303));
        let down =
            Steps { minutes: Some(Step { delta: 0, multiply_milli: Some(800), min: None, max: None, at_max: None }), ..Steps::default() };
        assert_eq!(apply_steps(&down, &m(275)), m(220));
        assert_eq!(apply_steps(&down, &m(3)), m(2));
    }

    #[test]
    fn a_step_down_never_crosses_or_pulls_back_to_its_minimum() {
        let r = Steps { reps: Some(step(-2, Some(6), None)), ..Steps::default() };
        assert_eq!(apply_steps(&r, &sr(3, 12)), sr(3, 10));
        assert_eq!(apply_steps(&r, &sr(3, 7)), sr(3, 6));
        assert_eq!(apply_steps(&r, &sr(3, 6)), sr(3, 6));
        assert_eq!(apply_steps(&r, &sr(3, 5)), sr(3, 5));
    }

    #[test]
    fn absent_fields_stay_absent() {
        let p = reference_progress();
        let d = Dose { reps: Some(10), ..Dose::default() };
        assert_eq!(apply_steps(&p, &d), Dose { reps: Some(12), ..Dose::default() });
    }
}
