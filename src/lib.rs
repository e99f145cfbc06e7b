//! stepwise: a rule engine for rehabilitation exercise progression.
//!
//! The library's API is [`Protocol`] (load a protocol once, answer any number of logs),
//! [`Checked`] (a protocol's diagnostics, as `stepwise check` shows them) and the types they
//! hand out; everything else is internal (`pub(crate)`). Inside, data flows load → check →
//! compile → evaluate → render, each arrow a change of type (docs/architecture.md). `main`
//! only calls [`run`].

/// Appends formatted text to a `String` (`put!(s, "{x}")`), as `write!` does but without a
/// `Result` to drop at every call: `fmt::Write for String` never fails by itself (only a
/// `Display` impl that returns an error could make it fail, and the values formatted into the
/// crate's texts are its own and std's, which never do). Writes that can fail for real, to
/// stdout or a file, go through `io::Write` and surface their errors (`command/batch/output.rs`).
/// Also what `s.push_str(&format!(..))` becomes: no temporary `String`.
macro_rules! put {
    ($s:expr, $($arg:tt)*) => {{
        use $crate::PutFmt as _;
        $s.put_fmt(format_args!($($arg)*))
    }};
}

/// `put!` with a newline after the text, as `writeln!`.
macro_rules! putln {
    ($s:expr) => {
        put!($s, "\n")
    };
    // Not `concat!($fmt, "\n")`: a literal built by `concat!` loses inline `{name}` captures.
    ($s:expr, $($arg:tt)*) => {
        put!($s, "{}\n", format_args!($($arg)*))
    };
}

/// `eprint!` that never panics: std's panics when standard error cannot be written
/// (`2>/dev/full`, a closed pipe), which turned a finished batch into exit 101. A message that
/// cannot be shown is lost; the run and its exit code are not. Shadows std's in this crate.
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        std::io::stderr().write_fmt(format_args!($($arg)*)).ok();
    }};
}

/// `eprintln!` that never panics (see `eprint!`).
macro_rules! eprintln {
    () => {
        eprint!("\n")
    };
    ($($arg:tt)*) => {
        eprint!("{}\n", format_args!($($arg)*))
    };
}

/// What `put!` calls: see there why no `Result` comes back.
pub(crate) trait PutFmt {
    fn put_fmt(&mut self, args: std::fmt::Arguments<'_>);
}

impl PutFmt for String {
    fn put_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        // `String::write_str` always returns `Ok(())`: the only error `write_fmt` can report
        // is one a `Display` impl made up, and none of the formatted values does.
        std::fmt::Write::write_fmt(self, args).unwrap_or(());
    }
}

pub mod alloc;
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
pub(crate) mod num;
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

/// The status after printing help, a version or a usage error: a full disk or a device that
/// refuses the text (`--help > /dev/full`) is an error (exit 2), as for every other output; a
/// closed pipe (`stepwise --help | head -1`) is not, as with every command.
fn help_written(written: std::io::Result<()>, status: exit::Status) -> exit::Status {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write `<stdout>`: {e}");
            exit::Status::Usage
        }
        _ => status,
    }
}

/// Parses the command line and runs the command.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    use clap::Parser;
    let args: Vec<OsString> = args.into_iter().collect();
    // `stepwise --version` alone answers without building the command line's parser (most of
    // what it cost beyond starting the process); the text is clap's own, as a test checks.
    if let [_, flag] = args.as_slice()
        && (flag == "--version" || flag == "-V")
    {
        use std::io::Write;
        let written = writeln!(std::io::stdout().lock(), "stepwise {}", cli::VERSION);
        return help_written(written, exit::Status::Ok).into();
    }
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let status = if e.use_stderr() { exit::Status::Usage } else { exit::Status::Ok };
            return help_written(e.print(), status).into();
        }
    };
    command::dispatch(cli).into()
}
