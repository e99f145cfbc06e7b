//! The helper functions a protocol defines in its `.rhai` files, indexed for static analysis:
//! their names and arities (for unknown-function checks) and their bodies, so that a lint can
//! see what a rule reads through the helpers it calls ("does this progress rule read pain?").

use std::collections::{BTreeMap, BTreeSet};

use super::lex::{Token, calls, fn_defs};
use super::lexed::Lexed;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Helper, Script};
use crate::model::script_place::script_offset_loc;
use crate::source::SourceMap;

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
    /// The functions of the helper files, given as their tokens (see [`Library::of`]).
    pub fn new<'t>(helpers: impl IntoIterator<Item = &'t [Token<'a>]>) -> Library<'a>
    where
        'a: 't,
    {
        let mut fns = Vec::new();
        for toks in helpers {
            for def in fn_defs(toks) {
                fns.push(LibFn {
                    name: def.name.text,
                    arity: def.params.len(),
                    params: def.params,
                    body: toks.get(def.body).unwrap_or_default().to_vec(),
                });
            }
        }
        Library { fns }
    }

    /// The functions of a protocol's helper files, from the tokens of its scripts.
    pub fn of(helpers: &'a [Helper], lexed: &Lexed<'a>) -> Library<'a> {
        Library::new(helpers.iter().map(|h| lexed.of(&h.script)))
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

/// Names a script may define functions under. A function defined in a script takes precedence
/// over a registered one, so a helper `fn has_symptom(s, name) { false }` would silently switch
/// off every red-flag rule: a definition may never take the name of a stepwise API function or
/// of a Rhai built-in. And a helper name defined in two helper files is ambiguous (the last file
/// would win, silently): both places are reported.
pub fn check_definitions(sources: &SourceMap, helpers: &[Helper], others: &[&Script], lexed: &Lexed<'_>, diags: &mut Diagnostics) {
    let mut first_file: BTreeMap<&str, (&Script, usize)> = BTreeMap::new();
    let scripts = helpers.iter().map(|h| (&h.script, true)).chain(others.iter().map(|s| (*s, false)));
    for (script, is_helper) in scripts {
        let toks = lexed.of(script);
        let mut here: BTreeSet<&str> = BTreeSet::new();
        for def in fn_defs(toks) {
            let name = def.name.text;
            let loc = script_offset_loc(sources, script, def.name.offset, name.len());
            if super::calls::is_builtin(name) {
                diags.push(
                    Diagnostic::new(Code::DuplicateId, format!("function `{name}` has the name of a built-in function"))
                        .at(script.source, loc)
                        .label("would replace the built-in")
                        .help(format!("rename the helper: `{name}` is a function of the stepwise API or of Rhai, and rules rely on it"))
                        .note("a script function takes precedence over a built-in, so it could switch off a safety rule unseen"),
                );
                continue;
            }
            if !is_helper || !here.insert(name) {
                continue;
            }
            match first_file.get(name) {
                Some((first, offset)) => {
                    let at = script_offset_loc(sources, first, *offset, name.len());
                    diags.push(
                        Diagnostic::new(Code::DuplicateId, format!("function `{name}` is defined in two helper files"))
                            .at(script.source, loc)
                            .label("second definition")
                            .note(format!("first defined at {}:{}:{}", sources.get(first.source).name, at.line, at.col))
                            .help("rename one of them or remove the copy: otherwise the last file read would win"),
                    );
                }
                None => {
                    first_file.insert(name, (script, def.name.offset));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lex::tokens;
    use crate::model::protocol::Script;
    use crate::source::{Loc, SourceId};

    fn helper(text: &str) -> Helper {
        Helper { path: "rules/h.rhai".into(), script: Script { text: text.into(), source: SourceId(0), loc: Loc::UNKNOWN, block: true } }
    }

    #[test]
    fn reach_follows_calls_through_helpers() {
        let helpers = [helper("fn a(s) { b(s) + 1 }\nfn b(s) { s.pain.after }\nfn c() { a(c()) }")];
        let toks: Vec<_> = helpers.iter().map(|h| tokens(&h.script.text)).collect();
        let lib = Library::new(toks.iter().map(Vec::as_slice));
        assert_eq!(lib.fns.iter().map(|f| (f.name, f.arity)).collect::<Vec<_>>(), [("a", 1), ("b", 1), ("c", 0)]);
        let script = tokens("a(last) > 2");
        let reached: Vec<&str> = lib.reach(&script).iter().map(|t| t.text).collect();
        assert!(reached.contains(&"pain"));
        let script = tokens("c()");
        assert!(lib.reach(&script).iter().any(|t| t.text == "pain"), "recursion ends and still reaches b");
    }
}
