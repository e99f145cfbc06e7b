//! stepwise: a rule engine for rehabilitation exercise progression.
//!
//! Data flows load → check → compile → evaluate → render; each arrow is a change of type:
//! [`load`] finds the files, [`syntax`] reads them with locations, [`check`] builds the
//! [`model`] and compiles the [`script`]s, [`eval`] answers one log, [`render`] writes the
//! answer. Commands are in [`command`]; `main` only calls [`run`].

pub mod cases;
pub mod check;
pub mod cli;
pub mod command;
pub mod diagnostic;
pub mod digest;
pub mod engine;
pub mod error;
pub mod eval;
pub mod exit;
pub mod load;
pub mod model;
pub mod provenance;
pub mod render;
pub mod report;
pub mod script;
pub mod source;
pub mod syntax;

pub use diagnostic::render::DiagnosticFormat;
pub use engine::{AnswerFormat, Checked, LoadError, LogError, Options, Protocol, ProtocolSource};
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
