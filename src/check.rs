//! Raw syntax → checked model. Every stage accumulates diagnostics instead of stopping at the
//! first, so one `stepwise check` run reports every problem; the model is only built when
//! there are no errors.

pub mod build;
pub mod calls;
pub mod dose;
pub mod every_error;
pub mod lex;
pub mod library;
pub mod lint;
pub mod log;
pub mod names;
pub mod scripts;
#[cfg(test)]
pub mod testing;
pub mod yields;

use crate::diagnostic::Diagnostics;
use crate::load::LoadedFiles;
use crate::script::CompiledProtocol;
use crate::source::SourceMap;

/// Loads, validates, compiles and lints a protocol. Returns the compiled protocol when there
/// are no errors (warnings do not block), and every diagnostic found: every error of every
/// stage, or, when there is none, every warning.
pub fn protocol(sources: &SourceMap, files: &LoadedFiles, lints: Lints) -> (Option<CompiledProtocol>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let Some(protocol) = build::build(sources, files, &mut diags) else {
        return (None, diags);
    };
    let compiled = scripts::compile(sources, protocol, &mut diags);
    if diags.has_errors() {
        return (None, diags);
    }
    // Lints run once there are no errors: on a protocol with errors their warnings mostly echo
    // them (a misspelt exercise id leaves the real exercise unused, a rule calling an unknown
    // function seems to read nothing).
    if let (Some(c), Lints::Run) = (&compiled, lints) {
        lint::lint(sources, &c.protocol, &mut diags);
    }
    (compiled, diags)
}

/// Whether to run the lints. `check` does; `next` and `batch` only need the errors, and
/// skipping the warnings keeps a single `next` quick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lints {
    Run,
    Skip,
}
