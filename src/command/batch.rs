//! `stepwise batch`: a clinic's caseload. The protocol is compiled once; logs stream in
//! chunks through a thread pool and out in input order, so memory stays flat however many
//! patients there are and the output is the same on any number of threads. A bad log becomes
//! an error record; it never stops, hides or corrupts another patient's answer.

pub mod chunk;
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
use crate::load::log_text::Origin;
use chunk::{Chunk, Item};
use output::{Records, Sink};
use summary::{Summary, Tally};

/// `--jobs` is capped at this many threads per core: evaluation is CPU-bound, so more only
/// costs memory (`u64::MAX` threads aborted the process).
pub const JOBS_PER_CORE: usize = 4;

fn max_jobs(cores: usize) -> usize {
    cores.max(1).saturating_mul(JOBS_PER_CORE)
}

/// The result for one input log.
pub enum Outcome {
    Answer { answer: Box<Answer>, origin: Origin },
    Error { origin: Origin, patient: Option<String>, error: Box<LogError> },
}

/// Evaluates one log of a chunk: the very same library call as `next`.
pub fn evaluate_item(protocol: &Protocol, chunk: &Chunk, item: &Item, opts: &Options) -> Outcome {
    let name = item.origin.file.as_str();
    let text = chunk.text(item);
    let result = match &text {
        Err(problem) => Err(LogError::unreadable_because(name, problem)),
        Ok(text) => protocol.answer_in(name, text, item.format, item.origin.line.map_or(0, |l| l - 1), opts),
    };
    match result {
        Ok(a) => Outcome::Answer { answer: Box::new(a), origin: item.origin.clone() },
        Err(e) => Outcome::Error {
            origin: item.origin.clone(),
            patient: text.ok().and_then(crate::render::record::patient_hint),
            error: Box::new(e),
        },
    }
}

/// Refuses option combinations that cannot work, before any input is read: the same file for
/// the results and the summary, or a trace in a CSV row. Split out of [`run`].
fn check_args(args: &BatchArgs, outputs: &[&std::path::Path]) -> Result<(), Error> {
    if let [a, b] = outputs[..]
        && input::identity(a).is_some_and(|id| input::identity(b) == Some(id))
    {
        return Err(Error::Usage(format!("`{}` is named both for the results and for the summary", a.display())));
    }
    if args.format == crate::cli::BatchFormat::Csv && (args.explain || args.timeline) {
        return Err(Error::Usage("--explain and --timeline need --format jsonl: a CSV row has no room for a trace or a timeline".into()));
    }
    Ok(())
}

/// The worker pool and its size: `--jobs` (default: one per core), capped at
/// [`JOBS_PER_CORE`] per core with a note. Split out of [`run`].
fn worker_pool(args: &BatchArgs) -> Result<(rayon::ThreadPool, usize), Error> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let jobs = args.jobs.unwrap_or(cores).clamp(1, max_jobs(cores));
    if args.jobs.is_some_and(|j| j > jobs) && !args.quiet {
        eprintln!("note: --jobs is capped at {jobs} ({JOBS_PER_CORE} per core on this machine)");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs} worker threads: {e}")))?;
    Ok((pool, jobs))
}

/// `stepwise batch`: every input log answered, one record each, in input order.
pub fn run(ctx: Ctx, args: &BatchArgs) -> Result<Status, Error> {
    let output = output::named_file(args.output.as_deref());
    if args.summary_json.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        return Err(Error::Usage("--summary-json needs a file name: standard output carries the results".into()));
    }
    let outputs: Vec<&std::path::Path> = output.into_iter().chain(args.summary_json.as_deref()).collect();
    check_args(args, &outputs)?;
    let inputs = input::plan(&args.inputs, &outputs)?;
    if let Some(path) = &args.summary_json {
        output::check_output(path)?;
    }
    let Some(protocol) = load_for_evaluation(ctx, args.protocol.protocol.as_deref())? else {
        return Ok(Status::ProtocolInvalid);
    };
    let (pool, jobs) = worker_pool(args)?;
    let opts = Options { timeline: args.timeline, explain: args.explain, max_errors: args.max_errors };
    let mut sink = Sink::create(output, args.format)?;
    let records = Records { format: args.format, protocol: protocol.clone(), with_source: args.source };
    let progress = output::progress_bar(args.quiet, inputs.total_bytes());
    let mut summary = Summary::new(protocol.model().phases.iter().map(|p| p.id.clone()).collect());

    // A reader thread fills the next chunk while the pool answers this one: reading and
    // answering overlap. Chunks go back to the reader once written, so the same three buffers
    // serve the whole run. The workers render the records and free each answer themselves;
    // this thread only counts and writes.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Chunk>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Chunk>();
    let mut reader = inputs.reader();
    let result = std::thread::scope(|scope| -> Result<(), Error> {
        scope.spawn(move || {
            loop {
                let chunk = empty_rx.try_recv().unwrap_or_else(|_| Chunk::for_workers(jobs));
                let Some(chunk) = reader.next_chunk(chunk) else { return };
                if full_tx.send(chunk).is_err() {
                    return;
                }
            }
        });
        for chunk in full_rx {
            let done: Vec<(Tally, String, u64)> = pool.install(|| {
                chunk
                    .items
                    .par_iter()
                    .map(|item| {
                        let outcome = evaluate_item(&protocol, &chunk, item, &opts);
                        (Tally::of(&outcome), records.render(&outcome), item.bytes)
                    })
                    .collect()
            });
            for (tally, record, bytes) in done {
                summary.add(tally);
                sink.write(&record)?;
                progress.inc(bytes);
            }
            progress.set_message(format!("{} logs", summary.read));
            // The reader may have finished: then the chunk comes back in the error and is freed.
            drop(empty_tx.send(chunk));
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
