//! Where batch results go: JSON Lines (the `next --format json` answer, or an error record)
//! or CSV, to stdout or to a file written under a temporary name and renamed when complete,
//! so a killed run never leaves a file that looks whole. Also the progress bar.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Outcome;
use crate::cli::BatchFormat;
use crate::engine::Protocol;
use crate::error::Error;

/// How an outcome becomes a record: shared by the workers, which render in parallel.
pub struct Records {
    pub format: BatchFormat,
    pub protocol: Protocol,
    /// Add `source` to answer records (`--source`).
    pub with_source: bool,
}

impl Records {
    /// The record of one outcome (a JSON line, or a CSV row without the header).
    pub fn render(&self, outcome: &Outcome) -> String {
        match self.format {
            BatchFormat::Jsonl => record(outcome, &self.protocol, self.with_source),
            BatchFormat::Csv => {
                let mut row = csv_row(outcome);
                let p = self.protocol.reference();
                row.push(format!("{} {} {}", p.id, p.version, p.digest));
                csv_line(row.iter().map(|c| csv_safe(c)))
            }
        }
    }
}

/// One CSV line, quoted as needed.
fn csv_line<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(cells: I) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory cannot fail; an error would only leave the row empty.
    drop(w.write_record(cells));
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Where the records go: a file written under a temporary name, or stdout.
pub struct Sink {
    out: Box<dyn Write>,
    format: BatchFormat,
    /// (temporary path, final path) when writing a file.
    paths: Option<(PathBuf, PathBuf)>,
    csv_header_done: bool,
}

/// The JSON Lines record of an outcome (with a final newline). An answer is byte for byte the
/// `next --format json` answer; with `with_source` it also names where the log came from.
/// Error records always carry the protocol and the source.
pub fn record(outcome: &Outcome, protocol: &Protocol, with_source: bool) -> String {
    match outcome {
        Outcome::Answer { answer, origin } if with_source => {
            let line = crate::render::json_line(answer);
            let source = serde_json::to_string(origin).unwrap_or_default();
            // The answer is one JSON object: add the key before its closing brace.
            match line.trim_end().strip_suffix('}') {
                Some(body) => format!("{body},\"source\":{source}}}\n"),
                None => line,
            }
        }
        Outcome::Answer { answer, .. } => crate::render::json_line(answer),
        Outcome::Error { origin, patient, error } => protocol.error_record_with(origin, patient.as_deref(), error),
    }
}

/// A CSV cell a spreadsheet will not run as a formula (OWASP's CSV injection advice) and a
/// terminal will not obey: control characters (escape sequences, line breaks, NUL, bidi
/// overrides) are written as `\u{..}`, `\n`, `\t` as in the text answer, and a cell starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless it is a plain
/// number such as `-3` or `+1.5`.
pub fn csv_safe(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let cell = crate::diagnostic::escape_controls(cell).into_owned();
    let number = !cell.is_empty() && cell.parse::<f64>().is_ok_and(f64::is_finite) && !cell.contains(['\t', '\r']);
    if risky && !number { format!("'{cell}") } else { cell }
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 12] = [
    "patient",
    "as_of",
    "decision",
    "urgency",
    "phase",
    "rules_fired",
    "next_date",
    "next_exercises",
    "flags",
    "source",
    "error",
    "protocol",
];

fn csv_row(outcome: &Outcome) -> Vec<String> {
    match outcome {
        Outcome::Answer { answer: a, origin } => {
            let mut flags = Vec::new();
            if a.phase_change.is_some() {
                flags.push("phase_change");
            }
            if a.override_.is_some() {
                flags.push("override");
            }
            if a.open_referral.is_some() {
                flags.push("open_referral");
            }
            let exercises: Vec<String> =
                a.next_session.iter().flat_map(|n| &n.exercises).map(|e| format!("{} {}", e.id, crate::render::dose_words(e))).collect();
            vec![
                a.patient.clone(),
                a.as_of.to_string(),
                a.decision.to_string(),
                a.urgency.map(|u| u.as_str().to_string()).unwrap_or_default(),
                a.phase.clone(),
                a.reasons.iter().map(|r| r.rule.as_str()).collect::<Vec<_>>().join(" "),
                a.next_session.as_ref().map(|n| n.date.to_string()).unwrap_or_default(),
                exercises.join("; "),
                flags.join(" "),
                origin.place(),
                String::new(),
            ]
        }
        Outcome::Error { origin, patient, error } => {
            let mut row = vec![String::new(); CSV_HEADER.len() - 1];
            // The patient, decision, file and message columns; the others stay empty.
            for (at, value) in [(0, patient.clone().unwrap_or_default()), (8, "error".into()), (9, origin.place()), (10, error.message())] {
                if let Some(cell) = row.get_mut(at) {
                    *cell = value;
                }
            }
            row
        }
    }
}

/// The temporary output file of this run, removed by the signal handler on SIGINT or SIGTERM
/// (a killed run leaves no `.NAME.partial-PID` file behind).
static PARTIAL: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

fn set_partial(path: Option<PathBuf>) {
    if let Ok(mut p) = PARTIAL.lock() {
        *p = path;
    }
}

/// Installs (once) the handler that removes the temporary file and exits with 130.
fn remove_partial_on_signal() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Without a handler (another one is installed) an interrupt only leaves the partial
        // file behind: not a reason to refuse the run.
        drop(ctrlc::set_handler(|| {
            if let Ok(p) = PARTIAL.lock()
                && let Some(path) = p.as_ref()
            {
                // Best effort: the process exits with 130 either way.
                drop(std::fs::remove_file(path));
            }
            std::process::exit(130);
        }));
    });
}

