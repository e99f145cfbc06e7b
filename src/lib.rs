//! stepwise: a rule engine for rehabilitation exercise progression.
//!
//! The library's API is [`Protocol`] (load a protocol once, answer any number of logs),
//! [`Checked`] (a protocol's diagnostics, as `stepwise check` shows them) and the types they
//! hand out; everything else is internal (`pub(crate)`). Inside, data flows load → check →
//! compile → evaluate → render, each arrow a change of type (docs/architecture.md). `main`
//! only calls [`run`].

pub(crate) mod cases;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod command;
pub(crate) mod diagnostic;
pub(crate) mod digest;
pub mod engine;
pub(crate) mod error;
pub(crate) mod eval;
pub(crate) mod exit;
pub(crate) mod load;
pub(crate) mod model;
pub(crate) mod provenance;
pub(crate) mod render;
pub(crate) mod report;
pub(crate) mod script;
pub(crate) mod source;
pub(crate) mod syntax;
pub(crate) mod vocab;

pub use diagnostic::render::DiagnosticFormat;
pub use diagnostic::{Code, Diagnostic, Severity};
pub use engine::{
    AnswerFormat, Checked, LoadError, LogError, LogFormat, Options, Origin, Protocol, ProtocolSource, TextError, read_log_text,
};
pub use eval::Answer;

use std::ffi::OsString;
use std::process::ExitCode;

/// Parses the command line and runs the command.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    use clap::Parser;
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::Status::Usage.into() } else { exit::Status::Ok.into() };
        }
    };
    command::dispatch(cli).into()
}
