//! `stepwise report`: a patient's course at a glance for the therapist, a handout for the
//! patient, and a cohort page, as one self-contained HTML file (inline CSS, inline SVG, a few
//! lines of inline script on the cohort page only; nothing fetched from anywhere).
//!
//! Everything shown comes from the same evaluation `next` gives (the [`Answer`] with its
//! timeline and trace), plus the log's recorded values for the charts, so the page can never
//! drift from what was decided. Every string from a log or a protocol goes through [`esc`];
//! output is deterministic (no clock: the date shown is the answer's `as_of`).

// HTML fragments are written with `write!` and an explicit `\n` at the end of their (often
// continued) format strings: one way of writing them throughout, rather than mixing in `writeln!`.
#![allow(clippy::write_with_newline)]

pub mod cohort;
pub mod course;
pub mod patient;
pub mod style;
pub mod svg;

use crate::engine::Protocol;
use crate::eval::Answer;

/// Escapes text for HTML content and for quoted attribute values (`&`, `<`, `>`, `"`, `'`,
/// `/`), with control characters and bidirectional overrides written as escapes (`\u{1b}`,
/// `\u{202e}`, as in the text answer) so that none reaches the page; line breaks and tabs stay
/// (HTML shows them as spaces).
pub fn esc(s: &str) -> String {
    let unsafe_char = |c: char| c != '\n' && c != '\t' && crate::diagnostic::is_unsafe_char(c);
    if !s.chars().any(unsafe_char) {
        return html_escape::encode_safe(s).into_owned();
    }
    let visible: String = s.chars().map(|c| if unsafe_char(c) { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() }).collect();
    html_escape::encode_safe(&visible).into_owned()
}

/// One answered log: the answer and the course drawn from it and the log's values.
pub struct Patient {
    pub answer: Answer,
    pub course: course::Course,
    /// Where the log came from (file, and line for JSON Lines).
    pub source: String,
}

/// A log that could not be answered: it is shown, never dropped.
pub struct Failed {
    pub patient: Option<String>,
    pub source: String,
    pub message: String,
    /// Every problem found, as plain diagnostics.
    pub details: String,
    /// The error itself (for stderr).
    pub error: Box<crate::engine::LogError>,
}

/// One row of a cohort.
pub enum Entry {
    Answered(Box<Patient>),
    Failed(Failed),
}

/// The page around the sections: head with the inline style, a banner saying this is
/// decision support, and the protocol's provenance in the footer.
pub fn page(title: &str, protocol: &Protocol, body: &str, script: Option<&str>) -> String {
    let mut out = String::with_capacity(body.len() + 16_384);
    out.push_str(&page_head(title));
    out.push_str(body);
    out.push_str(&page_tail(protocol, script));
    out
}

/// The page up to its body: the head with the inline style.
pub fn page_head(title: &str) -> String {
    let mut out = String::with_capacity(16_384);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"stepwise ");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str("\">\n<title>");
    out.push_str(&esc(title));
    out.push_str("</title>\n<style>\n");
    out.push_str(style::CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    out
}

/// The page after its body: the footer with the provenance, the script, the closing tags.
pub fn page_tail(protocol: &Protocol, script: Option<&str>) -> String {
    let p = protocol.reference();
    let mut out = String::new();
    put!(
        out,
        "<footer><p>Protocol {} {} ({}), from {} · stepwise {}. This is a suggestion for a clinician to review, not a prescription.</p></footer>\n",
        esc(&p.id),
        esc(&p.version),
        esc(&p.digest),
        esc(&p.from),
        env!("CARGO_PKG_VERSION")
    );
    if let Some(js) = script {
        out.push_str("<script>\n");
        out.push_str(js);
        out.push_str("</script>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
