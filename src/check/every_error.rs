//! Every error of a log at once. The serde readers stop at the first bad value; a clinic
//! fixing an export wants the whole list. So after an error on a plain value (a pain of 11, a
//! date that does not exist, a word where a number belongs) the value is set aside (read as
//! `null`, which every optional field accepts, or as `0` where a number belongs) and the log is read again, up to a cap. A log
//! that is read in the end is also validated against the protocol, so unknown exercise ids and
//! dates out of order join the list.
//!
//! No follow-on noise: an error at a place already set aside is an echo of the first (a
//! required date read as `null`) and ends the search; structural errors (YAML syntax, a
//! missing key) end it too, since what follows them cannot be read reliably. A log with
//! errors is never evaluated: the repaired text only finds more errors.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::log::PatientLog;
use crate::model::protocol::Protocol;
use crate::source::{Loc, SourceFile, SourceId};

use super::log::{LogFormat, read, validate};

/// Bytes read again, at most, looking for more errors (a typical log is 30 KB: hundreds of
/// errors fit).
const REREAD_BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// A value set aside: where it was, and how much longer `null` is than it was (negative when
/// shorter), to map later positions back to the original text.
#[derive(Debug, Clone, Copy)]
struct SetAside {
    /// 1-based line in the reader's numbering (JSON Lines: the line in the file).
    line: u32,
    /// Byte offset in the text as it was when this value was set aside.
    offset: usize,
    /// Byte offset and length in the original text.
    original: usize,
    len: usize,
    delta: isize,
}

/// Reads and validates a log, reporting every error (at most `max` when given). `Ok` only for
/// a log without errors; warnings are dropped (logs have none today).
pub fn read_and_validate(
    source: SourceId,
    text: &str,
    format: LogFormat,
    line_offset: u32,
    protocol: &Protocol,
    max: Option<usize>,
) -> Result<PatientLog, Vec<Diagnostic>> {
    let cap = max.unwrap_or(usize::MAX).max(1);
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut set_aside: Vec<SetAside> = Vec::new();
    // Borrowed until a value is set aside: a valid log (nearly every log of a batch) is read
    // once, without a copy.
    let mut current = std::borrow::Cow::Borrowed(text);
    // Each search reads the whole log again: bound the bytes read, so that a huge log with an
    // error on every line costs a few reads, not one per error.
    let mut budget = REREAD_BUDGET_BYTES.max(text.len());
    loop {
        match read(source, &current, format, line_offset) {
            Ok(raw) => {
                let mut diags = Diagnostics::default();
                let log = validate(source, raw, protocol, &mut diags);
                for d in diags.into_sorted() {
                    let d = map_back(locate_in_json(d, text, format, line_offset), &set_aside);
                    if !at_set_aside(&d, &set_aside) {
                        errors.push(d);
                    }
                }
                return match log {
                    Some(log) if errors.is_empty() => Ok(log),
                    _ => Err(finish(errors, cap, false)),
                };
            }
            Err(d) => {
                let next = set_aside_value(&current, &d, format, line_offset, &set_aside);
                let mut d = map_back(*d, &set_aside);
                if at_set_aside(&d, &set_aside) {
                    return Err(finish(errors, cap, false));
                }
                // Underline the whole value (serde_json points at its last character).
                if let Some((_, aside)) = &next {
                    let loc = SourceFile::new("", text).loc_of_offset(aside.original, aside.len);
                    d.loc = Loc { line: aside.line, ..loc };
                }
                if d.loc.is_known()
                    && !crate::syntax::yaml::is_budget_message(&d.message)
                    && let Some(note) = session_at(text, d.loc.offset)
                {
                    d = d.note(note);
                }
                // Setting the value aside did not help (the problem is the file's shape, as a
                // second YAML document): said once.
                if errors
                    .last()
                    .is_some_and(|e| e.code == d.code && e.message == d.message && (e.loc.line, e.loc.col) == (d.loc.line, d.loc.col))
                {
                    return Err(finish(errors, cap, false));
                }
                errors.push(d);
                budget = budget.saturating_sub(text.len());
                let more = errors.len() >= cap && next.is_some();
                match next {
                    Some((patched, aside)) if errors.len() < cap && budget > 0 && patched != *current => {
                        current = std::borrow::Cow::Owned(patched);
                        set_aside.push(aside);
                    }
                    _ => return Err(finish(errors, cap, more)),
                }
            }
        }
    }
}

