//! `stepwise batch`: a clinic's caseload. The protocol is compiled once; logs stream in
//! chunks through a thread pool and out in input order, so memory stays flat however many
//! patients there are and the output is the same on any number of threads. A bad log becomes
//! an error record; it never stops, hides or corrupts another patient's answer.

pub mod input;
pub mod output;
pub mod summary;

use rayon::prelude::*;

use crate::cli::BatchArgs;
use crate::engine::{LogError, Options, Protocol};
use crate::error::Error;
use crate::eval::Answer;
use crate::exit::Status;

use super::Ctx;
use super::protocol::load_for_evaluation;
use input::{Item, Origin};
use output::Sink;
use summary::Summary;

/// Logs evaluated per chunk: enough to keep every thread busy, small enough that memory
/// stays flat (a chunk of 26 KB logs is about 13 MB).
const CHUNK: usize = 512;

/// `--jobs` is capped at this many threads per core: evaluation is CPU-bound, so more only
/// costs memory (u64::MAX threads aborted the process).
pub const JOBS_PER_CORE: usize = 4;

fn max_jobs(cores: usize) -> usize {
    cores.max(1).saturating_mul(JOBS_PER_CORE)
}

/// The result for one input log.
pub enum Outcome {
    Answer { answer: Box<Answer>, origin: Origin },
    Error { origin: Origin, patient: Option<String>, error: Box<LogError> },
}

/// Evaluates one log: the very same library call as `next`.
pub fn evaluate_item(protocol: &Protocol, item: &Item, opts: &Options) -> Outcome {
    let name = item.origin.file.as_str();
    let result = match &item.problem {
        Some(problem) => Err(LogError::unreadable_because(name, problem)),
        None => protocol.answer_in(name, &item.text, item.format, item.origin.line.map_or(0, |l| l - 1), opts),
    };
    match result {
        Ok(a) => Outcome::Answer { answer: Box::new(a), origin: item.origin.clone() },
        Err(e) => Outcome::Error { origin: item.origin.clone(), patient: input::patient_hint(&item.text), error: Box::new(e) },
    }
}

pub fn run(ctx: Ctx, args: &BatchArgs) -> Result<Status, Error> {
    let outputs: Vec<&std::path::Path> = args.output.iter().chain(&args.summary_json).map(|p| p.as_path()).collect();
    if let [a, b] = outputs[..]
        && input::identity(a).is_some_and(|id| input::identity(b) == Some(id))
    {
        return Err(Error::Usage(format!("`{}` is named both for the results and for the summary", a.display())));
    }
    if args.format == crate::cli::BatchFormat::Csv && (args.explain || args.timeline) {
        return Err(Error::Usage("--explain and --timeline need --format jsonl: a CSV row has no room for a trace or a timeline".into()));
    }
    let inputs = input::plan(&args.inputs, &outputs)?;
    if let Some(path) = &args.summary_json {
        output::check_output(path)?;
    }
    let Some(protocol) = load_for_evaluation(ctx, args.protocol.protocol.as_deref())? else {
        return Ok(Status::ProtocolInvalid);
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = args.jobs.unwrap_or(cores).clamp(1, max_jobs(cores));
    if args.jobs.is_some_and(|j| j > jobs) && !args.quiet {
        eprintln!("note: --jobs is capped at {jobs} ({JOBS_PER_CORE} per core on this machine)");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs} worker threads: {e}")))?;
    let opts = Options { timeline: args.timeline, explain: args.explain, max_errors: args.max_errors };
    let mut sink = Sink::create(args.output.as_deref(), args.format, protocol.clone(), args.source)?;
    let progress = output::progress_bar(args.quiet, inputs.total_bytes());
    let mut summary = Summary::new(protocol.model().phases.iter().map(|p| p.id.clone()).collect());

    // A reader thread fills the next chunk while the pool evaluates this one: reading and
    // evaluating overlap, and at most two chunks are in memory.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Item>, Error>>(1);
    let mut reader = inputs.reader();
    let result = std::thread::scope(|scope| -> Result<(), Error> {
        scope.spawn(move || {
            loop {
                let mut chunk = Vec::with_capacity(CHUNK);
                let end = loop {
                    if chunk.len() == CHUNK {
                        break false;
                    }
                    match reader.next_item() {
                        Ok(Some(item)) => chunk.push(item),
                        Ok(None) => break true,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                };
                if (!chunk.is_empty() && tx.send(Ok(chunk)).is_err()) || end {
                    return;
                }
            }
        });
        for chunk in rx {
            let chunk = chunk?;
            let outcomes: Vec<(Outcome, u64)> =
                pool.install(|| chunk.par_iter().map(|item| (evaluate_item(&protocol, item, &opts), item.bytes)).collect());
            for (outcome, bytes) in &outcomes {
                summary.add(outcome);
                sink.write(outcome)?;
                progress.inc(*bytes);
            }
            progress.set_message(format!("{} logs", summary.read));
        }
        Ok(())
    });
    result?;
    progress.finish_and_clear();
    sink.finish()?;
    if let Some(path) = &args.summary_json {
        let text = serde_json::to_string_pretty(&summary.to_json(&protocol.reference())).unwrap_or_default() + "\n";
        std::fs::write(path, text).map_err(|e| Error::Write { path: path.clone(), source: e })?;
    }
    if !args.quiet {
        eprint!("{}", summary.text());
    }
    Ok(if summary.errors > 0 { Status::LogFailed } else { Status::Ok })
}
