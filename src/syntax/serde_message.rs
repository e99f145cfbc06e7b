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

/// Picks the code and the advice from the message serde produced.
pub fn classify(message: String, codes: &ErrorCodes, is_syntax: bool) -> Diagnostic {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return Diagnostic::new(codes.unknown_key, format!("unknown key `{field}`"))
            .label("not a known key here")
            .help_opt(help_for(field, "allowed keys", allowed.iter().copied()));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::new(codes.missing, format!("missing required key `{field}`"))
            .help(format!("add `{field}:` here"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return Diagnostic::new(codes.value, format!("unknown value `{value}`"))
            .label("not one of the allowed values")
            .help_opt(help_for(value, "allowed values", allowed.iter().copied()));
    }
    if message.contains("duplicate") {
        return Diagnostic::new(Code::DuplicateKey, message).label("written twice").help("remove one of the two entries");
    }
    let code = if is_syntax { codes.syntax } else { codes.value };
    Diagnostic::new(code, message)
}
