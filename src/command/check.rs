//! `stepwise check`: load, validate, lint and compile the whole protocol (and any logs given
//! with `--log`, which are also evaluated), print every diagnostic, and say whether it is all
//! clear.

use crate::cli::CheckArgs;
use crate::diagnostic::render::DiagnosticFormat;
use crate::diagnostic::{Code, Diagnostic};
use crate::engine::{Checked, LogError, ProtocolSource};
use crate::error::Error;
use crate::exit::Status;

use super::Ctx;

pub fn run(ctx: Ctx, args: &CheckArgs) -> Result<Status, Error> {
    let format = args.format.unwrap_or(ctx.messages);
    let checked = Checked::load(&ProtocolSource::from_option(args.protocol.protocol.as_deref()), true)?;
    let mut errors = checked.error_count();
    let mut warnings = checked.diagnostics().len() - errors;
    let mut rendered = checked.render(checked.diagnostics(), format, ctx.color);
    if let (Some(rev), Some(protocol)) = (&args.base, checked.protocol()) {
        let dir = args.protocol.protocol.clone().or_else(ProtocolSource::discover).unwrap_or_else(|| ".".into());
        if let Some(d) = version_not_raised(&protocol, &dir, rev)? {
            warnings += 1;
            rendered += &checked.render(&[d], format, ctx.color);
        }
    }
    let mut logs_checked = 0;
    if let Some(protocol) = checked.protocol() {
        // A valid log is also evaluated, session by session, so that a script that fails on
        // its values (E0304) shows up here rather than in a clinic's batch.
        let opts = crate::Options { timeline: true, explain: false, max_errors: args.max_errors };
        for path in &args.log {
            let name = path.display().to_string();
            let text = match crate::load::log_text::read_log_text(path, true) {
                Ok(text) => text,
                Err(e) if e.is_io() => return Err(Error::io(path, e.into_io())),
                Err(e) => {
                    let e = LogError::unreadable(&name, &e);
                    errors += e.diagnostics.len();
                    rendered += &protocol.render_log_error(&e, format, ctx.color);
                    logs_checked += 1;
                    continue;
                }
            };
            // A JSON Lines file holds one log per line, each checked on its own.
            let records: Vec<(u32, &str)> = if crate::source::has_extension(&name, "jsonl") {
                text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (crate::num::count_u32(i), l)).collect()
            } else {
                vec![(0, text.as_str())]
            };
            let log_format = crate::LogFormat::from_path(&name);
            for (line_offset, record) in records {
                if let Err(e) = protocol.answer_in(&name, record, log_format, line_offset, &opts) {
                    errors += e.diagnostics.iter().filter(|d| d.is_error()).count();
                    warnings += e.diagnostics.iter().filter(|d| !d.is_error()).count();
                    rendered += &protocol.render_log_error(&e, format, ctx.color);
                }
                logs_checked += 1;
            }
        }
    }
    if format == DiagnosticFormat::Json {
        super::write_stdout(rendered.as_bytes())?;
    } else {
        eprint!("{rendered}");
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    if format != DiagnosticFormat::Json {
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

/// W0513 when the protocol's files differ from those at `rev` but the version is the same: a
/// change a clinician signs off needs a version that answers (and audits) can tell apart.
fn version_not_raised(protocol: &crate::Protocol, dir: &std::path::Path, rev: &str) -> Result<Option<Diagnostic>, Error> {
    let base = super::diff::git::protocol_at(dir, rev)?;
    let old = match Checked::load(&base, false)?.protocol() {
        Some(p) => p.reference(),
        // The base does not load (an older broken revision): nothing to compare against.
        None => return Ok(None),
    };
    let new = protocol.reference();
    if old.digest == new.digest || old.version != new.version {
        return Ok(None);
    }
    Ok(Some(
        Diagnostic::new(
            Code::VersionNotRaised,
            format!("the protocol's files changed since `{rev}`, but its version is still {}", new.version),
        )
        .help("raise `version:` in the protocol's manifest: patch for wording, minor for a new rule, major for changed decisions")
        .note(format!("`{rev}`: {}; now: {}", old.digest, new.digest)),
    ))
}

/// `1 phase`, `3 phases`.
fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
