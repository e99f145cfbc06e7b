//! Loading the protocol for a command: the embedded default or `--protocol DIR`, checked and
//! compiled once.

use std::path::Path;

use crate::check;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::render::render;
use crate::error::Error;
use crate::load;
use crate::script::CompiledProtocol;
use crate::source::SourceMap;

use super::Ctx;

pub struct Loaded {
    pub compiled: Option<CompiledProtocol>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn load(sources: &mut SourceMap, dir: Option<&Path>, lints: check::Lints) -> Result<Loaded, Error> {
    let files = match dir {
        Some(d) => load::folder(sources, d)?,
        None => load::embedded(sources),
    };
    let (compiled, diags) = check::protocol(sources, &files, lints);
    Ok(Loaded { compiled, diagnostics: diags.into_sorted() })
}

/// Loads a protocol for evaluation; on errors prints them (warnings are left to `check`) and
/// returns `None`.
pub fn load_for_evaluation(ctx: Ctx, sources: &mut SourceMap, dir: Option<&Path>) -> Result<Option<CompiledProtocol>, Error> {
    let loaded = load(sources, dir, check::Lints::Skip)?;
    if loaded.compiled.is_none() {
        let errors: Vec<Diagnostic> = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
        eprint!("{}", render(&errors, sources, ctx.messages, ctx.color));
        eprintln!("error: the protocol has {} error(s); run `stepwise check` for details", errors.len());
    }
    Ok(loaded.compiled)
}
