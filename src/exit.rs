//! Exit statuses, documented in README.md ("Exit codes"). Scripts and CI depend on them, so
//! a value never changes meaning.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything answered, checked or passed.
    Ok = 0,
    /// `check` found errors (or warnings with `--deny-warnings`).
    Problems = 1,
    /// Bad command line, unreadable file, or an internal error.
    Usage = 2,
    /// The protocol is invalid: nothing was evaluated.
    ProtocolInvalid = 3,
    /// A patient log is invalid or its evaluation failed (`next`), or some logs were (`batch`:
    /// every other log was still answered).
    LogFailed = 4,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}
