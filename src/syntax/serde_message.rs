//! Turns serde's error text (shared by the YAML and JSON readers) into a diagnostic in the
//! project's message style, with "did you mean" for unknown keys.

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::yaml::ErrorCodes;

/// Rhai and the YAML reader quote code as `'x'`; the project's style is backticks. Only short quoted words
/// without spaces change, so an apostrophe in prose stays as it is.
pub fn backticks(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('\'') {
        let after = &rest[i + 1..];
        let quoted = after.find('\'').map(|j| &after[..j]).filter(|q| !q.is_empty() && q.len() <= 30 && !q.contains(char::is_whitespace));
        if let Some(q) = quoted {
            out.push_str(&rest[..i]);
            out.push('`');
            out.push_str(q);
            out.push('`');
            rest = &after[q.len() + 1..];
        } else {
            out.push_str(&rest[..=i]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

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
    backticks(m.trim_end_matches('.'))
}

/// The allowed names after "expected" in serde's messages: `` one of `a`, `b` ``, `a or b`, or
/// serde-saphyr's unquoted `one of a, b`.
fn expected_names(expected: &str) -> Vec<&str> {
    let list = expected.trim_start_matches(", ").trim_start_matches("expected ").trim_start_matches("one of ");
    list.split(", ").flat_map(|p| p.split(" or ")).map(|n| n.trim().trim_matches('`')).filter(|n| !n.is_empty()).collect()
}

/// Names are ASCII: a name that holds other letters (a Cyrillic `е` in `fеver`, pasted from
/// a document) looks the same as the name it was meant to be, so the note names each of them.
fn with_lookalikes(d: Diagnostic, name: &str) -> Diagnostic {
    let mut odd: Vec<char> = name.chars().filter(|c| !c.is_ascii()).collect();
    odd.dedup();
    if odd.is_empty() {
        return d;
    }
    let shown: Vec<String> = odd.iter().take(5).map(|&c| format!("U+{:04X}", u32::from(c))).collect();
    d.note(format!("`{name}` holds characters that are not ASCII ({}): retype the name", shown.join(", ")))
}

/// Picks the code and the advice from the message serde produced.
pub fn classify(message: String, codes: &ErrorCodes, is_syntax: bool) -> Diagnostic {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected_names(expected);
        let d = Diagnostic::new(codes.unknown_key, format!("unknown key `{field}`")).label("not a known key here").help_opt(help_for(
            field,
            "allowed keys",
            allowed.iter().copied(),
        ));
        return with_lookalikes(d, field);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::new(codes.missing, format!("missing required key `{field}`")).help(format!("add `{field}:` to this entry"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed = expected_names(expected);
        let d = Diagnostic::new(codes.value, format!("unknown value `{value}`")).label("not one of the allowed values").help_opt(help_for(
            value,
            "allowed values",
            allowed.iter().copied(),
        ));
        return with_lookalikes(d, value);
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
    if is_syntax {
        let help = message.contains("tabs").then_some("indent with spaces: YAML does not allow tabs for indentation");
        return Diagnostic::new(codes.syntax, message).help_opt(help.map(str::to_string));
    }
    let (message, help) = plain_words(&message);
    Diagnostic::new(codes.value, message).help_opt(help)
}

/// Names for what the readers call Rust types (`u32`) or YAML events (`sequence start`).
fn kind_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "bool" => "`true` or `false`",
        "string scalar" | "a string" | "string" => "text",
        "sequence start" | "a sequence" | "sequence" => "a list",
        "mapping start" | "a map" | "map" => "a mapping of keys to values",
        // serde's name for one of the file's own mappings (`struct RawLog`): never shown.
        k if k.starts_with("struct ") => "a mapping of keys to values",
        _ => return None,
    })
}

/// How serde names the value it found (`string "ten"`, `` integer `5` ``, `map`).
fn found_name(found: &str) -> String {
    let found = found.trim();
    for prefix in ["string ", "integer ", "floating point ", "boolean ", "char "] {
        if let Some(v) = found.strip_prefix(prefix) {
            return format!("`{}`", v.trim_matches(['"', '`']));
        }
    }
    match found {
        "map" => "a mapping".into(),
        "sequence" => "a list".into(),
        "unit value" | "null" => "nothing".into(),
        other => format!("`{other}`"),
    }
}

/// Rewrites the readers' wording for a value of the wrong kind into the project's: what was
/// expected and what was found, in domain words (never `u32` or `untagged enum`).
fn plain_words(message: &str) -> (String, Option<String>) {
    if message.starts_with("YAML merge keys are not allowed") {
        let help = "write each value at its own key: a merge key brings values from elsewhere, and the first of several merged mappings wins without a word";
        return ("a merge key (`<<`) is not allowed in a patient log".into(), Some(help.into()));
    }
    if message.starts_with("multiple YAML documents detected") {
        let help = "keep one document per file: remove the second `---` line and what follows it (a batch of logs is a folder of files or JSON Lines)";
        return ("the file holds more than one YAML document".into(), Some(help.into()));
    }
    // A list where one of the file's mappings belongs: `invalid length 0, expected struct RawLog
    // with 5 elements`.
    if let Some(rest) = message.strip_prefix("invalid length ")
        && rest.contains("expected struct ")
    {
        return ("expected a mapping of keys to values, found a list".into(), None);
    }
    if let Some(kind) = message.strip_prefix("invalid ").and_then(kind_name) {
        return (format!("expected {kind}"), None);
    }
    if let Some(kind) = message.strip_prefix("expected ").and_then(kind_name) {
        let help = match kind {
            "a list" => Some("write a list, e.g. `[a, b]`, or one `- item` per line".to_string()),
            "a mapping of keys to values" => Some("write `key: value` pairs, e.g. `{ minutes: 10 }`".to_string()),
            _ => None,
        };
        return (format!("expected {kind}"), help);
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((found, expected)) = message.strip_prefix(prefix).and_then(|r| r.rsplit_once(", expected ")) {
            let expected = kind_name(expected).map_or_else(|| expected.to_string(), str::to_string);
            // A number in quotes (`before: "5"`) is text to the reader: say so, or the message
            // reads "expected a whole number, found `5`".
            if let Some(text) = found.trim().strip_prefix("string ").map(|v| v.trim_matches(['"', '`']))
                && text.trim().parse::<f64>().is_ok()
            {
                let help = format!("write the number without quotes: `{}`", text.trim());
                return (format!("expected {expected}, found the text `\"{text}\"`"), Some(help));
            }
            return (format!("expected {expected}, found {}", found_name(found)), None);
        }
    }
    if let Some(rest) = message.strip_prefix("non-finite float `") {
        let value = rest.split('`').next().unwrap_or(rest);
        return (format!("`{value}` is not a finite number: expected a number"), None);
    }
    if message.starts_with("data did not match any variant of untagged enum ParamValue") {
        return ("expected `true`, `false`, a number or text".into(), None);
    }
    if message.starts_with("data did not match any variant") {
        return ("this value has none of the allowed forms".into(), None);
    }
    (message.to_string(), None)
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

    #[test]
    fn quoted_code_gets_backticks() {
        assert_eq!(backticks("expecting ')' for a matching ( in this expression"), "expecting `)` for a matching ( in this expression");
        assert_eq!(backticks("it's 'x' and 'y z'"), "it's `x` and 'y z'");
        assert_eq!(clean("illegal placement of ':' indicator at line 3 column 4"), "illegal placement of `:` indicator");
    }

    #[test]
    fn readers_wording_becomes_domain_words() {
        assert_eq!(plain_words("invalid u32").0, "expected a whole number (0 or more)");
        assert_eq!(plain_words("expected sequence start").0, "expected a list");
        assert_eq!(
            plain_words("invalid type: string \"tired\", expected a whole number from 0 to 10").0,
            "expected a whole number from 0 to 10, found `tired`"
        );
        assert_eq!(plain_words("invalid value: integer `-3`, expected u32").0, "expected a whole number (0 or more), found `-3`");
        assert_eq!(
            plain_words("invalid type: string \"5\", expected a whole number from 0 to 10"),
            (
                "expected a whole number from 0 to 10, found the text `\"5\"`".to_string(),
                Some("write the number without quotes: `5`".to_string())
            )
        );
        assert_eq!(plain_words("invalid type: map, expected a string").0, "expected text, found a mapping");
        assert_eq!(
            plain_words("non-finite float `-.inf` rejected by the configured policy").0,
            "`-.inf` is not a finite number: expected a number"
        );
        assert_eq!(
            plain_words("data did not match any variant of untagged enum ParamValue").0,
            "expected `true`, `false`, a number or text"
        );
    }
}
