//! Turns serde's error text (shared by the YAML and JSON readers) into a diagnostic in the
//! project's message style, with "did you mean" for unknown keys.

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::yaml::ErrorCodes;

/// Strips the location suffixes that the readers append (`at line 3 column 5`), which the
/// diagnostic shows in its own way.
pub fn clean(msg: &str) -> String {
    let mut m = msg.trim().to_string();
    for marker in [" at line ", " at position "] {
        if let Some(i) = m.find(marker) {
            m.truncate(i);
        }
    }
    if let Some(rest) = m.strip_prefix("error: ") {
        m = rest.to_string();
    }
    m.trim_end_matches('.').to_string()
}

/// The allowed names after "expected" in serde's messages: `one of `a`, `b``, `a or b`, or
/// serde-saphyr's unquoted `one of a, b`.
fn expected_names(expected: &str) -> Vec<&str> {
    let list = expected.trim_start_matches(", ").trim_start_matches("expected ").trim_start_matches("one of ");
    list.split(", ").flat_map(|p| p.split(" or ")).map(|n| n.trim().trim_matches('`')).filter(|n| !n.is_empty()).collect()
}

/// Picks the code and the advice from the message serde produced.
pub fn classify(message: String, codes: &ErrorCodes, is_syntax: bool) -> Diagnostic {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected_names(expected);
        return Diagnostic::new(codes.unknown_key, format!("unknown key `{field}`")).label("not a known key here").help_opt(help_for(
            field,
            "allowed keys",
            allowed.iter().copied(),
        ));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::new(codes.missing, format!("missing required key `{field}`")).help(format!("add `{field}:` here"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected_names(expected);
        return Diagnostic::new(codes.value, format!("unknown value `{value}`")).label("not one of the allowed values").help_opt(help_for(
            value,
            "allowed values",
            allowed.iter().copied(),
        ));
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key") {
        let key = rest.trim_start_matches(": ").split(", set ").next().unwrap_or("").trim();
        let message = if key.is_empty() { "duplicate key".to_string() } else { format!("duplicate key `{key}`") };
        return Diagnostic::new(Code::DuplicateKey, message).label("written twice").help("remove one of the two entries");
    }
    if message.starts_with("duplicate field") {
        return Diagnostic::new(Code::DuplicateKey, message.replace("duplicate field", "duplicate key"))
            .label("written twice")
            .help("remove one of the two entries");
    }
    let code = if is_syntax { codes.syntax } else { codes.value };
    Diagnostic::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml::LOG_CODES;

    #[test]
    fn expected_lists_of_both_readers() {
        assert_eq!(expected_names(", expected one of `pain`, `fatigue`"), ["pain", "fatigue"]);
        assert_eq!(expected_names(", expected `a` or `b`"), ["a", "b"]);
        assert_eq!(expected_names(", expected one of before, during, after"), ["before", "during", "after"]);
    }

    #[test]
    fn unknown_key_gets_a_suggestion() {
        let d = classify("unknown field `pian`, expected one of pain, fatigue".into(), &LOG_CODES, false);
        assert_eq!(d.message, "unknown key `pian`");
        assert_eq!(d.help.as_deref(), Some("did you mean `pain`?"));
    }
}