/// A JSON log's values carry no position (`serde_json` gives none for a valid value): a problem
/// about a quoted value (`` unknown exercise `walkin` ``) is placed on that value, looked up after
/// the date of the session its note names.
fn locate_in_json(mut d: Diagnostic, text: &str, format: LogFormat, line_offset: u32) -> Diagnostic {
    if format != LogFormat::Json || d.loc.is_known() {
        return d;
    }
    let Some(value) = d.message.split('`').nth(1) else { return d };
    let after = d
        .notes
        .iter()
        .find_map(|n| n.strip_prefix("in session ").and_then(|r| r.split_once(" (")).map(|(_, date)| date.trim_end_matches(')')))
        .and_then(|date| text.find(&format!("\"{date}\"")))
        .unwrap_or(0);
    let quoted = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    if let Some(at) = text.get(after..).and_then(|rest| rest.find(&quoted)) {
        let file = SourceFile::new("", text);
        let loc = file.loc_of_offset(after + at, quoted.len());
        d.loc = Loc { line: loc.line + line_offset, ..loc };
    }
    d
}

/// The session a position is in, as the note validation gives (`in session 2 (2026-03-04)`):
/// the last session `date` written before it, counted from the first.
fn session_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let at_date = before.trim_end().trim_end_matches('"').trim_end().ends_with("date:") || before.trim_end().ends_with("\"date\":");
    if at_date {
        return None; // the session's own date is the problem: its line says which
    }
    // A YAML line that starts at the margin is a top-level key (or a document marker), never
    // inside a session, however many sessions came before it.
    let line = text.get(before.rfind('\n').map_or(0, |i| i + 1)..).unwrap_or_default();
    if line.starts_with("---")
        || line.starts_with("...")
        || line.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"' || c == '\'')
    {
        return None;
    }
    let sessions = before.find("sessions")?;
    let mut count = 0;
    let mut last = None;
    let mut rest = &before[sessions..];
    while let Some(i) = rest.find("date") {
        let after = &rest[i + 4..];
        let after = after.strip_prefix('"').unwrap_or(after).trim_start();
        if let Some(value) = after.strip_prefix(':') {
            let value = value.trim_start().trim_start_matches('"');
            let date: String = value.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
            if date.len() == 10 {
                count += 1;
                last = Some(date);
            }
        }
        rest = &rest[i + 4..];
    }
    last.map(|date| format!("in session {count} ({date})"))
}

/// The errors in reading order, at most `cap` of them; `more`: the search stopped at the cap
/// with more to look at. A list cut short says so on its last error, so that one error shown
/// is not taken for the only one.
fn finish(mut errors: Vec<Diagnostic>, cap: usize, more: bool) -> Vec<Diagnostic> {
    errors.sort_by_key(|d| (d.loc.line, d.loc.col));
    let cut = errors.len() > cap || more;
    errors.truncate(cap);
    if cut && let Some(last) = errors.pop() {
        errors.push(last.note(format!("--max-errors {cap}: the log may hold more errors, not shown")));
    }
    errors
}

/// Whether a diagnostic (in the original text's terms) is about a value already set aside.
fn at_set_aside(d: &Diagnostic, set_aside: &[SetAside]) -> bool {
    d.loc.is_known()
        && set_aside.iter().any(|a| d.loc.line == a.line && d.loc.offset >= a.original && d.loc.offset < a.original + a.len.max(4))
}

/// An offset in the text after `set_aside`, in the original text's terms.
fn original_offset(mut offset: usize, set_aside: &[SetAside]) -> usize {
    for a in set_aside.iter().rev() {
        if offset > a.offset {
            offset = offset.saturating_add_signed(-a.delta).max(a.offset);
        }
    }
    offset
}

/// A length of text in memory as a signed amount: exact (no allocation exceeds `isize::MAX`).
fn text_len(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// A position found in the patched text, in the original text's terms.
// `isize` holds every `u32` column on the 64-bit targets built for, and the column is at least
// 1 when cast back.
#[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn map_back(mut d: Diagnostic, set_aside: &[SetAside]) -> Diagnostic {
    if !d.loc.is_known() {
        return d;
    }
    let mut col = d.loc.col as isize;
    for a in set_aside.iter().rev() {
        if d.loc.line == a.line && d.loc.offset > a.offset {
            col -= a.delta;
        }
    }
    d.loc.col = col.max(1) as u32;
    d.loc.offset = original_offset(d.loc.offset, set_aside);
    d
}

