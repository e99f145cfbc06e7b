//! `stepwise diff OLD NEW LOGS...`: what a protocol change does to real patients. Both
//! protocols (folders or git revisions; `--base REV` compares the working tree's protocol with
//! REV) answer every log, and every patient whose decision, phase, rules fired or next session
//! differs is listed, then a summary ("12 of 400 patients: progress -> hold").

pub mod compare;
pub mod git;
pub mod report;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cli::{DiffArgs, DiffFormat};
use crate::diagnostic::Diagnostic;
use crate::engine::{Checked, Options, Protocol, ProtocolSource};
use crate::error::Error;
use crate::exit::Status;

use super::Ctx;
use super::batch::chunk::{Chunk, Item};
use super::batch::input;
use super::batch::{Outcome, evaluate_item};
use compare::{Snapshot, differences};
use report::{PatientDiff, Summary};

pub fn run(ctx: Ctx, args: &DiffArgs) -> Result<Status, Error> {
    let (old_spec, new_spec, logs) = match &args.base {
        Some(rev) => (Spec::Rev(rev.clone()), Spec::WorkingTree, &args.args[..]),
        None => match &args.args[..] {
            [old, new, logs @ ..] if !logs.is_empty() => (Spec::of(old), Spec::of(new), logs),
            _ => return Err(Error::Usage("give OLD and NEW (protocol folders or git revisions), then the logs: `stepwise diff OLD NEW LOGS...`, or `stepwise diff --base REV LOGS...`".into())),
        },
    };
    let repo = args.protocol.protocol.clone().or_else(ProtocolSource::discover).unwrap_or_else(|| PathBuf::from("."));
    let inputs = input::plan(logs, &[])?;
    let old_source = old_spec.source(&repo, args.protocol.protocol.as_deref())?;
    let new_source = new_spec.source(&repo, args.protocol.protocol.as_deref())?;
    let (Some(old), Some(new)) = (load(ctx, &old_source)?, load(ctx, &new_source)?) else {
        return Ok(Status::ProtocolInvalid);
    };
    let opts = Options::default();
    let mut summary = Summary::default();
    let mut diffs = Vec::new();
    let mut reader = inputs.reader();
    while let Some(chunk) = reader.next_chunk(Chunk::for_workers(rayon::current_num_threads())) {
        let compared: Vec<PatientDiff> = chunk.items.par_iter().map(|item| compare_one(&old, &new, &chunk, item, &opts)).collect();
        for d in compared {
            summary.add(&d.changes, &d.old, &d.new);
            if !d.changes.is_empty() {
                diffs.push(d);
            }
        }
    }
    let (o, n) = (old.reference(), new.reference());
    let out = match args.format {
        DiffFormat::Text => report::text(&o, &n, &diffs, &summary),
        DiffFormat::Json => report::json(&o, &n, &diffs, &summary),
        DiffFormat::Markdown => report::markdown(&o, &n, &diffs, &summary),
    };
    super::write_stdout(out.as_bytes())?;
    Ok(if args.fail_on_change && summary.changed > 0 { Status::Problems } else { Status::Ok })
}

/// Answers one log with both protocols and compares the answers.
fn compare_one(old: &Protocol, new: &Protocol, chunk: &Chunk, item: &Item, opts: &Options) -> PatientDiff {
    let result = |p: &Protocol| match evaluate_item(p, chunk, item, opts) {
        Outcome::Answer { answer: a, .. } => (a.patient.clone(), Ok(*a)),
        Outcome::Error { patient, error, .. } => (patient.unwrap_or_else(|| "?".into()), Err(*error)),
    };
    let (patient, a) = result(old);
    let (_, b) = result(new);
    let (old_s, new_s) = (Snapshot::of(&a), Snapshot::of(&b));
    PatientDiff { patient, source: item.origin.clone(), changes: differences(&old_s, &new_s), old: old_s, new: new_s }
}

/// One side of the comparison.
enum Spec {
    Folder(PathBuf),
    Rev(String),
    /// `--protocol DIR`, else discovery (the working tree's protocol, for `--base`).
    WorkingTree,
}

impl Spec {
    /// An existing folder is a folder; anything else is a git revision.
    fn of(arg: &Path) -> Spec {
        if arg.is_dir() { Spec::Folder(arg.to_path_buf()) } else { Spec::Rev(arg.to_string_lossy().into_owned()) }
    }

    fn source(&self, repo: &Path, protocol: Option<&Path>) -> Result<ProtocolSource, Error> {
        match self {
            Spec::Folder(d) => Ok(ProtocolSource::Folder(d.clone())),
            Spec::Rev(rev) => git::protocol_at(repo, rev),
            Spec::WorkingTree => Ok(ProtocolSource::from_option(protocol)),
        }
    }
}

/// Loads one side; on errors prints them and returns `None` (exit 3).
fn load(ctx: Ctx, source: &ProtocolSource) -> Result<Option<Protocol>, Error> {
    match Checked::load(source, false)?.into_protocol() {
        Ok(p) => Ok(Some(p)),
        Err(checked) => {
            let errors: Vec<Diagnostic> = checked.diagnostics().iter().filter(|d| d.is_error()).cloned().collect();
            eprint!("{}", checked.render(&errors, ctx.messages, ctx.color));
            let name = match source {
                ProtocolSource::Files { name, .. } => name.clone(),
                ProtocolSource::Folder(d) => d.display().to_string(),
                _ => "the protocol".into(),
            };
            eprintln!("error: {name} has {} error(s): nothing was compared", errors.len());
            Ok(None)
        }
    }
}
