//! A dose change that goes the wrong way (`W0515`): an exercise's `regress` that can raise its
//! dose, or its `progress` that can lower it, by the step's direction (`add` in a regress) or by
//! a bound beyond a level's dose (`regress: { minutes: { multiply: 0.75, min: 200 } }` on a
//! 15-minute walk answers `regress` and prescribes 20 minutes). The answer would say "scaled
//! back" while the dose goes up. Also a bound that every level already sits at (a progress
//! that can never raise the dose, a regress that can never lower it), and the protocol-wide
//! `dosing.progress` / `dosing.regress` for every exercise that has no change of its own.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::dose::{Dose, DoseChange, Step, Steps};
use crate::model::protocol::{Protocol, Template};
use crate::vocab::decision::Decision;

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

/// What is wrong with one step of `t`'s change (`down`: its regress), if anything. `whose`
/// names the change: `its` (the exercise's own) or `the protocol's` (`dosing`).
fn problem(t: &Template, whose: &str, field: &str, step: &Step, down: bool) -> Option<String> {
    let (name, other, same) = if down { ("regress", "raise", "lower") } else { ("progress", "lower", "raise") };
    let raises = step.delta > 0 || step.multiply_milli.is_some_and(|m| m > 1000);
    let lowers = step.delta < 0 || step.multiply_milli.is_some_and(|m| m < 1000);
    if (down && raises) || (!down && lowers) {
        return Some(format!("exercise `{}`: {whose} `{name}` would {other} `{field}`", t.id));
    }
    let bound = if down { step.min } else { step.max };
    let (kind, side) = if down { ("at least", "above") } else { ("at most", "below") };
    let beyond = |v: i64| bound.is_some_and(|b| if down { b > v } else { b < v });
    let crossed = t.ladder.iter().find_map(|level| {
        let v = tenths(&level.dose, field).filter(|v| beyond(*v))?;
        Some(format!(
            "exercise `{}`: {whose} `{name}` keeps `{field}` {kind} {}, {side} level `{}`'s {}: it would {other} the dose",
            t.id,
            shown(bound.unwrap_or_default()),
            level.name,
            shown(v)
        ))
    });
    if crossed.is_some() {
        return crossed;
    }
    // Not beyond any level, and equal to every level's dose: the change can never move it.
    let b = bound?;
    let doses: Vec<i64> = t.ladder.iter().filter_map(|level| tenths(&level.dose, field)).collect();
    (!doses.is_empty() && doses.iter().all(|v| *v == b)).then(|| {
        format!(
            "exercise `{}`: {whose} `{name}` keeps `{field}` {kind} {}, the dose of every level: it can never {same} it",
            t.id,
            shown(b)
        )
    })
}

/// An exercise's own change, else the protocol's (`dosing`), with whose it is in words.
fn own_or_protocol<'a>(own: Option<&'a DoseChange>, protocol: &'a DoseChange) -> (&'a DoseChange, &'static str) {
    own.map_or((protocol, "the protocol's"), |c| (c, "its"))
}

/// A ladder move the wrong way: up in a regress, down in a progress.
fn ladder_problem(levels: i32, down: bool) -> Option<String> {
    let n = levels.unsigned_abs();
    let plural = if n == 1 { "" } else { "s" };
    if down && levels > 0 {
        Some(format!("moves {n} level{plural} up the ladder"))
    } else if !down && levels < 0 {
        Some(format!("moves {n} level{plural} down the ladder"))
    } else {
        None
    }
}

