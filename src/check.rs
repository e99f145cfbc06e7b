//! Raw syntax → checked model. Every stage accumulates diagnostics instead of stopping at the
//! first, so one `stepwise check` run reports every problem; the model is only built when
//! there are no errors.

pub mod build;
pub mod calls;
pub mod dose;
pub mod every_error;
pub mod lex;
pub mod lexed;
pub mod library;
pub mod lint;
pub mod log;
pub mod names;
pub mod precompiled;
pub mod scripts;
#[cfg(test)]
pub mod testing;
pub mod yields;

use crate::diagnostic::Diagnostics;
use crate::load::LoadedFiles;
use crate::model::protocol::Protocol;
use crate::source::SourceMap;

/// Builds the checked model of a protocol and runs the static checks of its scripts. Returns
/// the model when it could be built (its scripts are compiled next, by `script::compile`,
/// even when the static checks found errors, so that one run reports syntax errors too); every
/// problem goes to `diags`. `engine` runs this, then the compile, then [`lint::lint`].
pub fn protocol(sources: &SourceMap, files: &LoadedFiles, diags: &mut Diagnostics) -> Option<Protocol> {
    let protocol = build::build(sources, files, diags)?;
    scripts::check(sources, &protocol, diags);
    Some(protocol)
}

/// Whether to run the lints. `check` does; `next` and `batch` only need the errors, and
/// skipping the warnings keeps a single `next` quick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lints {
    Run,
    Skip,
}
