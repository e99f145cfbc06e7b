//! `stepwise test [FILTER]`: runs a protocol's test cases (`cases/` beside `plans/` and
//! `rules/`, docs/cases.md) and reports like `cargo test`; `--coverage` says which rules and
//! phase gates the cases exercise, `--min-coverage PCT` fails below a bar. Outside a protocol
//! folder it runs the embedded protocol's own cases.

pub mod report;
pub mod runner;

use std::path::PathBuf;

use crate::cases::coverage::{Collector, percent_text};
use crate::cases::files::{Suite, load_suite, load_text};
use crate::cli::{TestArgs, TestFormat};
use crate::engine::ProtocolSource;
use crate::error::Error;
use crate::exit::Status;

use super::Ctx;
use super::protocol::load_for_evaluation;

pub fn run(ctx: Ctx, args: &TestArgs) -> Result<Status, Error> {
    let (protocol, suite) = if let Some(dir) = protocol_dir(args) {
        // The protocol first: a folder that is no protocol at all says so, not "no cases".
        let Some(protocol) = load_for_evaluation(ctx, Some(&dir))? else {
            return Ok(Status::ProtocolInvalid);
        };
        if !dir.join("cases").is_dir() {
            return Err(Error::Usage(format!(
                "`{}` has no cases: a protocol's test cases live in cases/ beside plans/ and rules/ (docs/cases.md)",
                dir.display()
            )));
        }
        (protocol, load_suite(&dir))
    } else {
        // No protocol folder here: the embedded protocol and its own embedded cases.
        let Some(protocol) = load_for_evaluation(ctx, None)? else {
            return Ok(Status::ProtocolInvalid);
        };
        (protocol, embedded_suite())
    };
    let (results, filtered) = runner::run_suite(&protocol, &suite, args.filter.as_deref());
    let coverage = (args.coverage || args.min_coverage.is_some()).then(|| {
        let mut collector = Collector::default();
        for r in &results {
            if let Some(answer) = &r.answer {
                collector.add(&r.name, answer);
            }
        }
        collector.finish(protocol.model())
    });
    let shown = if args.coverage { coverage.as_ref() } else { None };
    let reference = protocol.reference();
    let out = match args.format {
        TestFormat::Text => report::text(&reference, &results, filtered, shown),
        TestFormat::Json => report::json(&reference, &results, filtered, shown),
    };
    super::write_stdout(out.as_bytes())?;
    let mut status = if results.iter().all(runner::CaseResult::passed) { Status::Ok } else { Status::Problems };
    if let (Some(bar), Some(c)) = (args.min_coverage, &coverage)
        && c.percent + 1e-9 < bar
    {
        eprintln!("error: the cases cover {} of the protocol's rules and phase gates, below --min-coverage {bar}", percent_text(c.percent));
        status = Status::Problems;
    }
    Ok(status)
}

/// `--protocol DIR`, else the folder discovery finds.
fn protocol_dir(args: &TestArgs) -> Option<PathBuf> {
    args.protocol.protocol.clone().or_else(ProtocolSource::discover)
}

/// The embedded protocol's cases, their logs read from the embedded examples.
fn embedded_suite() -> Suite {
    let files = super::init::files();
    let mut suite = Suite::default();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("cases/")) {
        let base = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        load_text(&mut suite, path, text, |rel| {
            let wanted = normalise(&format!("{base}/{rel}"));
            files
                .iter()
                .find(|(p, _)| *p == wanted)
                .map(|(p, t)| (p.clone(), t.clone()))
                .ok_or_else(|| format!("cannot read `{rel}`: not embedded"))
        });
    }
    suite
}

/// `cases/../examples/x.yaml` as `examples/x.yaml`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}
