//! Owns the text of every file stepwise loaded (protocol files and patient logs), so that a
//! diagnostic can point back at `file:line:col` and show the offending line long after parsing.
//!
//! Locations inside a file are [`Loc`]s: 1-based line and column (in characters, as YAML and
//! Rhai count them) plus a byte range for the snippet renderer.

use std::sync::Arc;

/// Whether a file name ends in `.ext`, in any case (`A.YAML` is a YAML file too): what every
/// extension test of the crate goes through. The text after the last dot, so a bare `.json`
/// counts, as `ends_with(".json")` did.
pub fn has_extension(name: &str, ext: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct SourceId(pub u32);

/// A position inside one file. `line == 0` means "unknown" (for example a value read from JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
    pub offset: usize,
    pub len: usize,
}

impl Loc {
    pub const UNKNOWN: Loc = Loc { line: 0, col: 0, offset: 0, len: 0 };

    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// Where something was written: a file and a location in it. The checked model keeps one on
/// every id, so that lints, which run on the model, still point into the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Place {
    pub source: SourceId,
    pub loc: Loc,
}

/// One loaded file: the path as the user named it (or an `embedded:` name) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
    /// The line number of the text's first line: 1 for a file, the record's line for one
    /// record of a JSON Lines file (its errors name the line of the file).
    pub first_line: u32,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile::from_line(name, text, 1)
    }

    /// A text that starts on line `first_line` of the file it came from.
    pub fn from_line(name: impl Into<String>, text: impl Into<Arc<str>>, first_line: u32) -> SourceFile {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { name: name.into(), text, line_starts, first_line: first_line.max(1) }
    }

    /// The index into `line_starts` of a line number of the file.
    fn index_of(&self, line: u32) -> Option<usize> {
        line.checked_sub(self.first_line).map(|i| i as usize)
    }

    /// Byte offset of a 1-based (line, character column); clamps to the end of the line.
    pub fn offset_of(&self, line: u32, col: u32) -> Option<usize> {
        let start = *self.line_starts.get(self.index_of(line)?)?;
        let line_text = self.line_text(line)?;
        let chars = (col.max(1) - 1) as usize;
        let within = line_text.char_indices().nth(chars).map_or(line_text.len(), |(i, _)| i);
        Some(start + within)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let idx = self.index_of(line)?;
        let start = *self.line_starts.get(idx)?;
        let end = self.line_starts.get(idx + 1).copied().unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// A location from a line and column alone (Rhai positions, JSON errors): the byte range
    /// covers the token that starts there, so the renderer can underline it.
    pub fn loc_at(&self, line: u32, col: u32) -> Loc {
        let Some(offset) = self.offset_of(line, col) else {
            return Loc::UNKNOWN;
        };
        let rest = &self.text[offset..];
        let len = token_len(rest);
        Loc { line, col, offset, len }
    }

    /// Line and column of a byte offset (for offsets found by a scan of the text).
    pub fn loc_of_offset(&self, offset: usize, len: usize) -> Loc {
        let idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        // `line_starts` begins with 0, so every offset has a line: the fallback is never taken.
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(0, |s| crate::num::count_u32(s.chars().count())).saturating_add(1);
        Loc { line: crate::num::count_u32(idx).saturating_add(self.first_line), col, offset, len }
    }
}

/// Length in bytes of the token at the start of `text`: an identifier or number, a quoted
/// string, or else one character. Used to underline something sensible when a tool reports
/// only where a problem starts.
fn token_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        None => 0,
        Some((_, c)) if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
            text.char_indices().find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '-')).map_or(text.len(), |(i, _)| i)
        }
        Some((_, q)) if q == '"' || q == '\'' => chars.find(|(_, c)| *c == q).map_or(text.len(), |(i, c)| i + c.len_utf8()),
        Some((_, c)) => c.len_utf8(),
    }
}

/// Every file of one run. Files are only added, never removed, so a [`SourceId`] stays valid.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceId {
        self.add_from_line(name, text, 1)
    }

    /// Adds a text that starts on line `first_line` of its file (a JSON Lines record).
    pub fn add_from_line(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>, first_line: u32) -> SourceId {
        self.files.push(SourceFile::from_line(name, text, first_line));
        SourceId(crate::num::count_u32(self.files.len() - 1))
    }

    /// The file of an id; an id from another map (such as the placeholder a log's diagnostics
    /// carry before the log is added) reads as an empty, unnamed file rather than a panic.
    pub fn get(&self, id: SourceId) -> &SourceFile {
        static UNKNOWN: std::sync::LazyLock<SourceFile> = std::sync::LazyLock::new(|| SourceFile::new("<log>", ""));
        self.files.get(id.0 as usize).unwrap_or(&UNKNOWN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_columns_round_trip() {
        let f = SourceFile::new("x.yaml", "a: 1\nwhen: |\n  last.fatigue > 7\n");
        let loc = f.loc_at(3, 8);
        assert_eq!(&f.text[loc.offset..loc.offset + loc.len], "fatigue");
        assert_eq!(f.loc_of_offset(loc.offset, 1).line, 3);
        assert_eq!(f.loc_of_offset(loc.offset, 1).col, 8);
        assert_eq!(f.line_text(2), Some("when: |"));
        assert_eq!(f.loc_at(9, 1), Loc::UNKNOWN);
    }

    #[test]
    fn a_record_of_a_json_lines_file_keeps_its_line_numbers() {
        // The record on line 40,000 of its file: no padding, the same lines and columns.
        let f = SourceFile::from_line("in.jsonl", "{\"patient\": 1}\n", 40_000);
        assert_eq!(f.line_text(40_000), Some("{\"patient\": 1}"));
        assert_eq!(f.line_text(1), None);
        let loc = f.loc_at(40_000, 13);
        assert_eq!(&f.text[loc.offset..loc.offset + loc.len], "1");
        assert_eq!((f.loc_of_offset(loc.offset, 1).line, f.loc_of_offset(loc.offset, 1).col), (40_000, 13));
    }
}