/// Refuses an output path that would replace what it should not: a symbolic link (the link
/// would be replaced by a file), a FIFO, a device or a folder. A missing or regular file is
/// fine; results replace it only when the run completes.
pub fn check_output(path: &Path) -> Result<(), Error> {
    if let Some(root) = protocol_folder_of(path) {
        return Err(Error::Usage(format!(
            "the output `{}` is inside the protocol folder `{}` (its plans/, rules/ or cases/): results there would replace or add a protocol file; write them elsewhere",
            path.display(),
            root.display()
        )));
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A new file: its folder must be there, or the whole run would be answered before
            // the write failed (`--summary-json /nonexistent/s.json`).
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !folder.is_dir() {
                return Err(Error::Write { path: path.to_path_buf(), source: std::io::Error::new(e.kind(), "its folder does not exist") });
            }
            return Ok(());
        }
        Err(e) => return Err(Error::Write { path: path.to_path_buf(), source: e }),
    };
    let what = if meta.file_type().is_symlink() {
        "a symbolic link"
    } else if meta.is_dir() {
        "a folder"
    } else if !meta.is_file() {
        "not a regular file (a FIFO, a socket or a device)"
    } else {
        return Ok(());
    };
    Err(Error::Usage(format!("the output `{}` is {what}: name a regular file (or leave out -o to write to stdout)", path.display())))
}

/// The protocol folder whose `plans/`, `rules/` or `cases/` would hold `path` (a folder
/// holding both `plans/` and `rules/`, as discovery finds protocols), if any.
fn protocol_folder_of(path: &Path) -> Option<PathBuf> {
    let id = super::input::identity(path)?;
    id.parent()?.ancestors().find_map(|dir| {
        let part = dir.file_name()?.to_str()?;
        let root = dir.parent()?;
        (["plans", "rules", "cases"].contains(&part) && crate::engine::ProtocolSource::is_protocol_folder(root)).then(|| root.to_path_buf())
    })
}

/// `-o -` is standard output, as `-` is standard input among the inputs: no file is named.
pub fn named_file(output: Option<&Path>) -> Option<&Path> {
    output.filter(|p| p.as_os_str() != "-")
}

impl Sink {
    pub fn create(output: Option<&Path>, format: BatchFormat) -> Result<Sink, Error> {
        let (out, paths): (Box<dyn Write>, _) = match output {
            None => (Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout())), None),
            Some(path) => {
                check_output(path)?;
                let name = path.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
                let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
                remove_partial_on_signal();
                // `create_new`: never write through a file or link planted under that name.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                    // The user's name for the file, not the temporary one it is written to first.
                    .map_err(|e| Error::Write { path: path.to_path_buf(), source: e })?;
                set_partial(Some(tmp.clone()));
                (Box::new(BufWriter::with_capacity(1 << 20, file)), Some((tmp, path.to_path_buf())))
            }
        };
        Ok(Sink { out, format, paths, csv_header_done: false })
    }

    fn target(&self) -> PathBuf {
        self.paths.as_ref().map_or_else(|| PathBuf::from("<stdout>"), |(_, p)| p.clone())
    }

    /// Writes one rendered record (the CSV header first, once).
    pub fn write(&mut self, record: &str) -> Result<(), Error> {
        if self.format == BatchFormat::Csv && !self.csv_header_done {
            self.csv_header_done = true;
            self.out.write_all(csv_line(CSV_HEADER).as_bytes()).map_err(|e| Error::Write { path: self.target(), source: e })?;
        }
        self.out.write_all(record.as_bytes()).map_err(|e| Error::Write { path: self.target(), source: e })
    }

    /// Flushes and, for a file, renames the temporary file to its final name.
    pub fn finish(mut self) -> Result<(), Error> {
        let target = self.target();
        self.out.flush().map_err(|e| Error::Write { path: target.clone(), source: e })?;
        drop(std::mem::replace(&mut self.out, Box::new(std::io::sink())));
        if let Some((tmp, path)) = self.paths.take() {
            let renamed = std::fs::rename(&tmp, &path).map_err(|e| Error::Write { path, source: e });
            if renamed.is_err() {
                // Best effort: the rename's error is the one reported.
                drop(std::fs::remove_file(&tmp));
            }
            set_partial(None);
            renamed?;
        }
        Ok(())
    }
}

impl Drop for Sink {
    /// A run that failed part-way leaves no partial file behind.
    fn drop(&mut self) {
        if let Some((tmp, _)) = &self.paths {
            // Best effort while unwinding from an error that is reported already.
            drop(std::fs::remove_file(tmp));
            set_partial(None);
        }
    }
}

/// A progress bar on stderr: bytes read (so it can show an ETA) and logs done. indicatif
/// draws nothing when stderr is not a terminal; `--quiet` hides it always.
pub fn progress_bar(quiet: bool, total_bytes: Option<u64>) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    match total_bytes {
        Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{bar:30} {percent:>3}% {msg} · {binary_bytes_per_sec} · ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {msg} · {binary_bytes_per_sec}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::csv_safe;

    #[test]
    fn formula_cells_are_neutralised_numbers_kept() {
        for (cell, safe) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\\t=1"),
            ("\r=1", "'\\r=1"),
            ("P\u{1b}]0;title\u{7}", "P\\u{1b}]0;title\\u{7}"),
            ("a\nb\u{0}\u{202e}", "a\\nb\\u{0}\\u{202e}"),
            ("-3", "-3"),
            ("+1.5", "+1.5"),
            ("-inf", "'-inf"),
            ("P-1", "P-1"),
            ("", ""),
        ] {
            assert_eq!(csv_safe(cell), safe, "{cell:?}");
        }
    }
}
