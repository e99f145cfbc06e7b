//! Authoring habits that keep a protocol checkable: every rule cites its source (`W0511`),
//! every script is a `|` block, where error positions map exactly onto the file (`W0512`), and
//! a parameter lies on the scale its unit names (`W0514`), and a numeric parameter has a unit
//! (`W0517`).

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Protocol, Script};
use crate::vocab::protocol::ParamValue;

fn not_block(script: &Script) -> bool {
    !script.block && script.text.contains('\n')
}

/// The scale a parameter's unit names: `points (0-10)`, `[0-10]`, `0 to 10`, `NRS 0-10` (any
/// dash: an en dash looks the same as a hyphen), or `points/10`.
fn scale(unit: &str) -> Option<(f64, f64)> {
    let plain: String = unit
        .chars()
        .map(|c| if matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}') { '-' } else { c })
        .collect::<String>()
        .replace(" to ", "-");
    let number = |s: &str| s.trim().trim_matches(|c| matches!(c, '(' | ')' | '[' | ']')).trim().parse::<f64>().ok();
    // The last `A-B` whose both sides are numbers.
    for (at, _) in plain.match_indices('-').collect::<Vec<_>>().into_iter().rev() {
        let (before, after) = (&plain[..at], &plain[at + 1..]);
        let low = before.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '[').next().and_then(number);
        let high = after.split(|c: char| c.is_whitespace() || c == ')' || c == ']').find(|s| !s.is_empty()).and_then(number);
        if let (Some(low), Some(high)) = (low, high) {
            return (low < high).then_some((low, high));
        }
    }
    let (_, out_of) = plain.rsplit_once('/')?;
    let high = out_of.split(|c: char| c.is_whitespace() || c == ')').find(|s| !s.is_empty()).and_then(number)?;
    (high > 0.0).then_some((0.0, high))
}

/// A unit that names a rating (points, a score, RPE, NRS, VAS, a pain scale), whose range must
/// then be given: `stop_zone_pain: 99` in `points` would otherwise pass.
fn names_a_rating(unit: &str) -> bool {
    let unit = unit.to_lowercase();
    // Whole words: `ratings` counts ratings (a number of them), `rating` is one on a scale.
    unit.contains('/')
        || unit
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| ["point", "points", "rating", "score", "rpe", "nrs", "vas", "pain", "borg", "scale"].contains(&w))
}

/// A unit with nothing visible in it (empty, spaces, a zero-width space) is no unit.
fn blank(unit: &str) -> bool {
    unit.chars().all(|c| c.is_whitespace() || crate::diagnostic::is_unsafe_char(c))
}

/// A parameter off the scale its unit names (`stop_zone_pain: 1e300` on `points (0-10)`): a
/// threshold no rating can reach switches its rules off without a word. A number without a
/// unit cannot be checked at all, so that is warned about itself (`W0517`).
fn off_scale(p: &Protocol, diags: &mut Diagnostics) {
    for param in &p.parameters {
        let value = match param.value {
            ParamValue::Int(i) => crate::num::int_f64(i),
            ParamValue::Float(f) => f,
            ParamValue::Bool(_) | ParamValue::Text(_) => continue,
        };
        let Some(unit) = param.unit.as_deref().filter(|u| !blank(u)) else {
            diags.push(
                Diagnostic::new(Code::ParameterWithoutUnit, format!("parameter `{}` is a number without a `unit:`", param.id))
                    .at(param.at.source, param.at.loc)
                    .label("no unit")
                    .help("add `unit:` with the scale it lies on (`unit: points (0-10)`, `unit: days`), so that `check` can tell a threshold no rating can reach"),
            );
            continue;
        };
        let Some((low, high)) = scale(unit) else {
            if names_a_rating(unit) {
                diags.push(
                    Diagnostic::new(
                        Code::ParameterWithoutUnit,
                        format!("parameter `{}` is measured in `{}`, a rating without its range", param.id, crate::diagnostic::escape_controls(unit)),
                    )
                    .at(param.at.source, param.at.loc)
                    .label("no range")
                    .help("give the scale's range in brackets (`unit: points (0-10)`), so that `check` can tell a threshold no rating can reach"),
                );
            }
            continue;
        };
        if !(low..=high).contains(&value) {
            diags.push(
                Diagnostic::new(
                    Code::ParameterOffScale,
                    format!("parameter `{}` is {}, off its scale `{unit}`", param.id, crate::num::Shown(value)),
                )
                .at(param.at.source, param.at.loc)
                .label("off the scale")
                .help(format!("use a value from {low} to {high}: a threshold no rating can reach switches its rules off")),
            );
        }
    }
}

pub fn lint(p: &Protocol, diags: &mut Diagnostics) {
    off_scale(p, diags);
    for rule in &p.rules {
        if rule.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            diags.push(
                Diagnostic::new(Code::MissingSource, format!("rule `{}` has no source", rule.id))
                    .at(rule.at.source, rule.at.loc)
                    .label("no `source:`")
                    .help("add `source:` with the citation behind the rule, so clinicians can check it against the evidence"),
            );
        }
        if not_block(&rule.when) {
            diags.push(
                Diagnostic::new(Code::ScriptNotBlock, format!("the condition of rule `{}` is not a `|` block", rule.id))
                    .at(rule.when.source, rule.when.loc)
                    .label("folded or quoted")
                    .help("write `when: |` and the script on the lines below, so errors point at the right place"),
            );
        }
    }
    for phase in &p.phases {
        if let Some(exit) = phase.exit.as_ref().filter(|e| not_block(&e.script)) {
            diags.push(
                Diagnostic::new(Code::ScriptNotBlock, format!("the exit gate of phase `{}` is not a `|` block", phase.id))
                    .at(exit.script.source, exit.script.loc)
                    .label("folded or quoted")
                    .help("write `when: |` and the script on the lines below, so errors point at the right place"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{diagnostics, with_code};
    use crate::diagnostic::Code;

    #[test]
    fn scales_are_read_in_the_ways_they_are_written() {
        for unit in [
            "points (0-10)",
            "points (0–10)",
            "points (0\u{2011}10)",
            "points [0-10]",
            "points (0 to 10)",
            "NRS 0-10",
            "points/10",
            "RPE (0-10)",
        ] {
            assert_eq!(super::scale(unit), Some((0.0, 10.0)), "{unit}");
        }
        assert_eq!(super::scale("percent of body weight"), None);
        assert_eq!(super::scale("days"), None);
        assert!(super::names_a_rating("points") && super::names_a_rating("NRS") && !super::names_a_rating("ratings"));
        assert!(super::blank("") && super::blank(" \u{200b}") && !super::blank("days"));
    }

    #[test]
    fn rule_without_source() {
        let d = diagnostics(&[(
            "rules/r.yaml",
            "rules:\n  - id: quiet\n    description: d\n    when: |\n      true\n    then: { decision: hold }\n",
        )]);
        assert_eq!(with_code(&d, Code::MissingSource), ["W0511 2:9 rule `quiet` has no source"]);
    }

    #[test]
    fn folded_condition_is_not_a_block() {
        let rules = "rules:\n  - id: folded\n    description: d\n    when: >\n      last.fatigue\n      >= 7\n    then: { decision: hold }\n    source: s\n";
        let d = diagnostics(&[("rules/r.yaml", rules)]);
        assert_eq!(with_code(&d, Code::ScriptNotBlock), ["W0512 5:7 the condition of rule `folded` is not a `|` block"]);
    }
}
