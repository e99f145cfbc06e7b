//! Loading the protocol for a command: the embedded default or `--protocol DIR`, checked and
//! compiled once.

use std::path::{Path, PathBuf};

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

/// The folder to load when `--protocol` is not given: `STEPWISE_PROTOCOL`, else the current
/// folder or the nearest parent holding both `plans/` and `rules/` (as cargo and just look for
/// their manifests), else none: the embedded protocol.
pub fn discover() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STEPWISE_PROTOCOL").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors().find(|d| d.join("plans").is_dir() && d.join("rules").is_dir()).map(Path::to_path_buf)
}

pub fn load(sources: &mut SourceMap, dir: Option<&Path>, lints: check::Lints) -> Result<Loaded, Error> {
    let found = if dir.is_none() { discover() } else { None };
    let dir = dir.or(found.as_deref());
    let files = match dir {
        Some(d) => load::folder(sources, d)?,
        None => load::embedded(sources),
    };
    let (mut compiled, diags) = check::protocol(sources, &files, lints);
    if let (Some(c), Some(d)) = (compiled.as_mut(), dir)
        && let Some(p) = std::sync::Arc::get_mut(&mut c.protocol)
    {
        p.origin = d.display().to_string();
    }
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