/// A rule's own `dose:` that goes against its decision: a regress or rest that raises the dose
/// or moves up the ladder, a progress that lowers it, or a hold or refer that changes it at all
/// in the direction that raises it ("repeat the current step" with a harder step).
fn rule_doses(p: &Protocol, diags: &mut Diagnostics) {
    for rule in &p.rules {
        let Some(change) = &rule.dose else { continue };
        let down = rule.decision != Decision::Progress;
        let regress = rule.decision == Decision::Regress;
        let what = match change {
            // A regress whose dose changes nothing says "scaled back" over the same dose.
            DoseChange::Ladder(0) if regress => Some("does not move along the ladder: the dose stays".to_string()),
            DoseChange::Steps(steps)
                if regress
                    && fields(steps).iter().all(|(_, s)| s.is_none_or(|s| s.delta == 0 && s.multiply_milli.is_none_or(|m| m == 1000))) =>
            {
                Some("changes no dose: the dose stays".to_string())
            }
            DoseChange::Ladder(n) => ladder_problem(*n, down),
            DoseChange::Steps(steps) => fields(steps).into_iter().find_map(|(field, step)| {
                let step = step?;
                let raises = step.delta > 0 || step.multiply_milli.is_some_and(|m| m > 1000);
                let lowers = step.delta < 0 || step.multiply_milli.is_some_and(|m| m < 1000);
                ((down && raises) || (!down && lowers)).then(|| format!("would {} `{field}`", if down { "raise" } else { "lower" }))
            }),
        };
        let Some(what) = what else { continue };
        diags.push(
            Diagnostic::new(Code::DoseChangeBackwards, format!("rule `{}` answers {} but its `dose` {what}", rule.id, rule.decision))
                .at(rule.at.source, rule.at.loc)
                .label("in this rule")
                .help(if down {
                    "a regress, rest, hold or refer never raises the dose: use a `ladder:` move below 0, or subtract or multiply by less than 1"
                } else {
                    "a progress should raise the dose: a `ladder:` move above 0, or add or multiply by more than 1"
                }),
        );
    }
}

