//! `stepwise report LOG -o report.html` (one patient) and `stepwise report LOGS... -o
//! cohort.html` (files, folders, JSON Lines, `-`: the inputs batch takes): the HTML report of
//! `src/report/`, built from the very answer `next --timeline --explain` gives.
//!
//! One log file named alone gives the patient page; anything else gives the cohort page, where
//! a log that cannot be answered is an error row (never dropped) and the run exits 4. The page
//! is written under a temporary name and renamed when complete, like batch results.

use std::io::Write;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::cli::ReportArgs;
use crate::diagnostic::render::DiagnosticFormat;
use crate::engine::{LogError, Options, Protocol};
use crate::error::Error;
use crate::eval::Answer;
use crate::exit::Status;
use crate::report::{Entry, Failed, Patient, cohort, course, patient};

use super::Ctx;
use super::batch::chunk::{Chunk, Item};
use super::batch::input;
use super::protocol::load_for_evaluation;

const OPTIONS: Options = Options { timeline: true, explain: true, max_errors: None };

/// The one log of a one-patient report: a single file that holds one log (not a folder, stdin
/// or JSON Lines), unless a cohort page is asked for.
fn single_log(args: &ReportArgs) -> Option<&PathBuf> {
    match &args.logs[..] {
        [one] if !args.cohort && one.as_os_str() != "-" && !one.is_dir() => {
            (!crate::source::has_extension(&one.to_string_lossy(), "jsonl")).then_some(one)
        }
        _ => None,
    }
}

pub fn run(ctx: Ctx, args: &ReportArgs) -> Result<Status, Error> {
    let output = super::batch::output::named_file(args.output.as_deref());
    let outputs: Vec<&Path> = output.into_iter().collect();
    if let Some(out) = output {
        super::batch::output::check_output(out)?;
    }
    let single = single_log(args);
    // Resolve every input before the protocol is loaded: a missing file fails fast (exit 2).
    let plan = input::plan(&args.logs, &outputs)?;
    let Some(protocol) = load_for_evaluation(ctx, args.protocol.protocol.as_deref())? else {
        return Ok(Status::ProtocolInvalid);
    };
    if let Some(path) = single {
        let name = path.display().to_string();
        let text = match crate::load::log_text::read_log_text(path, true) {
            Ok(t) => t,
            Err(e) if e.is_io() => return Err(Error::io(path, e.into_io())),
            Err(e) => {
                let err = LogError::unreadable(&name, &e);
                eprint!("{}", protocol.render_log_error(&err, ctx.messages, ctx.color));
                return Ok(Status::LogFailed);
            }
        };
        let format = crate::check::log::LogFormat::from_path(&name);
        return match protocol.answer_in(&name, &text, format, 0, &OPTIONS) {
            Ok(answer) => {
                let p = answered(answer, &text, format, name, &protocol);
                write_page(output, &patient::page(&p, &protocol))?;
                Ok(Status::Ok)
            }
            Err(e) => {
                eprint!("{}", protocol.render_log_error(&e, ctx.messages, ctx.color));
                Ok(Status::LogFailed)
            }
        };
    }
    // A page holds every patient: each chunk of logs is answered and drawn on all cores (the
    // same call as batch), in input order, and dropped once drawn. Only the table rows stay in
    // memory; each patient's section goes to an unnamed temporary file, copied into the page
    // after the table (a page of 10,000 patients held 4.5 GB when built whole in memory).
    let spill_error = |e: std::io::Error| Error::Write { path: std::env::temp_dir(), source: e };
    let mut sections = std::io::BufWriter::new(tempfile::tempfile().map_err(spill_error)?);
    let mut rows: Vec<cohort::Row> = Vec::new();
    let mut failed = false;
    let mut reader = plan.reader();
    while let Some(chunk) = reader.next_chunk(Chunk::for_workers(rayon::current_num_threads())) {
        for (entry, drawn) in answer_chunk(&protocol, &chunk, rows.len()) {
            if let Entry::Failed(f) = &entry {
                failed = true;
                eprint!("{}", protocol.render_log_error(&f.error, ctx.messages, ctx.color));
            }
            sections.write_all(drawn.section.as_bytes()).map_err(spill_error)?;
            rows.push(drawn.row);
        }
    }
    let mut sections = sections.into_inner().map_err(|e| spill_error(e.into_error()))?;
    std::io::Seek::seek(&mut sections, std::io::SeekFrom::Start(0)).map_err(spill_error)?;
    let mut sections = std::io::BufReader::new(sections);
    write_output(output, &mut |out| cohort::write_page(out, &rows, &mut sections, &protocol))?;
    Ok(if failed { Status::LogFailed } else { Status::Ok })
}

/// The cohort page's entries of one chunk of logs, in input order, each drawn (`before`: the
/// logs of the chunks before it).
fn answer_chunk(protocol: &Protocol, chunk: &Chunk, before: usize) -> Vec<(Entry, cohort::Drawn)> {
    let items: Vec<&Item> = chunk.items.iter().collect();
    items
        .par_iter()
        .enumerate()
        .map(|(i, &item)| {
            let source = match item.origin.line {
                Some(l) => format!("{}:{l}", item.origin.file),
                None => item.origin.file.clone(),
            };
            let entry = match super::batch::evaluate_item(protocol, chunk, item, &OPTIONS) {
                super::batch::Outcome::Answer { answer: a, .. } => {
                    Entry::Answered(Box::new(answered(*a, chunk.text(item).unwrap_or_default(), item.format, source, protocol)))
                }
                super::batch::Outcome::Error { patient, error, .. } => Entry::Failed(Failed {
                    patient,
                    source,
                    message: error.message(),
                    details: protocol.render_log_error(&error, DiagnosticFormat::Plain, false),
                    error,
                }),
            };
            let drawn = cohort::draw(&entry, before + i, protocol);
            // The failed entry is kept for its message on stderr; an answered one is done with.
            (entry, drawn)
        })
        .collect()
}

/// The answer with the course drawn from the log's values.
fn answered(answer: Answer, text: &str, format: crate::check::log::LogFormat, source: String, protocol: &Protocol) -> Patient {
    let log = course::log_value(text, format).unwrap_or_default();
    let course = course::read(&log, &answer, protocol.model());
    Patient { answer, course, source }
}

/// Writes the page to stdout, or to `path` through a temporary file created new and renamed
/// when complete (a failed write leaves no partial page behind).
fn write_page(path: Option<&Path>, html: &str) -> Result<(), Error> {
    write_output(path, &mut |out| out.write_all(html.as_bytes()))
}

/// Writes what `write` writes to stdout, or to `path` through a temporary file created new and
/// renamed when complete.
fn write_output(path: Option<&Path>, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let Some(path) = path else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        return match write(&mut out).and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write { path: "<stdout>".into(), source: e }),
            _ => Ok(()),
        };
    };
    let name = path.file_name().map_or_else(|| "report.html".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    // `create_new`: never write through a file or link planted under that name.
    let file =
        std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).map_err(|e| Error::Write { path: tmp.clone(), source: e })?;
    let mut file = std::io::BufWriter::new(file);
    let written = write(&mut file).and_then(|()| file.flush()).and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        // Best effort: the write's error is the one to report, not the clean-up's.
        drop(std::fs::remove_file(&tmp));
        Error::Write { path: path.to_path_buf(), source: e }
    })
}
