//! Phase order: phases advance one after another through their exit gates, so a phase whose
//! exit is missing (or always false) keeps every patient there. That phase gets `W0504`, each
//! phase after it `W0501`, and each rule scoped only to such phases (or to none) `W0505`.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Phase, Protocol};
use crate::source::Place;

use super::super::lexed::Lexed;

/// Why patients never leave a phase, if they never do.
fn stuck(phase: &Phase, lexed: &Lexed<'_>) -> Option<&'static str> {
    match &phase.exit {
        None => Some("has no exit"),
        Some(exit) => matches!(lexed.of(&exit.script), [t] if t.is("false")).then_some("has an exit gate that is always false"),
    }
}

/// For each phase, `None` when patients can reach it, else the first phase before it that
/// patients never leave.
fn blocked_by(p: &Protocol, lexed: &Lexed<'_>) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    let mut blocker = None;
    for (i, phase) in p.phases.iter().enumerate() {
        out.push(blocker);
        if blocker.is_none() && stuck(phase, lexed).is_some() {
            blocker = Some(i);
        }
    }
    out
}

fn ids(p: &Protocol, phases: &[usize]) -> String {
    phases.iter().filter_map(|&i| p.phases.get(i)).map(|ph| format!("`{}`", ph.id)).collect::<Vec<_>>().join(", ")
}

pub fn lint(p: &Protocol, lexed: &Lexed<'_>, diags: &mut Diagnostics) {
    let blocked = blocked_by(p, lexed);
    for (i, phase) in p.phases.iter().enumerate() {
        let Some(next) = p.phases.get(i + 1) else { break };
        if let Some(why) = stuck(phase, lexed) {
            let (at, help) = match &phase.exit {
                None => (phase.at, format!("add an `exit:` gate with the condition for moving on to phase `{}`", next.id)),
                Some(e) => (
                    Place { source: e.script.source, loc: e.script.loc },
                    format!("write the condition for moving on to phase `{}`", next.id),
                ),
            };
            diags.push(
                Diagnostic::new(Code::PhaseWithoutExit, format!("phase `{}` {why}", phase.id))
                    .at(at.source, at.loc)
                    .label("patients never leave this phase")
                    .help(help),
            );
        }
    }
    for (phase, blocker) in p.phases.iter().zip(&blocked) {
        if let Some(b) = blocker.and_then(|b| p.phases.get(b)) {
            let reason = stuck(b, lexed).unwrap_or_default();
            diags.push(
                Diagnostic::new(Code::UnreachablePhase, format!("phase `{}` cannot be reached", phase.id))
                    .at(phase.at.source, phase.at.loc)
                    .label("no patient gets here")
                    .note(format!("phases advance in order, and phase `{}` before it {reason}", b.id))
                    .help(format!("give phase `{}` an exit gate that patients can meet, or remove phase `{}`", b.id, phase.id)),
            );
        }
    }
    for rule in &p.rules {
        let Some(scope) = &rule.phases else { continue };
        let d = if scope.is_empty() {
            Diagnostic::new(Code::RuleNeverInScope, format!("rule `{}` can never fire: its `phases` list is empty", rule.id))
                .help("list the phases the rule applies in, or remove `phases:` so that it applies in every phase")
        } else if scope.iter().all(|&i| blocked.get(i).is_some_and(Option::is_some)) {
            let what = if scope.len() == 1 { "phase" } else { "phases" };
            Diagnostic::new(
                Code::RuleNeverInScope,
                format!("rule `{}` can never fire: {what} {} cannot be reached", rule.id, ids(p, scope)),
            )
            .help("scope the rule to phases that patients reach, or give the phases before them exit gates")
        } else {
            continue;
        };
        diags.push(d.at(rule.at.source, rule.at.loc).label("never in scope"));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{PLAN, diagnostics, with_code};
    use crate::diagnostic::Code;

    fn plan_without_exit() -> String {
        let start = PLAN.find("    exit:").unwrap();
        let end = PLAN.find("  - id: build").unwrap();
        format!("{}{}", &PLAN[..start], &PLAN[end..])
    }

    #[test]
    fn phase_without_exit_blocks_the_phases_after_it() {
        let rules = "rules:\n  - id: later\n    description: d\n    phases: [build]\n    when: |\n      true\n    then: { decision: hold }\n    source: s\n";
        let d = diagnostics(&[("plans/plan.yaml", &plan_without_exit()), ("rules/r.yaml", rules)]);
        assert_eq!(with_code(&d, Code::PhaseWithoutExit), ["W0504 5:9 phase `start` has no exit"]);
        assert_eq!(with_code(&d, Code::UnreachablePhase), ["W0501 8:9 phase `build` cannot be reached"]);
        assert_eq!(with_code(&d, Code::RuleNeverInScope), ["W0505 2:9 rule `later` can never fire: phase `build` cannot be reached"]);
    }

    #[test]
    fn gate_that_is_always_false() {
        let plan = PLAN.replace("log.days_since_start >= 14 && (last.pain.after ?? 10) <= params.max_pain", "false");
        let d = diagnostics(&[("plans/plan.yaml", &plan)]);
        assert_eq!(with_code(&d, Code::PhaseWithoutExit), ["W0504 11:9 phase `start` has an exit gate that is always false"]);
        assert_eq!(with_code(&d, Code::UnreachablePhase).len(), 1);
    }

    #[test]
    fn the_last_phase_needs_no_exit_and_an_empty_scope_never_fires() {
        let rules = "rules:\n  - id: nowhere\n    description: d\n    phases: []\n    when: |\n      true\n    then: { decision: hold }\n    source: s\n";
        let d = diagnostics(&[("rules/r.yaml", rules)]);
        assert!(with_code(&d, Code::PhaseWithoutExit).is_empty());
        assert_eq!(with_code(&d, Code::RuleNeverInScope), ["W0505 2:9 rule `nowhere` can never fire: its `phases` list is empty"]);
    }
}
