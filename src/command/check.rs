//! `stepwise check`: load, validate, lint and compile the whole protocol (and any logs given
//! with `--log`, which are also evaluated), print every diagnostic, and say whether it is all
//! clear.

use std::sync::Arc;

use crate::check::log::{LogFormat, read, validate};
use crate::cli::CheckArgs;
use crate::diagnostic::Diagnostics;
use crate::diagnostic::render::{DiagnosticFormat, render};
use crate::error::Error;
use crate::eval::{EvalOptions, evaluate};
use crate::exit::Status;
use crate::source::SourceMap;

use super::Ctx;
use super::next::eval_diagnostic;
use super::protocol::load;

pub fn run(ctx: Ctx, args: &CheckArgs) -> Result<Status, Error> {
    let mut sources = SourceMap::default();
    let loaded = load(&mut sources, args.protocol.protocol.as_deref(), crate::check::Lints::Run)?;
    let mut diags = Diagnostics::default();
    diags.extend(loaded.diagnostics);
    let mut logs_checked = 0;
    if let Some(c) = &loaded.compiled {
        for path in &args.log {
            let name = path.display().to_string();
            let text = match super::batch::input::read_log_text(path, true) {
                Ok(text) => text,
                Err(e) if e.is_io() => return Err(Error::io(path, e.into_io())),
                Err(e) => {
                    diags.push(super::next::unreadable(&mut sources, &name, &e));
                    logs_checked += 1;
                    continue;
                }
            };
            let format = LogFormat::from_path(&name);
            let source = sources.add(name, text);
            match read(source, &sources.get(source).text, format, 0) {
                Ok(raw) => {
                    // A valid log is also evaluated, session by session, so that a script that
                    // fails on its values (E0304) shows up here rather than in a clinic's batch.
                    if let Some(log) = validate(source, raw, &c.protocol, &mut diags) {
                        let opts = EvalOptions { timeline: true, explain: false };
                        let budget = crate::script::engine::script_budget();
                        if let Err(e) = crate::script::engine::with_time_budget(budget, || evaluate(c, Arc::new(log), &opts)) {
                            diags.push(eval_diagnostic(&sources, &e));
                        }
                    }
                }
                Err(d) => diags.push(*d),
            }
            logs_checked += 1;
        }
    }
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    let sorted = diags.into_sorted();
    let rendered = render(&sorted, &sources, args.format, ctx.color);
    if args.format == DiagnosticFormat::Json {
        print!("{rendered}");
    } else {
        eprint!("{rendered}");
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    if args.format != DiagnosticFormat::Json {
        match &loaded.compiled {
            Some(c) if !failed => {
                let p = &c.protocol;
                let logs = if logs_checked > 0 { format!(", {logs_checked} log(s)") } else { String::new() };
                let warn = if warnings > 0 { format!(", {warnings} warning(s)") } else { String::new() };
                println!(
                    "ok: protocol `{}` {} ({}): {}, {}, {}{logs}{warn}",
                    p.manifest.id,
                    p.manifest.version,
                    crate::diagnostic::escape_controls(&p.origin),
                    count(p.phases.len(), "phase"),
                    count(p.templates.len(), "exercise"),
                    count(p.rules.len(), "rule")
                );
            }
            _ => {
                let reason = if errors > 0 { "" } else { " (warnings are denied)" };
                eprintln!("error: found {errors} error(s) and {warnings} warning(s){reason}");
            }
        }
    }
    Ok(if failed { Status::Problems } else { Status::Ok })
}

/// `1 phase`, `3 phases`.
fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
