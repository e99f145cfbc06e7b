//! `stepwise next LOG`: load → check → evaluate one log → render one answer, all through the
//! library API. A log that cannot be answered prints its errors on stderr; with
//! `--format json` it also prints the error record batch would write, on stdout, so a tool
//! reading stdout always gets one JSON object.

use crate::cli::{AnswerFormat, NextArgs};
use crate::engine::LogError;
use crate::error::Error;
use crate::exit::Status;

use super::Ctx;
use super::protocol::load_for_evaluation;

pub fn run(ctx: Ctx, args: &NextArgs) -> Result<Status, Error> {
    let Some(protocol) = load_for_evaluation(ctx, args.protocol.protocol.as_deref())? else {
        return Ok(Status::ProtocolInvalid);
    };
    let name = args.log.display().to_string();
    let result = match crate::load::log_text::read_log_text(&args.log, true) {
        Ok(text) => protocol.answer_text(
            &name,
            &text,
            &crate::Options { timeline: args.timeline, explain: args.explain, max_errors: args.max_errors },
        ),
        Err(e) if e.is_io() => return Err(Error::io(&args.log, e.into_io())),
        Err(e) => Err(LogError::unreadable(&name, &e)),
    };
    match result {
        Ok(answer) => {
            let out = protocol.render_answer(&answer, args.format);
            super::write_stdout(out.as_bytes())?;
            Ok(Status::Ok)
        }
        Err(e) => {
            eprint!("{}", protocol.render_log_error(&e, ctx.messages, ctx.color));
            if args.format == AnswerFormat::Json {
                let origin = crate::load::log_text::Origin { file: name, line: None };
                super::write_stdout(protocol.error_record(&origin, &e).as_bytes())?;
            }
            Ok(Status::LogFailed)
        }
    }
}
