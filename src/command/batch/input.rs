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

use super::chunk::{Chunk, Lines};
use crate::check::log::LogFormat;
use crate::error::Error;
use crate::load::log_text::{Origin, TextError, kind_of, read_log_text};

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
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| ["yaml", "yml", "json", "jsonl"].iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// What a walk has taken so far: canonical paths of files and folders, and the output's.
struct Seen {
    files: HashSet<PathBuf>,
    dirs: HashSet<PathBuf>,
    outputs: Vec<PathBuf>,
    /// An output file the walk met that holds a log, not results: the run must not start.
    clobbered: Option<PathBuf>,
}

impl Seen {
    /// `true` the first time a file is met, `false` for a repeat or the output file.
    fn take(&mut self, path: &Path) -> bool {
        let Some(id) = identity(path) else { return true };
        if self.outputs.contains(&id) {
            // A second run's previous results are left out; a log named as the output would be
            // replaced by the results of a run that left it out: that is refused in `plan`.
            if !holds_results(path) {
                self.clobbered.get_or_insert_with(|| path.to_path_buf());
            }
            return false;
        }
        self.files.insert(id)
    }
}

/// How much of an existing output file is read to tell results from a log.
const RESULTS_SNIFF_BYTES: u64 = 1 << 20;

/// Whether an existing file holds what `batch` writes (records, one per line, or a summary
/// object) or nothing at all: such a file may be left out of the walk and replaced. A log never
/// has the top-level keys `decision`, `error` or `answered` (its keys are a closed set).
fn holds_results(path: &Path) -> bool {
    let mut head = Vec::new();
    let Ok(file) = File::open(path) else { return false };
    if file.take(RESULTS_SNIFF_BYTES).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    if text.trim().is_empty() {
        return true;
    }
    let object = |s: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok();
    let summary = object(&text).is_some_and(|m| m.contains_key("answered") && m.contains_key("decisions"));
    // Every whole line read must be a record: a log behind a first line that looks like one
    // would otherwise be replaced (the last line may be cut by the sniff).
    let whole = if head.len() as u64 == RESULTS_SNIFF_BYTES { text.rsplit_once('\n').map_or("", |(w, _)| w) } else { &text };
    let records = whole
        .lines()
        .filter(|l| !l.trim().is_empty())
        .all(|l| object(l).is_some_and(|m| (m.contains_key("decision") || m.contains_key("error")) && !m.contains_key("sessions")));
    summary || (records && !whole.trim().is_empty())
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
                Ok(m) if m.is_dir() => {}
                Ok(m) if !m.is_file() => {
                    out.push(Input::Unreadable { name, problem: skipped(kind_of(m.file_type())) });
                }
                Ok(_) => {
                    if seen.take(&p) {
                        out.push(input_for(p));
                    }
                }
                Err(e) => out.push(Input::Unreadable { name, problem: TextError::Io(e).message() }),
            }
        } else if !ft.is_file() {
            out.push(Input::Unreadable { name, problem: skipped(kind_of(ft)) });
        } else if seen.take(&p) {
            out.push(input_for(p));
        }
    }
    Ok(())
}

/// The warning record's problem for an entry of a folder that is not a file (a FIFO, a socket,
/// a device): it is skipped, never opened.
fn skipped(kind: &'static str) -> String {
    format!("{}: skipped", TextError::NotRegular(kind).message())
}

fn input_for(path: PathBuf) -> Input {
    let name = path.display().to_string();
    if crate::source::has_extension(&name, "jsonl") { Input::Lines { name, path: Some(path) } } else { Input::File { path, name } }
}

/// A character or block device (a terminal on stdin is read through `-`, not named).
fn is_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device() || meta.file_type().is_block_device()
}

/// The output that standard input is (the same file, by device and inode), if any.
fn stdin_is_one_of<'a>(outputs: &[&'a Path]) -> Option<&'a Path> {
    use std::os::unix::fs::MetadataExt;
    let stdin = std::fs::metadata("/dev/stdin").ok().filter(std::fs::Metadata::is_file)?;
    outputs.iter().copied().find(|o| std::fs::metadata(o).is_ok_and(|m| m.dev() == stdin.dev() && m.ino() == stdin.ino()))
}

/// Resolves every input before anything is evaluated, so a missing input fails the run
/// before it starts (exit 2) rather than half-way through. Every file is read once, whether met
/// in a folder or named again on the command line, and never an output file (`-o`, `--summary-json`): a second run does not read the
/// first one's results.
pub fn plan(args: &[PathBuf], outputs: &[&Path]) -> Result<Plan, Error> {
    let mut inputs = Vec::new();
    let mut total = Some(0u64);
    let mut seen = Seen {
        files: HashSet::new(),
        dirs: HashSet::new(),
        outputs: outputs.iter().filter_map(|o| identity(o)).collect(),
        clobbered: None,
    };
    for a in args {
        if a.as_os_str() == "-" {
            // `batch - -o logs.jsonl < logs.jsonl` would replace the logs being read.
            if let Some(out) = stdin_is_one_of(outputs) {
                return Err(Error::Usage(format!(
                    "standard input is `{}`, named as an output too: name another output file",
                    out.display()
                )));
            }
            // Standard input redirected from a device (`< /dev/zero`) never ends as a log does:
            // an error record, as for a device named on the command line. A terminal is read.
            if let Some(meta) = std::fs::metadata("/dev/stdin").ok().filter(is_device)
                && !std::io::IsTerminal::is_terminal(&std::io::stdin())
            {
                inputs.push(Input::Unreadable { name: "<stdin>".into(), problem: skipped(kind_of(meta.file_type())) });
                continue;
            }
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
            // Each file once, however it is named (`a.yaml a.yaml`, `logs logs/a.yaml`): a
            // patient answered twice would be counted twice in the summary.
            if seen.take(a) {
                found.push(input_for(a.clone()));
            }
        } else if is_device(&meta) {
            // A device never ends as a log does (`/dev/zero` is one endless line, `/dev/urandom`
            // endless bytes): an error record, not a run that never finishes.
            found.push(Input::Unreadable { name: a.display().to_string(), problem: skipped(kind_of(meta.file_type())) });
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
    if let Some(log) = seen.clobbered {
        return Err(Error::Usage(format!(
            "`{}` is a log among the inputs, and the results would replace it: name another output file",
            log.display()
        )));
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
                        Ok(text) => chunk.push_decoded(origin, &text, LogFormat::from_path(&name), n),
                        Err(e) => chunk.push_problem(origin, e.message(), n),
                    }
                }
                Input::Unreadable { name, problem } => chunk.push_problem(Origin { file: name, line: None }, problem, 0),
            }
        }
        (!chunk.items.is_empty()).then_some(chunk)
    }
}
