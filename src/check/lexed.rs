//! Every script of a protocol tokenized once. The static script checks (`calls`, `names`,
//! `library`) and the lints each read the tokens of the same scripts; tokenizing a script
//! again for every check cost time on each load, so a pass builds one [`Lexed`] and hands it
//! to every check it runs.

use std::collections::HashMap;

use crate::model::protocol::{Protocol, Script};

use super::lex::{Token, tokens};

/// The tokens of each script of one protocol, found by the script itself (its address in the
/// model: every script a check is given is borrowed from that same model).
pub struct Lexed<'p> {
    by_script: HashMap<*const Script, Vec<Token<'p>>>,
}

/// Every script of a protocol: helper files, each rule's condition and criteria, each phase's
/// exit gate (in that order, the order the checks report in).
pub fn scripts(p: &Protocol) -> impl Iterator<Item = &Script> {
    p.helpers
        .iter()
        .map(|h| &h.script)
        .chain(p.rules.iter().flat_map(super::super::model::protocol::Rule::scripts))
        .chain(p.phases.iter().filter_map(|ph| ph.exit.as_ref().map(|e| &e.script)))
}

impl<'p> Lexed<'p> {
    pub fn new(p: &'p Protocol) -> Lexed<'p> {
        Lexed { by_script: scripts(p).map(|s| (std::ptr::from_ref(s), tokens(&s.text))).collect() }
    }

    /// The tokens of `script`, a script of the protocol this was built from (any other script
    /// has none: [`scripts`] lists every script the model holds).
    pub fn of(&self, script: &Script) -> &[Token<'p>] {
        self.by_script.get(&std::ptr::from_ref(script)).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_of_the_model_has_its_tokens() {
        let protocol = crate::engine::Protocol::embedded().unwrap();
        let p = protocol.model();
        let lexed = Lexed::new(p);
        let mut n = 0;
        for s in scripts(p) {
            assert_eq!(lexed.of(s), tokens(&s.text).as_slice());
            n += 1;
        }
        assert!(n > 10 && lexed.by_script.len() == n);
    }
}
