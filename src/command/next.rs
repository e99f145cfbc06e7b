//! `stepwise next LOG`: load → check → evaluate one log → render one answer.

use std::io::Write;
use std::sync::Arc;

use crate::check::log::{LogFormat, read, validate};
use crate::cli::{AnswerFormat, NextArgs};
use crate::diagnostic::render::render;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::eval::{EvalOptions, evaluate};
use crate::exit::Status;
use crate::render as answer_render;
use crate::source::SourceMap;

use super::Ctx;
use super::protocol::load_for_evaluation;

pub fn run(ctx: Ctx, args: &NextArgs) -> Result<Status, Error> {
    let mut sources = SourceMap::default();
    let Some(compiled) = load_for_evaluation(ctx, &mut sources, args.protocol.protocol.as_deref())? else {
        return Ok(Status::ProtocolInvalid);
    };
    let name = args.log.display().to_string();
    let text = match super::batch::input::read_log_text(&args.log, true) {
        Ok(text) => text,
        Err(e) if e.is_io() => return Err(Error::io(&args.log, e.into_io())),
        Err(e) => {
            let d = unreadable(&mut sources, &name, &e);
            eprint!("{}", render(&[d], &sources, ctx.messages, ctx.color));
            return Ok(Status::LogFailed);
        }
    };
    let format = LogFormat::from_path(&name);
    let source = sources.add(name, text);

    let mut diags = Diagnostics::default();
    let log = match read(source, &sources.get(source).text, format, 0) {
        Ok(raw) => validate(source, raw, &compiled.protocol, &mut diags),
        Err(d) => {
            diags.push(*d);
            None
        }
    };
    let Some(log) = log else {
        eprint!("{}", render(&diags.into_sorted(), &sources, ctx.messages, ctx.color));
        return Ok(Status::LogFailed);
    };
    let opts = EvalOptions { timeline: args.timeline, explain: args.explain };
    let budget = crate::script::engine::script_budget();
    match crate::script::engine::with_time_budget(budget, || evaluate(&compiled, Arc::new(log), &opts)) {
        Ok(answer) => {
            let out = match args.format {
                AnswerFormat::Text => answer_render::text(&answer, &compiled.protocol),
                AnswerFormat::Json => answer_render::json_line(&answer),
                AnswerFormat::Yaml => crate::syntax::yaml::to_string(&answer),
            };
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(out.as_bytes());
            Ok(Status::Ok)
        }
        Err(e) => {
            let d = eval_diagnostic(&sources, &e);
            eprint!("{}", render(&[d], &sources, ctx.messages, ctx.color));
            Ok(Status::LogFailed)
        }
    }
}

/// A log whose bytes are not text stepwise reads (not UTF-8, too large): E0609 on its file,
/// the same words as the batch error record.
pub fn unreadable(sources: &mut SourceMap, name: &str, e: &super::batch::input::TextError) -> Diagnostic {
    let source = sources.add(name, "");
    Diagnostic::new(crate::diagnostic::Code::LogUnreadable, format!("cannot read the log: {}", e.message()))
        .at(source, crate::source::Loc::UNKNOWN)
        .help("check the file: a log is a regular, readable UTF-8 file of at most 64 MiB")
}

/// A failed evaluation as a diagnostic pointing into the script that failed.
pub fn eval_diagnostic(sources: &SourceMap, e: &crate::eval::EvalError) -> Diagnostic {
    let loc = crate::check::scripts::map_position(sources, &e.script, e.position);
    Diagnostic::new(crate::diagnostic::Code::ScriptRuntime, e.to_string())
        .at(e.script.source, loc)
        .label("failed here")
        .help("fix the script, or check the log values it reads (missing values are `()`: use `??` for a default)")
}
