//! Finding and reading case files: every `.yaml`/`.yml` file under a protocol's `cases/`
//! folder (sorted, subfolders included, links to folders not followed), each a list of cases
//! whose logs are resolved to text here, so running a case needs no more I/O.

use std::path::{Path, PathBuf};

use crate::check::log::LogFormat;
use crate::diagnostic::render::{DiagnosticFormat, render};
use crate::source::SourceMap;
use crate::syntax::yaml::{PROTOCOL_CODES, parse};

use super::spec::{Case, CaseFile, Expect};

/// Largest case or log file read.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A case ready to run: its name, where it is written, the log's text and the expectations.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    pub name: String,
    /// `cases/FILE.yaml:LINE`, relative to the protocol folder.
    pub place: String,
    /// The log, or why it could not be read.
    pub log: Result<LogInput, String>,
    pub expect: Expect,
}

/// A case's log: the name shown in its errors, its text and format.
#[derive(Debug, Clone)]
pub struct LogInput {
    pub name: String,
    pub text: String,
    pub format: LogFormat,
}

/// A case file that could not be read as a list of cases: reported as a failure.
#[derive(Debug, Clone)]
pub struct BrokenFile {
    pub file: String,
    pub error: String,
}

/// Every case under `cases_dir`, in file order then written order.
#[derive(Debug, Default)]
pub struct Suite {
    pub cases: Vec<LoadedCase>,
    pub broken: Vec<BrokenFile>,
}

/// Case files under `dir`, sorted by path.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    for entry in read.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")) {
            out.push(path);
        }
    }
}

/// Reads a file of at most 64 MiB as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("the file is {} bytes: at most {MAX_FILE_BYTES} (64 MiB) are read", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
}

/// `path` relative to `root`, with `/`, for messages that read the same on every machine.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Reads a file of the protocol folder `inside` (canonical): a case file or a case's
/// `log_file`. A path or link that leads out of the folder is refused, so a shared protocol's
/// cases cannot make `stepwise test` print a file from elsewhere on the machine in a failure.
fn read_inside(inside: Option<&Path>, path: &Path) -> Result<String, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if inside.is_none_or(|root| !real.starts_with(root)) {
        return Err("it is outside the protocol folder: case files and their logs are read only from inside it".into());
    }
    read_text(&real)
}

/// Reads every case file under `root/cases` (`root`: the protocol folder).
pub fn load_suite(root: &Path) -> Suite {
    let mut suite = Suite::default();
    let inside = std::fs::canonicalize(root).ok();
    for path in case_files(&root.join("cases")) {
        let file = relative(root, &path);
        match read_inside(inside.as_deref(), &path) {
            Ok(text) => load_text(&mut suite, &file, &text, |rel| {
                let log_path = path.parent().unwrap_or(root).join(rel);
                read_inside(inside.as_deref(), &log_path)
                    .map(|t| (relative(root, &log_path), t))
                    .map_err(|e| format!("cannot read `{rel}`: {e}"))
            }),
            Err(e) => suite.broken.push(BrokenFile { file, error: format!("cannot read the case file: {e}") }),
        }
    }
    suite
}

/// Adds the cases of one file's text; `read_log` reads a `log_file:` given relative to it
/// and returns (name to show, text).
pub fn load_text(suite: &mut Suite, file: &str, text: &str, read_log: impl Fn(&str) -> Result<(String, String), String>) {
    let mut sources = SourceMap::default();
    let id = sources.add(file.to_string(), text.to_string());
    let cases: CaseFile = match parse(id, text, &PROTOCOL_CODES) {
        Ok(c) => c,
        Err(d) => {
            let error = render(&[*d], &sources, DiagnosticFormat::Plain, false);
            suite.broken.push(BrokenFile { file: file.to_string(), error: error.trim_end().to_string() });
            return;
        }
    };
    for case in cases {
        let place = format!("{file}:{}", case.name.loc.line);
        let log = resolve_log(&case, &place, &read_log);
        suite.cases.push(LoadedCase { name: case.name.value.clone(), place, log, expect: case.expect });
    }
}

fn resolve_log(case: &Case, place: &str, read_log: &impl Fn(&str) -> Result<(String, String), String>) -> Result<LogInput, String> {
    match (&case.log, &case.log_file) {
        (Some(_), Some(_)) => Err("give either `log` or `log_file`, not both".into()),
        (None, None) => Err("the case has no log: add `log:` (inline) or `log_file:` (a file beside the case file)".into()),
        (None, Some(rel)) => read_log(rel).map(|(name, text)| LogInput { format: LogFormat::from_path(&name), name, text }),
        // A block string is the log's own text (YAML); a mapping is written out as JSON.
        (Some(serde_json::Value::String(text)), None) => {
            Ok(LogInput { name: format!("{place} (log)"), text: text.clone(), format: LogFormat::Yaml })
        }
        (Some(value), None) => Ok(LogInput { name: format!("{place} (log)"), text: value.to_string(), format: LogFormat::Json }),
    }
}