pub fn lint(p: &Protocol, diags: &mut Diagnostics) {
    rule_doses(p, diags);
    for t in &p.templates {
        let changes = [
            (own_or_protocol(t.progress.as_ref(), &p.dosing.progress), false),
            (own_or_protocol(t.regress.as_ref(), &p.dosing.regress), true),
        ];
        for ((change, whose), down) in changes {
            if let DoseChange::Ladder(n) = change
                && let Some(what) = ladder_problem(*n, down)
            {
                let name = if down { "regress" } else { "progress" };
                diags.push(
                    Diagnostic::new(Code::DoseChangeBackwards, format!("exercise `{}`: {whose} `{name}` {what}", t.id))
                        .at(t.at.source, t.at.loc)
                        .label("in this exercise")
                        .help(if down {
                            "a regress moves down the ladder: `ladder: -1`"
                        } else {
                            "a progress moves up the ladder: `ladder: 1`"
                        }),
                );
            }
            let DoseChange::Steps(steps) = change else { continue };
            for (field, step) in fields(steps) {
                let Some(message) = step.and_then(|s| problem(t, whose, field, s, down)) else { continue };
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

#[cfg(test)]
mod tests {
    use crate::check::testing::{PLAN, diagnostics, with_code};
    use crate::diagnostic::Code;

    fn w0515(plan: &str) -> Vec<String> {
        with_code(&diagnostics(&[("plans/plan.yaml", plan)]), Code::DoseChangeBackwards)
    }

    #[test]
    fn a_change_that_goes_the_right_way_is_not_flagged() {
        let plan = format!("{PLAN}    progress: {{ reps: {{ add: 1, max: 10 }} }}\n    regress: {{ reps: {{ add: -2, min: 6 }} }}\n");
        assert_eq!(w0515(&plan), Vec::<String>::new());
        assert_eq!(w0515(PLAN), Vec::<String>::new());
    }

    #[test]
    fn an_own_change_that_goes_the_wrong_way_is_flagged() {
        let plan = format!("{PLAN}    regress: {{ reps: {{ add: 2 }} }}\n");
        assert_eq!(w0515(&plan), ["W0515 16:9 exercise `bridge`: its `regress` would raise `reps`"]);
    }

    #[test]
    fn a_ladder_move_the_wrong_way_is_flagged() {
        let plan = format!("{PLAN}    regress: {{ ladder: 4 }}\n");
        assert_eq!(w0515(&plan), ["W0515 16:9 exercise `bridge`: its `regress` moves 4 levels up the ladder"]);
        let plan = format!("{PLAN}    progress: {{ ladder: -1 }}\n");
        assert_eq!(w0515(&plan), ["W0515 16:9 exercise `bridge`: its `progress` moves 1 level down the ladder"]);
        let plan = format!("{PLAN}    progress: {{ ladder: 1 }}\n    regress: {{ ladder: -2 }}\n");
        assert_eq!(w0515(&plan), Vec::<String>::new());
    }

    #[test]
    fn a_rule_dose_against_its_decision_is_flagged() {
        let rule = |decision: &str, dose: &str| {
            let rules = format!(
                "rules:\n  - id: r\n    description: d\n    when: |\n      last.pain.after > 3\n    then: {{ decision: {decision}, dose: {dose} }}\n    source: s\n"
            );
            with_code(&diagnostics(&[("rules/r.yaml", &rules)]), Code::DoseChangeBackwards)
        };
        assert_eq!(rule("hold", "{ ladder: 2 }"), ["W0515 2:9 rule `r` answers hold but its `dose` moves 2 levels up the ladder"]);
        assert_eq!(rule("regress", "{ sets: { add: 3 } }"), ["W0515 2:9 rule `r` answers regress but its `dose` would raise `sets`"]);
        assert_eq!(
            rule("progress", "{ ladder: -1 }"),
            ["W0515 2:9 rule `r` answers progress but its `dose` moves 1 level down the ladder"]
        );
        assert_eq!(rule("regress", "{ ladder: -2 }"), Vec::<String>::new());
        assert_eq!(
            rule("regress", "{ ladder: 0 }"),
            ["W0515 2:9 rule `r` answers regress but its `dose` does not move along the ladder: the dose stays"]
        );
        assert_eq!(
            rule("regress", "{ minutes: { multiply: 1 } }"),
            ["W0515 2:9 rule `r` answers regress but its `dose` changes no dose: the dose stays"]
        );
        assert_eq!(rule("rest", "{ minutes: { multiply: 0.5 } }"), Vec::<String>::new());
    }

    #[test]
    fn a_bound_every_level_sits_at_can_never_move_the_dose() {
        // A one-level ladder at 8 reps, and a progress capped at 8.
        let one_level = PLAN.replace("      - { name: harder, dose: { sets: 3, reps: 10 } }\n", "");
        let plan = format!("{one_level}    progress: {{ reps: {{ add: 1, max: 8 }} }}\n");
        assert_eq!(
            w0515(&plan),
            ["W0515 16:9 exercise `bridge`: its `progress` keeps `reps` at most 8, the dose of every level: it can never raise it"]
        );
        // A cap at the top level of a longer ladder is a cap, not a mistake.
        let plan = format!("{PLAN}    progress: {{ reps: {{ add: 1, max: 10 }} }}\n");
        assert_eq!(w0515(&plan), Vec::<String>::new());
    }

    #[test]
    fn the_protocol_wide_change_is_checked_for_exercises_without_their_own() {
        let plan = format!("{PLAN}dosing:\n  regress: {{ reps: {{ multiply: 1.2 }} }}\n");
        assert_eq!(w0515(&plan), ["W0515 16:9 exercise `bridge`: the protocol's `regress` would raise `reps`"]);
        // An exercise with its own regress is judged by its own.
        let plan = format!("{PLAN}    regress: {{ reps: {{ add: -2 }} }}\ndosing:\n  regress: {{ reps: {{ multiply: 1.2 }} }}\n");
        assert_eq!(w0515(&plan), Vec::<String>::new());
    }
}
