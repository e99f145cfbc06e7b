//! A dose change that goes the wrong way (`W0515`): an exercise's `regress` that can raise its
//! dose, or its `progress` that can lower it, by the step's direction (`add` in a regress) or by
//! a bound beyond a level's dose (`regress: { minutes: { multiply: 0.75, min: 200 } }` on a
//! 15-minute walk answers `regress` and prescribes 20 minutes). The answer would say "scaled
//! back" while the dose goes up.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::dose::{Dose, DoseChange, Step, Steps};
use crate::model::protocol::{Protocol, Template};

/// The steps of a change with the dose field each applies to.
fn fields(steps: &Steps) -> [(&'static str, Option<&Step>); 5] {
    [
        ("sets", steps.sets.as_ref()),
        ("reps", steps.reps.as_ref()),
        ("hold_s", steps.hold_s.as_ref()),
        ("load_kg", steps.load_kg.as_ref()),
        ("minutes", steps.minutes.as_ref()),
    ]
}

/// A level's dose of `field`, in tenths (the unit of a step's bounds).
fn tenths(dose: &Dose, field: &str) -> Option<i64> {
    match field {
        "sets" => dose.sets.map(|v| i64::from(v) * 10),
        "reps" => dose.reps.map(|v| i64::from(v) * 10),
        "hold_s" => dose.hold_s.map(|v| i64::from(v) * 10),
        "load_kg" => dose.load_kg.map(|v| i64::from(v.0)),
        "minutes" => dose.minutes.map(|v| i64::from(v.0)),
        _ => None,
    }
}

/// Tenths as a dose is written (`15`, `2.5`).
fn shown(tenths: i64) -> String {
    if tenths % 10 == 0 { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, (tenths % 10).abs()) }
}

/// What is wrong with one step of `t`'s change (`down`: its regress), if anything.
fn problem(t: &Template, field: &str, step: &Step, down: bool) -> Option<String> {
    let (name, other) = if down { ("regress", "raise") } else { ("progress", "lower") };
    let raises = step.delta > 0 || step.multiply_milli.is_some_and(|m| m > 1000);
    let lowers = step.delta < 0 || step.multiply_milli.is_some_and(|m| m < 1000);
    if (down && raises) || (!down && lowers) {
        return Some(format!("exercise `{}`: its `{name}` would {other} `{field}`", t.id));
    }
    let bound = if down { step.min } else { step.max };
    let beyond = |v: i64| bound.is_some_and(|b| if down { b > v } else { b < v });
    t.ladder.iter().find_map(|level| {
        let v = tenths(&level.dose, field).filter(|v| beyond(*v))?;
        let (kind, side) = if down { ("at least", "above") } else { ("at most", "below") };
        Some(format!(
            "exercise `{}`: its `{name}` keeps `{field}` {kind} {}, {side} level `{}`'s {}: it would {other} the dose",
            t.id,
            shown(bound.unwrap_or_default()),
            level.name,
            shown(v)
        ))
    })
}

pub fn lint(p: &Protocol, diags: &mut Diagnostics) {
    for t in &p.templates {
        for (change, down) in [(t.progress.as_ref(), false), (t.regress.as_ref(), true)] {
            let Some(DoseChange::Steps(steps)) = change else { continue };
            for (field, step) in fields(steps) {
                let Some(message) = step.and_then(|s| problem(t, field, s, down)) else { continue };
                diags.push(Diagnostic::new(Code::DoseChangeBackwards, message).at(t.at.source, t.at.loc).label("in this exercise").help(
                    if down {
                        "a regress should lower the dose: subtract or multiply by less than 1, with a `min` at or below every level's dose"
                    } else {
                        "a progress should raise the dose: add or multiply by more than 1, with a `max` at or above every level's dose"
                    },
                ));
            }
        }
    }
}
