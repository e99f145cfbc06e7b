//! Two rules with the same condition (`W0506`), compared token by token so that whitespace,
//! line breaks and comments do not hide a copy. Where both apply, the more conservative
//! decision always wins, so one of the two never matters: usually a copy-paste whose
//! condition was meant to change.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Protocol, Rule};
use crate::source::SourceMap;

use super::super::lexed::Lexed;

/// Whether two rules can apply in the same phase.
fn overlap(a: &Rule, b: &Rule) -> bool {
    match (&a.phases, &b.phases) {
        (Some(x), Some(y)) => x.iter().any(|i| y.contains(i)),
        _ => true,
    }
}

pub fn lint(sources: &SourceMap, p: &Protocol, lexed: &Lexed<'_>, diags: &mut Diagnostics) {
    let normal: Vec<Vec<&str>> = p.rules.iter().map(|r| lexed.of(&r.when).iter().map(|t| t.text).collect()).collect();
    for (j, (b, nb)) in p.rules.iter().zip(&normal).enumerate() {
        let Some((a, _)) = p.rules.iter().zip(&normal).take(j).find(|(a, na)| *na == nb && overlap(a, b)) else { continue };
        let file = sources.get(a.when.source);
        let mut d = Diagnostic::new(Code::DuplicateCondition, format!("rule `{}` has the same condition as rule `{}`", b.id, a.id))
            .at(b.when.source, b.when.loc)
            .label("same condition")
            .note(format!("rule `{}` is at {}:{}:{}", a.id, file.name, a.when.loc.line, a.when.loc.col));
        if a.decision != b.decision {
            d = d.note(format!("where both apply, `{}` wins over `{}`", a.decision.min(b.decision), a.decision.max(b.decision)));
        }
        diags.push(d.help("merge the two rules, or change one condition"));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{diagnostics, with_code};
    use crate::diagnostic::Code;

    fn rule(id: &str, phases: &str, when: &str) -> String {
        format!(
            "  - id: {id}\n    description: d\n    phases: {phases}\n    when: |\n      {when}\n    then: {{ decision: hold }}\n    source: s\n"
        )
    }

    #[test]
    fn same_condition_up_to_whitespace_and_comments() {
        let rules = format!(
            "rules:\n{}{}",
            rule("a", "[start, build]", "(last.fatigue ?? 0) >= 7"),
            rule("b", "[build]", "( last.fatigue??0 )>=7 // tired")
        );
        let d = diagnostics(&[("rules/r.yaml", &rules)]);
        assert_eq!(with_code(&d, Code::DuplicateCondition), ["W0506 13:7 rule `b` has the same condition as rule `a`"]);
    }

    #[test]
    fn same_condition_in_disjoint_phases_is_fine() {
        let rules = format!("rules:\n{}{}", rule("a", "[start]", "last.fatigue >= 7"), rule("b", "[build]", "last.fatigue >= 7"));
        let d = diagnostics(&[("rules/r.yaml", &rules)]);
        assert!(with_code(&d, Code::DuplicateCondition).is_empty());
    }
}
