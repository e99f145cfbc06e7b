//! Ladders go from easiest to hardest (`W0503`): a level whose dose asks for less than the level
//! before it breaks progression (a `progress` would make the exercise easier) and the mapping
//! of a logged dose onto the level it reached.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::dose::Dose;
use crate::model::protocol::Protocol;

/// The dose fields that measure effort, with their values in tenths. Walk-jog `walk_min` and
/// `rounds` are left out on purpose: the walk breaks and the number of rounds shrink as the
/// running grows, which is what makes a walk-jog level harder.
fn effort(d: &Dose) -> [(&'static str, Option<u32>, bool); 6] {
    [
        ("sets", d.sets, false),
        ("reps", d.reps, false),
        ("hold_s", d.hold_s, false),
        ("load_kg", d.load_kg.map(|t| t.0), true),
        ("minutes", d.minutes.map(|t| t.0), true),
        ("run_min", d.run_min.map(|t| t.0), true),
    ]
}

/// A level without `load_kg` is done with the body's weight alone: after a loaded level that
/// is a drop to 0 (a 40 kg level between two bodyweight levels), not a field left out.
fn lowered_by_default(name: &str, before: Option<u32>, after: Option<u32>) -> Option<u32> {
    match (before, after) {
        (Some(b), None) if name == "load_kg" && b > 0 => Some(0),
        _ => after,
    }
}

fn show(v: u32, tenths: bool) -> String {
    if tenths { crate::vocab::quantity::Tenths(v).to_string() } else { v.to_string() }
}

pub fn lint(p: &Protocol, diags: &mut Diagnostics) {
    for t in &p.templates {
        for (n, pair) in t.ladder.windows(2).enumerate() {
            let [lower, higher] = pair else { continue };
            let (before, after) = (effort(&lower.dose), effort(&higher.dose));
            let lowered: Vec<String> = before
                .iter()
                .zip(&after)
                .filter_map(|((name, b, tenths), (_, a, _))| match (b, lowered_by_default(name, *b, *a)) {
                    (Some(b), Some(a)) if a < *b => Some(format!("`{name}` from {} to {}", show(*b, *tenths), show(a, *tenths))),
                    _ => None,
                })
                .collect();
            if lowered.is_empty() {
                continue;
            }
            let at = higher.at;
            diags.push(
                Diagnostic::new(Code::DecreasingLadder, format!("level {} of exercise `{}` lowers {}", n + 2, t.id, lowered.join(" and ")))
                    .at(at.source, at.loc)
                    .label(format!("easier than level {}", n + 1))
                    .help("order the ladder from easiest to hardest: each dose field stays or grows from one level to the next"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{PLAN, diagnostics, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn a_level_easier_than_the_one_before() {
        let plan = PLAN.replace("dose: { sets: 3, reps: 10 }", "dose: { sets: 1, reps: 6 }");
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert_eq!(
            with_code(&d, Code::DecreasingLadder),
            ["W0503 22:31 level 2 of exercise `bridge` lowers `sets` from 2 to 1 and `reps` from 8 to 6"]
        );
    }

    #[test]
    fn a_loaded_level_between_bodyweight_levels() {
        let plan = PLAN.replace("dose: { sets: 2, reps: 8 }", "dose: { sets: 2, reps: 8, load_kg: 40 }");
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert_eq!(with_code(&d, Code::DecreasingLadder), ["W0503 22:31 level 2 of exercise `bridge` lowers `load_kg` from 40 to 0"]);
        let rising = PLAN.replace("dose: { sets: 3, reps: 10 }", "dose: { sets: 3, reps: 10, load_kg: 2 }");
        assert!(with_code(&diagnostics(&[("plans/plan.yaml", &rising)]), Code::DecreasingLadder).is_empty());
    }

    #[test]
    fn shorter_walk_breaks_are_harder_not_easier() {
        let plan = PLAN
            .replace("dose: { sets: 2, reps: 8 }", "dose: { run_min: 1, walk_min: 2, rounds: 7, minutes: 21 }")
            .replace("dose: { sets: 3, reps: 10 }", "dose: { run_min: 4, walk_min: 1, rounds: 6, minutes: 30 }");
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert!(with_code(&d, Code::DecreasingLadder).is_empty());
    }
}
