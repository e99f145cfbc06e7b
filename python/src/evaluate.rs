//! Answering one log without the interpreter: the same calls as `stepwise next` (a path is
//! read as `next` reads it) and `stepwise batch` (the answer's JSON line, or the error record),
//! so Python gets the CLI's bytes.

use stepwise::{AnswerFormat, LogError, Options, Origin, Protocol, TextError, read_log_text};

use crate::log_input::LogInput;

/// The result of one log, as text; Python turns it into objects.
pub enum Evaluated {
    /// The `next --format json` line.
    Answer(String),
    /// A log that could not be answered: its first problem, every problem (JSON shape) and
    /// the error record `batch` writes.
    Failed { message: String, diagnostics: Vec<serde_json::Value>, record: String },
    /// A path that could not be opened (`answer` raises `OSError`; `answer_many` writes an
    /// error record instead, as `batch` does).
    Io { message: String, failed: Box<Evaluated> },
}

/// Answers one log. `line`: the log's 1-based position in an iterable (`answer_many`), which
/// error records and JSON error positions carry as a JSON Lines line.
pub fn evaluate(protocol: &Protocol, input: LogInput, line: Option<u32>, options: &Options) -> Evaluated {
    let offset = line.map_or(0, |l| l.saturating_sub(1));
    let (name, result) = match input {
        LogInput::Text { name, text, format } => {
            let r = protocol.answer_in(&name, &text, format, offset, options);
            (name, r)
        }
        LogInput::Path(path) => {
            let name = path.display().to_string();
            match read_log_text(&path, true) {
                Ok(text) => {
                    let r = protocol.answer_text(&name, &text, options);
                    (name, r)
                }
                Err(e) => {
                    let io = e.is_io().then(|| e.message());
                    let failed = failure(protocol, &name, line, &unreadable_error(&name, &e));
                    return match io {
                        Some(message) => Evaluated::Io { message: format!("{name}: {message}"), failed: Box::new(failed) },
                        None => failed,
                    };
                }
            }
        }
    };
    match result {
        Ok(answer) => Evaluated::Answer(protocol.render_answer(&answer, AnswerFormat::Json)),
        Err(e) => failure(protocol, &name, line, &e),
    }
}

fn unreadable_error(name: &str, e: &TextError) -> LogError {
    LogError::unreadable(name, e)
}

fn failure(protocol: &Protocol, name: &str, line: Option<u32>, e: &LogError) -> Evaluated {
    let origin = Origin { file: name.to_string(), line };
    let record = protocol.error_record(&origin, e);
    // The record's `errors` (a JSON Lines record's line filled in), so that the exception's
    // diagnostics and its record never disagree.
    let diagnostics = serde_json::from_str::<serde_json::Value>(&record)
        .ok()
        .and_then(|r| r.get("errors").and_then(|e| e.as_array()).cloned())
        .unwrap_or_else(|| protocol.log_error_json(e));
    Evaluated::Failed { message: e.to_string(), diagnostics, record }
}
