//! Batch inputs: JSON Lines files, folders of logs (walked in sorted order), single log
//! files and `-` (JSON Lines on stdin), read one log at a time.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::log::LogFormat;
use crate::error::Error;

/// Where a log came from: a file, and the line for JSON Lines.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Origin {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

pub struct Item {
    pub origin: Origin,
    pub text: String,
    pub format: LogFormat,
    /// Input bytes this item accounts for (drives the progress bar).
    pub bytes: u64,
}

enum Input {
    Lines { name: String, path: Option<PathBuf> },
    File { path: PathBuf, name: String },
}

pub struct Plan {
    inputs: Vec<Input>,
    total: Option<u64>,
}

fn is_log_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json" | "jsonl"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if is_log_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn input_for(path: PathBuf) -> Input {
    let name = path.display().to_string();
    if name.ends_with(".jsonl") { Input::Lines { name, path: Some(path) } } else { Input::File { path, name } }
}

/// Resolves every input before anything is evaluated, so a missing input fails the run
/// before it starts (exit 2) rather than half-way through.
pub fn plan(args: &[PathBuf]) -> Result<Plan, Error> {
    let mut inputs = Vec::new();
    let mut total = Some(0u64);
    for a in args {
        if a.as_os_str() == "-" {
            inputs.push(Input::Lines { name: "<stdin>".into(), path: None });
            total = None;
            continue;
        }
        let meta = std::fs::metadata(a).map_err(|e| Error::io(a, e))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            walk(a, &mut files)?;
        } else {
            files.push(a.clone());
        }
        for f in files {
            if let (Some(t), Ok(m)) = (total.as_mut(), std::fs::metadata(&f)) {
                *t += m.len();
            }
            inputs.push(input_for(f));
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

struct Lines {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line: u32,
}

pub struct Reader {
    inputs: std::vec::IntoIter<Input>,
    current: Option<Lines>,
}

impl Reader {
    /// The next log, or `None` at the end. A line that is not UTF-8 still yields an item
    /// (which then fails to parse and becomes an error record).
    pub fn next_item(&mut self) -> Result<Option<Item>, Error> {
        loop {
            if let Some(cur) = &mut self.current {
                let mut buf = Vec::new();
                let n = cur.reader.read_until(b'\n', &mut buf).map_err(|e| Error::io(Path::new(&cur.name), e))?;
                if n == 0 {
                    self.current = None;
                    continue;
                }
                cur.line += 1;
                let text = String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                if text.trim().is_empty() {
                    continue;
                }
                return Ok(Some(Item {
                    origin: Origin { file: cur.name.clone(), line: Some(cur.line) },
                    text,
                    format: LogFormat::Json,
                    bytes: n as u64,
                }));
            }
            let Some(next) = self.inputs.next() else { return Ok(None) };
            match next {
                Input::Lines { name, path } => {
                    let reader: Box<dyn BufRead + Send> = match path {
                        Some(p) => Box::new(BufReader::with_capacity(1 << 20, File::open(&p).map_err(|e| Error::io(&p, e))?)),
                        None => Box::new(BufReader::with_capacity(1 << 20, std::io::stdin())),
                    };
                    self.current = Some(Lines { name, reader, line: 0 });
                }
                Input::File { path, name } => {
                    let mut bytes = Vec::new();
                    File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| Error::io(&path, e))?;
                    let n = bytes.len() as u64;
                    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    let format = LogFormat::from_path(&name);
                    return Ok(Some(Item { origin: Origin { file: name, line: None }, text, format, bytes: n }));
                }
            }
        }
    }
}

/// The patient id of a log that failed, when it can still be found, so the error record says
/// whose log it was: the JSON or YAML `patient` key, read leniently (the log may be cut short).
pub fn patient_hint(text: &str) -> Option<String> {
    if let Some(i) = text.find("\"patient\"") {
        let rest = text[i + 9..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let end = rest.find('"')?;
        return Some(rest[..end].to_string()).filter(|s| !s.is_empty());
    }
    text.lines().find_map(|l| l.strip_prefix("patient:").map(|v| v.trim().trim_matches('"').to_string())).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::patient_hint;

    #[test]
    fn patient_found_in_broken_json_and_yaml() {
        assert_eq!(patient_hint(r#"{"patient": "P-2", "start":"#).as_deref(), Some("P-2"));
        assert_eq!(patient_hint("patient: P-3\nstart: [").as_deref(), Some("P-3"));
        assert_eq!(patient_hint(r#"{"start":"#), None);
    }
}
