//! Renders diagnostics for people (miette's graphical report, coloured when the terminal
//! allows), for logs and tests (`plain`: rustc's layout without colour or box drawing) and for
//! machines (`json`, one object per diagnostic). The only module that touches miette.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::{Diagnostic, Severity};
use crate::source::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiagnosticFormat {
    /// Snippets with underlines, coloured on a terminal
    #[default]
    Human,
    /// The same without colour or box drawing (rustc's layout)
    Plain,
    /// One JSON object per line
    Json,
}

pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: DiagnosticFormat, color: bool) -> String {
    let mut out = String::new();
    for d in diags {
        match format {
            DiagnosticFormat::Human => render_human(&mut out, d, sources, color),
            DiagnosticFormat::Plain => render_plain(&mut out, d, sources),
            DiagnosticFormat::Json => {
                out.push_str(&to_json(d, sources).to_string());
                out.push('\n');
            }
        }
    }
    out
}

/// A source line or file as shown in a snippet: every control character but tabs and line
/// breaks becomes `?` (one `?` per byte, so byte offsets and underlines stay where they were).
/// A log holding terminal escapes cannot recolour or rewrite the terminal through a snippet.
fn visible(text: &str, per_byte: bool) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| matches!(c, '\n' | '\t' | '\r') || !super::is_unsafe_char(c);
    if text.chars().all(shown) {
        return text.into();
    }
    text.chars()
        .flat_map(|c| {
            let n = if shown(c) {
                0
            } else if per_byte {
                c.len_utf8()
            } else {
                1
            };
            let keep = (n == 0).then_some(c);
            keep.into_iter().chain(std::iter::repeat_n('?', n))
        })
        .collect::<String>()
        .into()
}

/// Largest file shown with miette's snippets; a larger one (a long log) is shown in the plain
/// layout, which reads one line instead of copying the whole file for each diagnostic.
const MAX_SNIPPET_SOURCE_BYTES: usize = 1 << 20;

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `file:line:col`, or just the file when the line is not known.
pub fn location(d: &Diagnostic, sources: &SourceMap) -> Option<String> {
    let file = sources.get(d.source?);
    let name = super::escape_controls(&file.name);
    Some(if d.loc.is_known() { format!("{name}:{}:{}", d.loc.line, d.loc.col) } else { name.into_owned() })
}

pub fn render_plain(out: &mut String, d: &Diagnostic, sources: &SourceMap) {
    putln!(out, "{}[{}]: {}", severity_word(d.severity), d.code.id(), d.message);
    if let Some(at) = location(d, sources) {
        putln!(out, "  --> {at}");
    }
    if let (Some(id), true) = (d.source, d.loc.is_known()) {
        let file = sources.get(id);
        if let Some(line) = file.line_text(d.loc.line) {
            let num = d.loc.line.to_string();
            let pad = " ".repeat(num.len());
            let (line, col) = window(line, (d.loc.col.max(1) - 1) as usize);
            let lead: String = line.chars().take(col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let avail = line.chars().count().saturating_sub(col).max(1);
            let width = file.text.get(d.loc.offset..d.loc.offset + d.loc.len).map_or(1, |s| s.chars().count());
            let carets = "^".repeat(width.clamp(1, avail));
            putln!(out, "{pad} |");
            putln!(out, "{num} | {}", visible(&line, false));
            let label = d.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
            putln!(out, "{pad} | {lead}{carets}{label}");
        }
    }
    if let Some(h) = &d.help {
        putln!(out, "  = help: {h}");
    }
    for n in &d.notes {
        putln!(out, "  = note: {n}");
    }
    out.push('\n');
}

/// Longest source line a snippet shows whole, in characters. Minified JSON puts a whole log on
/// one line: a snippet shows the part around the error, not megabytes of it.
const MAX_SNIPPET_LINE_CHARS: usize = 160;
/// Characters shown before the error's column in a cut line.
const SNIPPET_CONTEXT_CHARS: usize = 60;

/// The part of `line` a snippet shows, with `…` where it was cut, and the error's column
/// (in characters, from 0) within that part.
fn window(line: &str, col: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let len = line.chars().count();
    if len <= MAX_SNIPPET_LINE_CHARS {
        return (line.into(), col);
    }
    let start = col.min(len).saturating_sub(SNIPPET_CONTEXT_CHARS);
    let end = (start + MAX_SNIPPET_LINE_CHARS).min(len);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(end - start));
    if end < len {
        shown.push('…');
    }
    (shown.into(), col - start + usize::from(start > 0))
}

/// Whether the lines a graphical snippet shows (the error's and one either side) are short
/// enough to show whole.
fn fits_a_snippet(file: &crate::source::SourceFile, line: u32) -> bool {
    (line.saturating_sub(1)..=line.saturating_add(1))
        .filter_map(|l| file.line_text(l))
        .all(|t| t.len() <= MAX_SNIPPET_LINE_CHARS || t.chars().count() <= MAX_SNIPPET_LINE_CHARS)
}

pub fn to_json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let file = d.source.map(|id| sources.get(id).name.clone());
    serde_json::json!({
        "code": d.code.id(),
        "name": d.code.name(),
        "severity": d.severity,
        "message": d.message,
        "file": file,
        "line": d.loc.is_known().then_some(d.loc.line),
        "column": d.loc.is_known().then_some(d.loc.col),
        "label": d.label,
        "help": d.help,
        "notes": d.notes,
    })
}

/// Adapter that shows one [`Diagnostic`] to miette's report handler.
#[derive(Debug)]
struct MietteView<'a> {
    d: &'a Diagnostic,
    source: Option<Shifted>,
}

/// A file's text for miette, named, whose first line is line `lines_before + 1` of the file (a
/// JSON Lines record): miette counts lines from the text, so they are moved by as many.
#[derive(Debug)]
struct Shifted {
    name: String,
    text: String,
    lines_before: usize,
}

impl miette::SourceCode for Shifted {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.lines_before,
            inner.column(),
            inner.line_count(),
        )))
    }
}

impl std::fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.d.code.id()))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        let mut text = self.d.help.clone().unwrap_or_default();
        for n in &self.d.notes {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str("note: ");
            text.push_str(n);
        }
        (!text.is_empty()).then(|| Box::new(text) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = LabeledSpan::new(self.d.label.clone(), self.d.loc.offset, self.d.loc.len.max(1));
        Some(Box::new(std::iter::once(span)))
    }
}

fn render_human(out: &mut String, d: &Diagnostic, sources: &SourceMap, color: bool) {
    let source = match d.source {
        Some(id) if d.loc.is_known() => {
            let f = sources.get(id);
            if f.text.len() > MAX_SNIPPET_SOURCE_BYTES || !fits_a_snippet(f, d.loc.line) {
                render_plain(out, d, sources);
                return;
            }
            Some(Shifted {
                name: super::escape_controls(&f.name).into_owned(),
                text: visible(&f.text, true).into_owned(),
                lines_before: (f.first_line as usize).saturating_sub(1),
            })
        }
        _ => None,
    };
    let view = MietteView { d, source };
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    if view.source.is_none()
        && let Some(at) = location(d, sources)
    {
        putln!(out, "{at}:");
    }
    if handler.render_report(out, &view).is_err() {
        render_plain(out, d, sources);
    }
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn snippets_hide_control_characters_in_place() {
        assert_eq!(visible("a\u{1b}[31mb\tc", true), "a?[31mb\tc");
        assert_eq!(visible("x\u{202e}y", true), "x???y");
        assert_eq!(visible("x\u{202e}y", false), "x?y");
        assert_eq!(visible("plain: 1\n", true), "plain: 1\n");
    }
}
