//! Batch inputs: JSON Lines files, folders of logs (walked in sorted order), single log
//! files and `-` (JSON Lines on stdin), read in chunks of many logs (`chunk.rs`).
//!
//! A folder walk never follows a link to a folder (a `self -> .` link cannot loop it), reads
//! each file once however many links lead to it, leaves out the output file, and turns what it
//! cannot read (a dangling link, a FIFO, a device, a file without permission) into an error
//! record for that file: the other logs are still answered.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::chunk::{Chunk, Lines};
use crate::check::log::LogFormat;
use crate::error::Error;

/// Where a log came from: a file, and the line for JSON Lines.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Origin {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Origin {
    /// `file`, or `file:line` for a JSON Lines record.
    pub fn place(&self) -> String {
        self.line.map_or_else(|| self.file.clone(), |l| format!("{}:{l}", self.file))
    }
}

enum Input {
    Lines {
        name: String,
        path: Option<PathBuf>,
    },
    File {
        path: PathBuf,
        name: String,
    },
    /// A file that cannot be read (found by the walk): an error record.
    Unreadable {
        name: String,
        problem: String,
    },
}

/// Largest log file (or JSON Lines line) read: 64 MiB. A longer one is an error, not an
/// out-of-memory abort.
pub const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;

/// Why a log file cannot be read as text.
#[derive(Debug)]
pub enum TextError {
    Io(std::io::Error),
    NotRegular(&'static str),
    TooLarge(u64),
    NotUtf8 { line: usize, column: usize },
}

impl TextError {
    /// The problem in words (the file is named by the caller).
    pub fn message(&self) -> String {
        match self {
            TextError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file (or a dangling link)".into(),
            TextError::Io(e) => e.to_string(),
            TextError::NotRegular(kind) => format!("not a regular file ({kind}): skipped"),
            TextError::TooLarge(n) => format!("the log is {n} bytes: at most {MAX_LOG_BYTES} bytes (64 MiB) are read"),
            TextError::NotUtf8 { line, column } => format!("the log is not UTF-8 text (an invalid byte on line {line}, column {column})"),
        }
    }

    /// The problem as an I/O error (the original one when there is one).
    pub fn into_io(self) -> std::io::Error {
        match self {
            TextError::Io(e) => e,
            other => std::io::Error::other(other.message()),
        }
    }

    /// An I/O problem (a missing or unreadable file) rather than a problem of the log's text.
    pub fn is_io(&self) -> bool {
        matches!(self, TextError::Io(_) | TextError::NotRegular(_))
    }
}

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else if ft.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// Log text from bytes: UTF-8 (never silently replaced), a leading byte-order mark dropped.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, TextError> {
    decode_slice(&bytes)?;
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    // Checked just above, so this cannot fail; the error is mapped rather than unwrapped.
    String::from_utf8(bytes).map_err(|e| TextError::NotUtf8 { line: 1, column: e.utf8_error().valid_up_to() + 1 })
}

const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// [`decode`] without a copy: the text of `bytes`, a leading byte-order mark dropped.
pub fn decode_slice(bytes: &[u8]) -> Result<&str, TextError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = std::str::from_utf8(valid.get(start..).unwrap_or_default()).map_or(1, |t| t.chars().count() + 1);
        TextError::NotUtf8 { line, column }
    })
}

/// Reads a log file: at most [`MAX_LOG_BYTES`], UTF-8. The same in `next`, `check --log` and
/// `batch`. Only a regular file is read unless `special` allows a pipe or device the user named
/// (`next /dev/stdin`); a folder walk never does (a FIFO would block, a device never ends).
pub fn read_log_text(path: &Path, special: bool) -> Result<String, TextError> {
    // `-` is standard input (YAML or JSON: the YAML reader reads both), with the same limit.
    if special && path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes).map_err(TextError::Io)?;
        if bytes.len() as u64 > MAX_LOG_BYTES {
            return Err(TextError::TooLarge(bytes.len() as u64));
        }
        return decode(bytes);
    }
    let meta = std::fs::metadata(path).map_err(TextError::Io)?;
    if meta.is_dir() || (!meta.is_file() && !special) {
        return Err(TextError::NotRegular(kind_of(&meta.file_type())));
    }
    if meta.len() > MAX_LOG_BYTES {
        return Err(TextError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_LOG_BYTES) as usize);
    File::open(path).and_then(|f| f.take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes)).map_err(TextError::Io)?;
    if bytes.len() as u64 > MAX_LOG_BYTES {
        return Err(TextError::TooLarge(bytes.len() as u64));
    }
    decode(bytes)
}

/// A path made absolute and free of links where it can be (for "each file once" and "not the
/// output"); an output file that does not exist yet is its folder's canonical path plus its name.
pub fn identity(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::canonicalize(parent).ok().map(|p| p.join(name))
}

pub struct Plan {
    inputs: Vec<Input>,
    total: Option<u64>,
}

fn is_log_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json" | "jsonl"))
}

/// What a walk has taken so far: canonical paths of files and folders, and the output's.
struct Seen {
    files: HashSet<PathBuf>,
    dirs: HashSet<PathBuf>,
    outputs: Vec<PathBuf>,
}

impl Seen {
    /// `true` the first time a file is met, `false` for a repeat or the output file.
    fn take(&mut self, path: &Path) -> bool {
        let Some(id) = identity(path) else { return true };
        if self.outputs.contains(&id) {
            return false;
        }
        self.files.insert(id)
    }
}

