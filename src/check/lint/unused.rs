//! Definitions nothing uses: an exercise template no phase names (`W0502`: phases'
//! `exercises`, `rotate` and `goal_exercises` count as uses) and a parameter no rule, gate or
//! helper reads as `params.NAME` (`W0507`). Both are usually a typo or a leftover.

use std::collections::BTreeSet;

use crate::check::scripts::param_refs;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::Protocol;

pub fn lint(p: &Protocol, diags: &mut Diagnostics) {
    let used: BTreeSet<usize> = p.phases.iter().flat_map(|ph| ph.uses.iter().map(|(t, _)| *t)).collect();
    for (i, t) in p.templates.iter().enumerate() {
        if !used.contains(&i) {
            diags.push(
                Diagnostic::new(Code::UnusedExercise, format!("exercise `{}` is not used by any phase", t.id))
                    .at(t.at.source, t.at.loc)
                    .label("defined here")
                    .help("add it to a phase's `exercises`, `rotate` or `goal_exercises`, or remove it"),
            );
        }
    }

    let scripts = p
        .rules
        .iter()
        .flat_map(crate::model::protocol::Rule::scripts)
        .chain(p.phases.iter().filter_map(|ph| ph.exit.as_ref().map(|e| &e.script)))
        .chain(p.helpers.iter().map(|h| &h.script));
    let read: BTreeSet<&str> = scripts.flat_map(|s| param_refs(&s.text).into_iter().map(|(_, name)| name)).collect();
    for param in &p.parameters {
        if !read.contains(param.id.as_str()) {
            diags.push(
                Diagnostic::new(Code::UnusedParameter, format!("parameter `{}` is never used", param.id))
                    .at(param.at.source, param.at.loc)
                    .label("defined here")
                    .help(format!("read it as `params.{}` in a rule, a gate or a helper, or remove it", param.id)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{PLAN, diagnostics, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn exercise_no_phase_uses() {
        let plan = format!(
            "{PLAN}  - id: plank\n    name: Plank\n    category: core\n    impact: low\n    ladder:\n      - {{ name: short, dose: {{ hold_s: 20 }} }}\n"
        );
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert_eq!(with_code(&d, Code::UnusedExercise), ["W0502 23:9 exercise `plank` is not used by any phase"]);
    }

    #[test]
    fn rotate_and_goal_exercises_count_as_uses() {
        let plan = format!(
            "{}  - id: plank\n    name: Plank\n    category: core\n    impact: low\n    ladder:\n      - {{ name: short, dose: {{ hold_s: 20 }} }}\n  - id: swim\n    name: Swim\n    category: cardio\n    impact: low\n    ladder:\n      - {{ name: easy, dose: {{ minutes: 15 }} }}\n",
            PLAN.replace(
                "    exercises: [bridge]\n\
exercises:",
                "    exercises: [bridge]\n    rotate: [plank]\n    goal_exercises:\n      swimming: [swim]\nexercises:"
            )
        );
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert!(with_code(&d, Code::UnusedExercise).is_empty(), "{d:?}");
    }

    #[test]
    fn parameter_nothing_reads() {
        let plan = PLAN.replace(
            "parameters:\n",
            "parameters:\n  - { id: spare, value: 1, description: Nothing reads it. }\n  - { id: in_helper, value: 2, description: A helper reads it. }\n",
        );
        let d = diagnostics(&[("plans/plan.yaml", &plan), ("rules/h.rhai", "fn f(params) { params.in_helper }\n")]);
        assert_eq!(with_code(&d, Code::UnusedParameter), ["W0507 3:11 parameter `spare` is never used"]);
    }
}
