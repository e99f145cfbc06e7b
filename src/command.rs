//! The verbs. Each is a function from its arguments to an exit status; output goes to stdout
//! and diagnostics to stderr.

pub mod batch;
pub mod check;
pub mod diff;
pub mod explain;
pub mod init;
pub mod list;
pub mod next;
pub mod protocol;
pub mod report;
pub mod schema;
pub mod test;

use std::io::IsTerminal;

use crate::cli::{Cli, ColorChoice, Command};
use crate::diagnostic::render::DiagnosticFormat;
use crate::exit::Status;

/// What every command needs besides its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Colour diagnostics on stderr.
    pub color: bool,
    /// How diagnostics are shown on stderr.
    pub messages: DiagnosticFormat,
}

fn color_enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal(),
    }
}

pub fn dispatch(cli: Cli) -> Status {
    let ctx = Ctx { color: color_enabled(cli.color), messages: cli.message_format };
    let result = match cli.command {
        Command::Next(args) => next::run(ctx, &args),
        Command::Batch(args) => batch::run(ctx, &args),
        Command::Check(args) => check::run(ctx, &args),
        Command::Report(args) => report::run(ctx, &args),
        Command::Schema(args) => schema::run(&args),
        Command::Test(args) => test::run(ctx, &args),
        Command::Diff(args) => diff::run(ctx, &args),
        Command::Init(args) => init::run(&args),
        Command::List(args) => list::run(ctx, &args),
        Command::Explain { code } => Ok(explain::run(&code)),
        Command::Completions { shell } => {
            // Generated into memory, then written as any output is: clap_complete panics when
            // its writer fails (`stepwise completions bash | head -c1`).
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "stepwise", &mut script);
            write_stdout(&script).map(|()| Status::Ok)
        }
    };
    result.unwrap_or_else(|e| {
        // A path or a revision named on the command line may carry terminal escapes.
        eprintln!("error: {}", crate::diagnostic::escape_controls(&e.to_string()));
        Status::Usage
    })
}

/// Writes a command's output to stdout. A closed pipe (`stepwise next log | head -1`) ends
/// quietly: the reader has what it wanted. Any other failure, such as a full disk behind a
/// redirect, is an error: output is never silently lost.
pub fn write_stdout(bytes: &[u8]) -> Result<(), crate::error::Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(crate::error::Error::Write { path: std::path::PathBuf::from("<stdout>"), source: e })
        }
        _ => Ok(()),
    }
}