/// The text with the value of `d` replaced by `null`, when `d` is about one plain value.
fn set_aside_value(text: &str, d: &Diagnostic, format: LogFormat, line_offset: u32, done: &[SetAside]) -> Option<(String, SetAside)> {
    if d.code != Code::LogInvalidValue || !d.loc.is_known() {
        return None;
    }
    // `d` comes from reading `text` itself: its offset is in `text`'s terms.
    let offset = d.loc.offset;
    let (start, end) = match format {
        // serde-saphyr points at the key of a value of the wrong type: skip to the value.
        LogFormat::Yaml => {
            let rest = text.get(offset..)?;
            let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            let start = match line.find(": ") {
                Some(i) if line[..i].chars().all(|c| c.is_alphanumeric() || c == '_') => offset + i + 2,
                _ => offset,
            };
            let start = start + text.get(start..)?.len() - text.get(start..)?.trim_start_matches(' ').len();
            (start, start + token_len(text.get(start..)?))
        }
        // serde_json points at the value's last character: find where the value starts.
        LogFormat::Json => {
            let end = offset + text.get(offset..)?.chars().next()?.len_utf8();
            (value_start(text, end)?, end)
        }
    };
    let value = text.get(start..end)?;
    if value.is_empty() || value.starts_with(['{', '[', '-', '&', '*', '!', '|', '>']) && !is_number(value) {
        return None;
    }
    // A number where a number belongs keeps a map of numbers (range of motion, measures)
    // readable; anything else is read as absent.
    let placeholder = if d.message.contains("expected a number") || d.message.contains("expected a whole number") { "0" } else { "null" };
    let patched = format!("{}{placeholder}{}", &text[..start], &text[end..]);
    let file = SourceFile::new("", text);
    let loc: Loc = file.loc_of_offset(start, end - start);
    let len = end - start;
    let line = loc.line + if format == LogFormat::Json { line_offset } else { 0 };
    let aside =
        SetAside { line, offset: start, original: original_offset(start, done), len, delta: text_len(placeholder.len()) - text_len(len) };
    Some((patched, aside))
}

fn is_number(s: &str) -> bool {
    s.parse::<f64>().is_ok()
}

/// Length of a YAML plain or quoted scalar starting the text: up to the end of the line, a
/// flow separator (`,` `]` `}`) or a comment.
fn token_len(rest: &str) -> usize {
    if let Some(q @ ('"' | '\'')) = rest.chars().next() {
        rest[1..].find(q).map_or(0, |i| i + 2)
    } else {
        let end = rest.find(['\n', ',', ']', '}']).unwrap_or(rest.len());
        let end = rest[..end].find(" #").unwrap_or(end);
        rest[..end].trim_end().len()
    }
}

/// Where the JSON value ending at `end` starts: a string's opening quote, or the first
/// character of a number or literal.
fn value_start(text: &str, end: usize) -> Option<usize> {
    let before = text.get(..end)?;
    if let Some(inner) = before.strip_suffix('"') {
        let mut i = inner.len();
        loop {
            let q = inner[..i].rfind('"')?;
            let backslashes = inner[..q].chars().rev().take_while(|c| *c == '\\').count();
            if backslashes % 2 == 0 {
                return Some(q);
            }
            i = q;
        }
    }
    let start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))).map_or(0, |i| i + 1);
    (start < end).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_is_placed_in_its_session() {
        let yaml =
            "patient: p\nstart: 2026-01-01\nsessions:\n  - date: 2026-01-02\n    fatigue: 3\n  - date: 2026-01-04\n    fatigue: 13\n";
        assert_eq!(session_at(yaml, yaml.find("13").unwrap()).as_deref(), Some("in session 2 (2026-01-04)"));
        assert_eq!(session_at(yaml, yaml.find("start").unwrap()), None);
        let json = r#"{"start":"2026-01-01","sessions":[{"date": "2026-01-02","fatigue":13}]}"#;
        assert_eq!(session_at(json, json.find("13").unwrap()).as_deref(), Some("in session 1 (2026-01-02)"));
    }

    #[test]
    fn values_end_where_yaml_and_json_say() {
        assert_eq!(token_len("13\n"), 2);
        assert_eq!(token_len("2026-13-01 # typo\n"), 10);
        assert_eq!(token_len("11, during: 2 }"), 2);
        assert_eq!(token_len("\"a, b\"\n"), 6);
        let json = r#"{"a": 13, "b": "x\"y"}"#;
        assert_eq!(value_start(json, 8), Some(6));
        assert_eq!(value_start(json, json.len() - 1), Some(15));
    }
}
