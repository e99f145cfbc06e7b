//! The helper functions a protocol defines in its `.rhai` files, indexed for static analysis:
//! their names and arities (for unknown-function checks) and their bodies, so that a lint can
//! see what a rule reads through the helpers it calls ("does this progress rule read pain?").

use std::collections::BTreeSet;

use super::lex::{Token, calls, fn_defs, tokens};
use crate::model::protocol::Helper;

/// One helper function.
#[derive(Debug)]
pub struct LibFn<'a> {
    pub name: &'a str,
    pub arity: usize,
    pub params: Vec<&'a str>,
    pub body: Vec<Token<'a>>,
}

/// Every helper function of a protocol. Rhai tells functions apart by name and arity, so one
/// name may be defined more than once.
#[derive(Debug, Default)]
pub struct Library<'a> {
    pub fns: Vec<LibFn<'a>>,
}

impl<'a> Library<'a> {
    pub fn new(helpers: &'a [Helper]) -> Library<'a> {
        let mut fns = Vec::new();
        for h in helpers {
            let toks = tokens(&h.script.text);
            for def in fn_defs(&toks) {
                fns.push(LibFn { name: def.name.text, arity: def.params.len(), params: def.params, body: toks[def.body].to_vec() });
            }
        }
        Library { fns }
    }

    /// The definitions of `name` (any arity).
    pub fn get(&self, name: &str) -> impl Iterator<Item = &LibFn<'a>> {
        self.fns.iter().filter(move |f| f.name == name)
    }

    pub fn defines(&self, name: &str) -> bool {
        self.get(name).next().is_some()
    }

    pub fn names(&self) -> impl Iterator<Item = &'a str> + Clone + '_ {
        self.fns.iter().map(|f| f.name)
    }

    /// The tokens of `script` followed by the bodies of every helper function it calls,
    /// directly or through other helpers (each body once, so recursion ends).
    pub fn reach(&self, script: &[Token<'a>]) -> Vec<Token<'a>> {
        let mut out = script.to_vec();
        let mut seen = BTreeSet::new();
        let mut pending: Vec<&str> = calls(script).iter().map(|c| c.name.text).collect();
        while let Some(name) = pending.pop() {
            if !seen.insert(name) {
                continue;
            }
            for f in self.get(name) {
                pending.extend(calls(&f.body).iter().map(|c| c.name.text));
                out.extend_from_slice(&f.body);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::protocol::Script;
    use crate::source::{Loc, SourceId};

    fn helper(text: &str) -> Helper {
        Helper { path: "rules/h.rhai".into(), script: Script { text: text.into(), source: SourceId(0), loc: Loc::UNKNOWN, block: true } }
    }

    #[test]
    fn reach_follows_calls_through_helpers() {
        let helpers = [helper("fn a(s) { b(s) + 1 }\nfn b(s) { s.pain.after }\nfn c() { a(c()) }")];
        let lib = Library::new(&helpers);
        assert_eq!(lib.fns.iter().map(|f| (f.name, f.arity)).collect::<Vec<_>>(), [("a", 1), ("b", 1), ("c", 0)]);
        let script = tokens("a(last) > 2");
        let reached: Vec<&str> = lib.reach(&script).iter().map(|t| t.text).collect();
        assert!(reached.contains(&"pain"));
        let script = tokens("c()");
        assert!(lib.reach(&script).iter().any(|t| t.text == "pain"), "recursion ends and still reaches b");
    }
}
