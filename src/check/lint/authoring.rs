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

/// The scale a parameter's unit names, as `(0-10)` in `points (0-10)`.
fn scale(unit: &str) -> Option<(f64, f64)> {
    let inside = unit.rsplit_once('(')?.1.split_once(')')?.0;
    let (low, high) = inside.split_once('-')?;
    let (low, high) = (low.trim().parse::<f64>().ok()?, high.trim().parse::<f64>().ok()?);
    (low < high).then_some((low, high))
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
        let Some(unit) = param.unit.as_deref() else {
            diags.push(
                Diagnostic::new(Code::ParameterWithoutUnit, format!("parameter `{}` is a number without a `unit:`", param.id))
                    .at(param.at.source, param.at.loc)
                    .label("no unit")
                    .help("add `unit:` with the scale it lies on (`unit: points (0-10)`, `unit: days`), so that `check` can tell a threshold no rating can reach"),
            );
            continue;
        };
        let Some((low, high)) = scale(unit) else { continue };
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
