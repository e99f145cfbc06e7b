//! Safety: a `progress` rule must look at pain (`W0509`). Pain that rises during or after
//! exercise is the protocol's main signal to stop going up; a progress rule that never reads
//! it (in its condition or in a helper it calls) can step a patient up through a flare.

use crate::check::lex::{Kind, Token};
use crate::check::lexed::Lexed;
use crate::check::library::Library;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::Protocol;
use crate::vocab::decision::Decision;

/// Log properties derived from pain ratings (`log.pain_baseline`, `log.pain_trend`).
const PAIN_PROPERTIES: [&str; 2] = ["pain_baseline", "pain_trend"];

/// Whether the tokens read a pain rating: `.pain` of a session, a pain-derived log property,
/// or a pain field by name (`values(xs, "pain.after")`).
fn reads_pain(toks: &[Token<'_>]) -> bool {
    toks.iter().enumerate().any(|(i, t)| {
        let after_dot = i.checked_sub(1).and_then(|b| toks.get(b)).is_some_and(|b| b.is(".") || b.is("?."));
        (t.is_ident() && (t.text == "pain" || (after_dot && PAIN_PROPERTIES.contains(&t.text))))
            || (t.kind == Kind::Str && t.str_value().is_some_and(|s| s.starts_with("pain.")))
    })
}

pub fn lint(p: &Protocol, lexed: &Lexed<'_>, lib: &Library<'_>, diags: &mut Diagnostics) {
    for rule in p.rules.iter().filter(|r| r.decision == Decision::Progress) {
        if rule.scripts().any(|s| reads_pain(&lib.reach(lexed.of(s)))) {
            continue;
        }
        diags.push(
            Diagnostic::new(Code::ProgressWithoutPain, format!("progress rule `{}` never reads pain", rule.id))
                .at(rule.when.source, rule.when.loc)
                .label("no pain condition")
                .note("neither the condition nor the helpers it calls read `pain`")
                .help("add a pain condition, e.g. `&& (last.pain.after ?? 10) <= params.low_pain_max`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lex::tokens;
    use crate::check::testing::{diagnostics, with_code};

    #[test]
    fn what_counts_as_reading_pain() {
        for (src, reads) in [
            ("last.pain.after <= 2", true),
            ("log.pain_trend <= 0.0", true),
            (r#"values(log.sessions, "pain.during").len() > 0"#, true),
            ("last.fatigue <= 5", false),
            ("pain_free(last)", false),
        ] {
            assert_eq!(reads_pain(&tokens(src)), reads, "{src}");
        }
    }

    fn progress(when: &str) -> String {
        format!("rules:\n  - id: up\n    description: d\n    when: |\n      {when}\n    then: {{ decision: progress }}\n    source: s\n")
    }

    #[test]
    fn progress_without_pain_even_through_helpers() {
        let helper = ("rules/h.rhai", "fn tired(s) { s.fatigue >= 7 }\nfn calm(s) { s.pain.after <= 2 }\n");
        let d = diagnostics(&[("rules/r.yaml", &progress("log.session_count >= 3 && !tired(last)")), helper]);
        assert_eq!(with_code(&d, Code::ProgressWithoutPain), ["W0509 5:7 progress rule `up` never reads pain"]);
        let d = diagnostics(&[("rules/r.yaml", &progress("log.session_count >= 3 && calm(last)")), helper]);
        assert!(with_code(&d, Code::ProgressWithoutPain).is_empty());
    }
}
