//! The batch error record of a log that could not be answered (one JSON line). `batch` writes
//! it for every bad log and `next` for a JSON answer that failed; it lives in `render`, below
//! `engine`, so that the API (`Protocol::error_record`) and `batch` build it one way without the
//! API reaching up into `command`.

use crate::eval::answer::ProtocolRef;
use crate::load::log_text::Origin;

/// The error record of a log that could not be answered: its patient (when it can be told),
/// the protocol, where the log came from, the first problem in words and every problem in the
/// one JSON shape of a diagnostic (`check --message-format json` prints the same). A problem
/// with no line of its own inside a JSON Lines record is placed on the record's line.
pub fn error_record(
    protocol: &ProtocolRef,
    origin: &Origin,
    patient: Option<&str>,
    message: &str,
    errors: Vec<serde_json::Value>,
) -> String {
    let errors: Vec<serde_json::Value> = errors
        .into_iter()
        .map(|mut d| {
            if let Some(fields) = d.as_object_mut()
                && fields.get("line").is_none_or(serde_json::Value::is_null)
                && fields.get("file").and_then(serde_json::Value::as_str) == Some(origin.file.as_str())
                && let Some(line) = origin.line
            {
                fields.insert("line".into(), line.into());
            }
            d
        })
        .collect();
    let v = serde_json::json!({
        "patient": patient,
        "protocol": protocol,
        "source": origin,
        "error": message,
        "errors": errors,
    });
    v.to_string() + "\n"
}

/// The patient id of a log that failed, when it can still be found, so the error record says
/// whose log it was: the JSON or YAML `patient` key, read leniently (the log may be cut short).
pub fn patient_hint(text: &str) -> Option<String> {
    // Cut like any quoted value: a broken log's id may be megabytes long.
    let cut = |s: &str| crate::diagnostic::shorten(s).into_owned();
    if let Some(i) = text.find("\"patient\"") {
        let rest = text[i + 9..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let end = rest.find('"')?;
        return Some(cut(&rest[..end])).filter(|s| !s.is_empty());
    }
    text.lines().find_map(|l| l.strip_prefix("patient:").map(|v| cut(v.trim().trim_matches('"')))).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::patient_hint;

    #[test]
    fn patient_found_in_broken_json_and_yaml() {
        assert_eq!(patient_hint(r#"{"patient": "P-2", "start":"#).as_deref(), Some("P-2"));
        assert_eq!(patient_hint("patient: P-3\nstart: [").as_deref(), Some("P-3"));
        assert_eq!(patient_hint(r#"{"start":"#), None);
        let long = format!(r#"{{"patient": "{}", "start":"#, "x".repeat(100_000));
        assert_eq!(patient_hint(&long).map(|p| p.chars().count()), Some(81));
    }
}