fn walk(dir: &Path, out: &mut Vec<Input>, seen: &mut Seen) -> Result<(), Error> {
    if let Some(id) = identity(dir)
        && !seen.dirs.insert(id)
    {
        return Ok(());
    }
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> =
        std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok()))).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, ft) in entries {
        let Some(ft) = ft else { continue };
        if ft.is_dir() {
            // A folder met through an unreadable entry is an error record, not the end of the run.
            if let Err(e) = walk(&p, out, seen) {
                out.push(Input::Unreadable { name: p.display().to_string(), problem: e.to_string() });
            }
            continue;
        }
        if !is_log_file(&p) {
            continue;
        }
        let name = p.display().to_string();
        if ft.is_symlink() {
            match std::fs::metadata(&p) {
                // A link to a folder is not followed: a `self -> .` link would loop the walk.
                Ok(m) if m.is_dir() => continue,
                Ok(m) if !m.is_file() => {
                    out.push(Input::Unreadable { name, problem: TextError::NotRegular(kind_of(&m.file_type())).message() })
                }
                Ok(_) => {
                    if seen.take(&p) {
                        out.push(input_for(p));
                    }
                }
                Err(e) => out.push(Input::Unreadable { name, problem: TextError::Io(e).message() }),
            }
        } else if !ft.is_file() {
            out.push(Input::Unreadable { name, problem: TextError::NotRegular(kind_of(&ft)).message() });
        } else if seen.take(&p) {
            out.push(input_for(p));
        }
    }
    Ok(())
}

fn input_for(path: PathBuf) -> Input {
    let name = path.display().to_string();
    if name.ends_with(".jsonl") { Input::Lines { name, path: Some(path) } } else { Input::File { path, name } }
}

/// Resolves every input before anything is evaluated, so a missing input fails the run
/// before it starts (exit 2) rather than half-way through. Files met in folders are read once
/// each, and never an output file (`-o`, `--summary-json`): a second run does not read the
/// first one's results.
pub fn plan(args: &[PathBuf], outputs: &[&Path]) -> Result<Plan, Error> {
    let mut inputs = Vec::new();
    let mut total = Some(0u64);
    let mut seen = Seen { files: HashSet::new(), dirs: HashSet::new(), outputs: outputs.iter().filter_map(|o| identity(o)).collect() };
    for a in args {
        if a.as_os_str() == "-" {
            inputs.push(Input::Lines { name: "<stdin>".into(), path: None });
            total = None;
            continue;
        }
        let meta = std::fs::metadata(a).map_err(|e| Error::io(a, e))?;
        let mut found = Vec::new();
        if meta.is_dir() {
            walk(a, &mut found, &mut seen)?;
        } else if meta.is_file() {
            if identity(a).is_some_and(|id| seen.outputs.contains(&id)) {
                return Err(Error::Usage(format!("`{}` is both an input and an output: name another output file", a.display())));
            }
            seen.take(a);
            found.push(input_for(a.clone()));
        } else {
            // Named on the command line, a pipe is what the user asked for (`<(zcat x.gz)`):
            // it is read as JSON Lines, like stdin.
            found.push(Input::Lines { name: a.display().to_string(), path: Some(a.clone()) });
        }
        for f in found {
            if let (Input::File { path, .. } | Input::Lines { path: Some(path), .. }, Some(t)) = (&f, total.as_mut()) {
                match std::fs::metadata(path) {
                    Ok(m) if m.is_file() => *t += m.len(),
                    _ => total = None,
                }
            }
            inputs.push(f);
        }
    }
    Ok(Plan { inputs, total })
}

impl Plan {
    pub fn total_bytes(&self) -> Option<u64> {
        self.total
    }

    pub fn reader(self) -> Reader {
        Reader { inputs: self.inputs.into_iter(), current: None }
    }
}

pub struct Reader {
    inputs: std::vec::IntoIter<Input>,
    current: Option<Lines>,
}

impl Reader {
    /// The next chunk of logs, read into `chunk` (a used one is emptied first, its buffer
    /// kept), or `None` at the end. A log that cannot be read (a missing file, an overlong
    /// line) is an item with its problem, which becomes an error record.
    pub fn next_chunk(&mut self, mut chunk: Chunk) -> Option<Chunk> {
        chunk.clear();
        while !chunk.is_full() {
            if let Some(lines) = &mut self.current {
                if !lines.fill(&mut chunk) {
                    self.current = None;
                }
                continue;
            }
            let Some(next) = self.inputs.next() else { break };
            match next {
                Input::Lines { name, path } => {
                    let source: Box<dyn Read + Send> = match path {
                        Some(p) => match File::open(&p) {
                            Ok(f) => Box::new(f),
                            Err(e) => {
                                chunk.push_problem(Origin { file: name, line: None }, TextError::Io(e).message(), 0);
                                continue;
                            }
                        },
                        None => Box::new(std::io::stdin()),
                    };
                    self.current = Some(Lines::new(name, source));
                }
                Input::File { path, name } => {
                    let origin = Origin { file: name.clone(), line: None };
                    let n = std::fs::metadata(&path).map_or(0, |m| m.len());
                    match read_log_text(&path, false) {
                        Ok(text) => chunk.push_text(origin, text.as_bytes(), LogFormat::from_path(&name), n),
                        Err(e) => chunk.push_problem(origin, e.message(), n),
                    }
                }
                Input::Unreadable { name, problem } => chunk.push_problem(Origin { file: name, line: None }, problem, 0),
            }
        }
        (!chunk.items.is_empty()).then_some(chunk)
    }
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
