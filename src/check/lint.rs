//! Protocol lints: warnings about protocols that are legal but probably wrong or unsafe. Each
//! lint is one file under `lint/`, has a stable code (`W05xx`, documented in
//! docs/diagnostics.md) and runs on the checked model, whose ids keep where they were written.
//! Lints never stop a protocol from loading; `check --deny-warnings` makes them fail CI.

mod authoring;
mod dose_direction;
mod duplicate;
mod impact;
mod ladder;
mod pain;
mod reach;
pub mod red_flags;
mod unused;

use crate::diagnostic::Diagnostics;
use crate::model::protocol::Protocol;
use crate::source::SourceMap;

use super::lexed::Lexed;
use super::library::Library;

/// Returns the red flags (symptom, phase index) no referring rule names, which the answering
/// half of W0508 (`eval::probe`) then leaves out.
pub fn lint(sources: &SourceMap, p: &Protocol, diags: &mut Diagnostics) -> Vec<(String, usize)> {
    // Each script is tokenized here once, for every lint that reads tokens.
    let lexed = Lexed::new(p);
    let lib = Library::of(&p.helpers, &lexed);
    reach::lint(p, &lexed, diags);
    unused::lint(p, diags);
    ladder::lint(p, diags);
    duplicate::lint(sources, p, &lexed, diags);
    let unnamed = red_flags::lint(p, &lexed, &lib, diags);
    pain::lint(p, &lexed, &lib, diags);
    impact::lint(p, diags);
    authoring::lint(p, diags);
    dose_direction::lint(p, diags);
    unnamed
}
