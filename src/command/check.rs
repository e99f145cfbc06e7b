//! `stepwise check`: load, validate, lint and compile the whole protocol (and any logs given
//! with `--log`, which are also evaluated), print every diagnostic, and say whether it is all
//! clear.

use crate::cli::CheckArgs;
use crate::diagnostic::render::DiagnosticFormat;
use crate::engine::{Checked, LogError, ProtocolSource};
use crate::error::Error;
use crate::exit::Status;

use super::Ctx;

pub fn run(ctx: Ctx, args: &CheckArgs) -> Result<Status, Error> {
    let checked = Checked::load(&ProtocolSource::from_option(args.protocol.protocol.as_deref()), true)?;
    let mut errors = checked.error_count();
    let mut warnings = checked.diagnostics().len() - errors;
    let mut rendered = checked.render(checked.diagnostics(), args.format, ctx.color);
    let mut logs_checked = 0;
    if let Some(protocol) = checked.protocol() {
        // A valid log is also evaluated, session by session, so that a script that fails on
        // its values (E0304) shows up here rather than in a clinic's batch.
        let opts = crate::Options { timeline: true, explain: false };
        for path in &args.log {
            let name = path.display().to_string();
            let result = match super::batch::input::read_log_text(path, true) {
                Ok(text) => protocol.answer_text(&name, &text, &opts).map(drop),
                Err(e) if e.is_io() => return Err(Error::io(path, e.into_io())),
                Err(e) => Err(LogError { name, text: "".into(), line_offset: 0, diagnostics: vec![super::next::unreadable(&e)] }),
            };
            if let Err(e) = result {
                errors += e.diagnostics.iter().filter(|d| d.is_error()).count();
                warnings += e.diagnostics.iter().filter(|d| !d.is_error()).count();
                rendered += &protocol.render_log_error(&e, args.format, ctx.color);
            }
            logs_checked += 1;
        }
    }
    if args.format == DiagnosticFormat::Json {
        super::write_stdout(rendered.as_bytes())?;
    } else {
        eprint!("{rendered}");
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    if args.format != DiagnosticFormat::Json {
        match checked.protocol() {
            Some(protocol) if !failed => {
                let p = protocol.model();
                let logs = if logs_checked > 0 { format!(", {logs_checked} log(s)") } else { String::new() };
                let warn = if warnings > 0 { format!(", {warnings} warning(s)") } else { String::new() };
                let line = format!(
                    "ok: protocol `{}` {} ({}): {}, {}, {}{logs}{warn}\n",
                    p.manifest.id,
                    p.manifest.version,
                    crate::diagnostic::escape_controls(&p.origin),
                    count(p.phases.len(), "phase"),
                    count(p.templates.len(), "exercise"),
                    count(p.rules.len(), "rule")
                );
                super::write_stdout(line.as_bytes())?;
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
