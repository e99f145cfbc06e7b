//! Authoring diagnostics: problems in protocol files, scripts and patient logs, collected as
//! values (never thrown), each with a stable code, a location and advice.
//!
//! Message style (from cedar's guide): lowercase, no final period, user values in backticks,
//! domain words rather than Rust types, one line. Advice goes in `help`, context in `notes`.

pub mod code;
pub mod render;
pub mod suggest;

pub use code::Code;

use crate::source::{Loc, SourceId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub source: Option<SourceId>,
    pub loc: Loc,
    /// Short text printed under the underline.
    pub label: Option<String>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

/// Longest user value (an id, a key, a word between backticks) a message quotes whole; longer
/// ones are cut with an ellipsis, so that a 10 MB id is not echoed back.
pub const MAX_QUOTED_CHARS: usize = 80;

/// Cuts `text` to [`MAX_QUOTED_CHARS`] characters, with `…` when cut.
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]).into(),
        None => text.into(),
    }
}

/// Whether a character must not reach a terminal as it is: control characters (line breaks,
/// escapes that recolour or move the cursor), the bidirectional overrides that reorder what a
/// reader sees, and the invisible ones that make two different ids look alike (zero-width
/// spaces and joiners, a byte-order mark, tag characters, variation selectors, Hangul fillers,
/// the blank Braille pattern, private-use characters).
pub(crate) fn is_unsafe_char(c: char) -> bool {
    // U+2028 and U+2029 break a line in some terminals and viewers as `\n` does.
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{206F}'
                // The rest of Unicode's format characters (general category Cf): number signs
                // and marks that render as nothing on their own, shorthand and Egyptian
                // hieroglyph format controls, Mongolian variation selectors.
                | '\u{0600}'..='\u{0605}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{180B}'..='\u{180F}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{FFFE}'
                | '\u{FFFF}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{2800}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E000}'..='\u{F8FF}'
                | '\u{E0000}'..='\u{E0FFF}'
                | '\u{F0000}'..='\u{10FFFF}'
        )
}

/// `text` with every control character written as an escape (`\n`, `\u{1b}`), so that a value
/// from a file (a patient id with a line break and terminal escapes) can never forge a line or
/// recolour a terminal in text output.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => put!(out, "\\u{{{:x}}}", u32::from(c)),
            c => out.push(c),
        }
    }
    out.into()
}

/// Shortens every backticked value of a message (see [`shorten`]) and escapes control
/// characters: a message is one line.
fn shorten_quoted(message: String) -> String {
    let message = match escape_controls(&message) {
        std::borrow::Cow::Owned(m) => m,
        std::borrow::Cow::Borrowed(_) => message,
    };
    if message.len() <= MAX_QUOTED_CHARS {
        return message;
    }
    let parts: Vec<&str> = message.split('`').collect();
    if parts.iter().skip(1).step_by(2).all(|q| q.chars().count() <= MAX_QUOTED_CHARS) {
        return message;
    }
    parts.iter().enumerate().map(|(i, p)| if i % 2 == 1 { shorten(p) } else { (*p).into() }).collect::<Vec<_>>().join("`")
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: shorten_quoted(message.into()),
            source: None,
            loc: Loc::UNKNOWN,
            label: None,
            help: None,
            notes: Vec::new(),
        }
    }

    #[must_use]
    pub fn at(mut self, source: SourceId, loc: Loc) -> Diagnostic {
        self.source = Some(source);
        self.loc = loc;
        self
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(shorten_quoted(help.into()));
        self
    }

    #[must_use]
    pub fn help_opt(mut self, help: Option<String>) -> Diagnostic {
        if let Some(help) = help {
            self.help = Some(shorten_quoted(help));
        }
        self
    }

    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Accumulates diagnostics across every stage, so that one run reports every problem.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Sorted by file, line and column, then code; duplicates (same code, place and message)
    /// removed. Deterministic whatever order the stages found them in.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (a.source, a.loc.line, a.loc.col, a.code, &a.message).cmp(&(b.source, b.loc.line, b.loc.col, b.code, &b.message))
        });
        self.items.dedup();
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_cut() {
        let long = "x".repeat(10_000);
        let d = Diagnostic::new(Code::LogUnknownExercise, format!("unknown exercise `{long}`")).help(format!("did `{long}` run?"));
        assert_eq!(d.message, format!("unknown exercise `{}…`", "x".repeat(80)));
        assert_eq!(d.help.as_deref(), Some(format!("did `{}…` run?", "x".repeat(80)).as_str()));
        assert_eq!(Diagnostic::new(Code::LogUnknownExercise, "unknown exercise `walkin`").message, "unknown exercise `walkin`");
        assert_eq!(shorten("ééé"), "ééé");
        assert_eq!(escape_controls("P-1\nDecision: \u{1b}[32mPROGRESS\t\u{202e}"), "P-1\\nDecision: \\u{1b}[32mPROGRESS\\t\\u{202e}");
        assert_eq!(Diagnostic::new(Code::LogUnknownExercise, "unknown exercise `a\nb`").message, "unknown exercise `a\\nb`");
    }

    /// Every format character (Unicode general category Cf, as of Unicode 15.1) renders as
    /// nothing or as a mark on its neighbour, so two ids could look alike: each is escaped.
    #[test]
    fn every_format_character_is_escaped() {
        let cf = [
            0x00AD..=0x00AD,
            0x0600..=0x0605,
            0x061C..=0x061C,
            0x06DD..=0x06DD,
            0x070F..=0x070F,
            0x0890..=0x0891,
            0x08E2..=0x08E2,
            0x180E..=0x180E,
            0x200B..=0x200F,
            0x202A..=0x202E,
            0x2060..=0x2064,
            0x2066..=0x206F,
            0xFEFF..=0xFEFF,
            0xFFF9..=0xFFFB,
            0x110BD..=0x110BD,
            0x110CD..=0x110CD,
            0x13430..=0x1343F,
            0x1BCA0..=0x1BCA3,
            0x1D173..=0x1D17A,
            0xE0001..=0xE0001,
            0xE0020..=0xE007F,
        ];
        for c in cf.into_iter().flatten().filter_map(char::from_u32) {
            assert!(is_unsafe_char(c), "U+{:04X} is not escaped", u32::from(c));
        }
    }
}
