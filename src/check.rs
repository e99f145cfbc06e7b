//! Raw syntax → checked model. Every stage accumulates diagnostics instead of stopping at the
//! first, so one `stepwise check` run reports every problem; the model is only built when
//! there are no errors.

pub mod build;
pub mod dose;
pub mod lint;
pub mod log;
pub mod scripts;

use crate::diagnostic::Diagnostics;
use crate::load::LoadedFiles;
use crate::model::protocol::Protocol;
use crate::script::CompiledProtocol;
use crate::source::SourceMap;

/// Loads, validates, lints and compiles a protocol. Returns the compiled protocol when there
/// are no errors (warnings do not block), and every diagnostic found.
pub fn protocol(sources: &SourceMap, files: &LoadedFiles) -> (Option<CompiledProtocol>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let Some(protocol) = build::build(sources, files, &mut diags) else {
        return (None, diags);
    };
    let compiled = scripts::compile(sources, protocol, &mut diags);
    if let Some(c) = &compiled {
        lint::lint(sources, files, c, &mut diags);
    }
    if diags.has_errors() {
        return (None, diags);
    }
    (compiled, diags)
}

/// Helper for the build: the model, before scripts are compiled.
pub type Model = Protocol;
