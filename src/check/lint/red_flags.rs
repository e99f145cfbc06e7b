//! Safety: every red-flag symptom of the patient-log contract must make some rule refer, in
//! every phase (`W0508`). A rule counts when its decision is `refer` and its condition, or a
//! helper it calls, names the symptom as a string (`last.has_symptom("fever")`).

use std::collections::BTreeMap;

use crate::check::lex::Kind;
use crate::check::lexed::Lexed;
use crate::check::library::Library;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::Protocol;
use crate::vocab::decision::Decision;
use crate::vocab::log::Symptom;

/// Every symptom of contract 1.1 is a red flag: the red-flag table of the evidence lists
/// swelling too (a deep joint like the hip rarely swells visibly). Stiffness and a limp (1.2)
/// are not.
pub fn red_flags() -> impl Iterator<Item = Symptom> {
    Symptom::ALL.into_iter().filter(|s| s.is_red_flag())
}

/// The strings a rule's scripts name, and those of the helpers they call (`"fever"`).
fn named_strings(rule: &crate::model::protocol::Rule, lexed: &Lexed<'_>, lib: &Library<'_>) -> Vec<String> {
    rule.scripts()
        .flat_map(|s| {
            lib.reach(lexed.of(s))
                .iter()
                .filter(|t| t.kind == Kind::Str)
                .filter_map(super::super::lex::Token::str_value)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Warns when a referring rule that names a red flag is not sticky: its referral would end at
/// the next session, with no clinician's review, once the symptom is no longer ticked.
fn not_sticky(rule: &crate::model::protocol::Rule, lexed: &Lexed<'_>, lib: &Library<'_>, diags: &mut Diagnostics) {
    if rule.sticky {
        return;
    }
    let named = named_strings(rule, lexed, lib);
    let Some(flag) = red_flags().find(|s| named.iter().any(|n| n == s.as_str())) else { return };
    diags.push(
        Diagnostic::new(
            Code::RedFlagNotReferred,
            format!(
                "rule `{}` refers on red-flag symptom `{}` but is not sticky: the referral ends at the next session, without a review",
                rule.id,
                flag.as_str()
            ),
        )
        .at(rule.at.source, rule.at.loc)
        .label("in this rule")
        .help("remove `sticky: false`: a red-flag referral stands until a clinician's review clears it"),
    );
}

/// Warns for each red flag no referring rule names (by phase); returns them as (symptom,
/// phase index).
pub fn lint(p: &Protocol, lexed: &Lexed<'_>, lib: &Library<'_>, diags: &mut Diagnostics) -> Vec<(String, usize)> {
    let referring: Vec<(Option<&Vec<usize>>, Vec<String>)> = p
        .rules
        .iter()
        .filter(|r| r.decision == Decision::Refer)
        .inspect(|r| not_sticky(r, lexed, lib, diags))
        .map(|r| (r.phases.as_ref(), named_strings(r, lexed, lib)))
        .collect();
    // Symptoms missing in the same phases share one warning, so that a protocol with no
    // referring rule at all gets one line, not seven.
    let mut missing: BTreeMap<Vec<usize>, Vec<&str>> = BTreeMap::new();
    let mut unnamed = Vec::new();
    for symptom in red_flags() {
        let name = symptom.as_str();
        let uncovered: Vec<usize> = (0..p.phases.len())
            .filter(|i| !referring.iter().any(|(scope, named)| named.iter().any(|n| n == name) && scope.is_none_or(|s| s.contains(i))))
            .collect();
        unnamed.extend(uncovered.iter().map(|&ph| (name.to_string(), ph)));
        if !uncovered.is_empty() {
            missing.entry(uncovered).or_default().push(name);
        }
    }
    for (phases, names) in missing {
        let list = |items: &[String]| match items {
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => String::new(),
        };
        let symptoms = list(&names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>());
        let what = if names.len() == 1 { "symptom" } else { "symptoms" };
        let mut message = format!("no rule refers on red-flag {what} {symptoms}");
        if phases.len() < p.phases.len() {
            let ids = list(&phases.iter().filter_map(|&i| p.phases.get(i)).map(|ph| format!("`{}`", ph.id)).collect::<Vec<_>>());
            put!(message, " in {} {ids}", if phases.len() == 1 { "phase" } else { "phases" });
        }
        let tests = if names.len() == 1 { "tests" } else { "tests each, e.g." };
        let help = format!(
            "add a rule with `decision: refer` and no `phases:` whose condition {tests} `last.has_symptom(\"{}\")`",
            names.first().map_or("", |n| n.as_ref())
        );
        diags.push(
            Diagnostic::new(Code::RedFlagNotReferred, message)
                .at(p.manifest.at.source, p.manifest.at.loc)
                .label("in this protocol")
                .help(help),
        );
    }
    unnamed
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{diagnostics, with_code};
    use crate::diagnostic::Code;

    fn refer(id: &str, phases: &str, when: &str) -> String {
        format!(
            "  - id: {id}\n    description: d\n    phases: {phases}\n    when: |\n      {when}\n    then: {{ decision: refer }}\n    source: s\n"
        )
    }

    #[test]
    fn each_red_flag_needs_a_referring_rule_in_every_phase() {
        let rules = format!(
            "rules:\n{}{}",
            refer(
                "most",
                "[start, build]",
                r#"["sharp_pain", "night_pain", "walking_limited", "daily_tasks_limited"].some(|s| last.has_symptom(s))"#
            ),
            refer("some", "[start]", r"flags(last)"),
        );
        let helper = "fn flags(s) { s.has_symptom(\"numbness\") || \"fever\" in s.symptoms }\n";
        let d = diagnostics(&[("rules/r.yaml", &rules), ("rules/h.rhai", helper)]);
        assert_eq!(
            with_code(&d, Code::RedFlagNotReferred),
            [
                "W0508 1:17 no rule refers on red-flag symptoms `numbness` and `fever` in phase `build`",
                "W0508 1:17 no rule refers on red-flag symptoms `swelling`, `giving_way`, `fall_or_impact`, `warmth_redness`, `rest_pain`, `cannot_bear_weight` and `weight_loss`",
            ]
        );
    }

    #[test]
    fn swelling_is_a_red_flag_and_hold_does_not_count() {
        let rules = "rules:\n  - id: h\n    description: d\n    when: |\n      last.has_symptom(\"fever\")\n    then: { decision: hold }\n    source: s\n";
        let d = diagnostics(&[("rules/r.yaml", rules)]);
        assert_eq!(
            with_code(&d, Code::RedFlagNotReferred),
            [
                "W0508 1:17 no rule refers on red-flag symptoms `sharp_pain`, `night_pain`, `walking_limited`, `daily_tasks_limited`, `swelling`, `giving_way`, `numbness`, `fever`, `fall_or_impact`, `warmth_redness`, `rest_pain`, `cannot_bear_weight` and `weight_loss`"
            ]
        );
    }
}
