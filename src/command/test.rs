//! `stepwise test [FILTER]`: runs a protocol's test cases (`cases/` beside `plans/` and
//! `rules/`, docs/cases.md) and reports like `cargo test`; `--coverage` says which rules and
//! phase gates the cases exercise, `--min-coverage PCT` fails below a bar.

pub mod report;
pub mod runner;

use std::path::PathBuf;

use crate::cases::coverage::{Collector, percent_text};
use crate::cases::files::load_suite;
use crate::cli::{TestArgs, TestFormat};
use crate::engine::ProtocolSource;
use crate::error::Error;
use crate::exit::Status;

use super::Ctx;
use super::protocol::load_for_evaluation;

pub fn run(ctx: Ctx, args: &TestArgs) -> Result<Status, Error> {
    let Some(dir) = protocol_dir(args)? else {
        return Err(Error::Usage(
            "no protocol folder: run `stepwise test` in a protocol folder (holding plans/, rules/ and cases/) or give --protocol DIR"
                .into(),
        ));
    };
    let cases_dir = dir.join("cases");
    if !cases_dir.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` has no cases: a protocol's test cases live in cases/ beside plans/ and rules/ (docs/cases.md)",
            dir.display()
        )));
    }
    let Some(protocol) = load_for_evaluation(ctx, Some(&dir))? else {
        return Ok(Status::ProtocolInvalid);
    };
    let suite = load_suite(&dir);
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
fn protocol_dir(args: &TestArgs) -> Result<Option<PathBuf>, Error> {
    Ok(args.protocol.protocol.clone().or_else(ProtocolSource::discover))
}
