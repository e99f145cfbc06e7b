//! Loading the protocol for a command through the library API ([`crate::Protocol`]): the
//! embedded default, `--protocol DIR`, or the one discovery finds; checked and compiled once.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::engine::{Checked, Protocol, ProtocolSource};
use crate::error::Error;

use super::Ctx;

/// Loads a protocol for evaluation; on errors prints them (warnings are left to `check`) and
/// returns `None`.
pub fn load_for_evaluation(ctx: Ctx, dir: Option<&Path>) -> Result<Option<Protocol>, Error> {
    let checked = Checked::load(&ProtocolSource::from_option(dir), false)?;
    match checked.into_protocol() {
        Ok(p) => Ok(Some(p)),
        Err(checked) => {
            let errors: Vec<Diagnostic> = checked.diagnostics().iter().filter(|d| d.is_error()).cloned().collect();
            eprint!("{}", checked.render(&errors, ctx.messages, ctx.color));
            eprintln!("error: the protocol has {} error(s); run `stepwise check` for details", errors.len());
            Ok(None)
        }
    }
}
