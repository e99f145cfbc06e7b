//! The static checks of a protocol's scripts that Rhai's compiler does not make, run on the
//! checked model before the scripts are compiled (`script::compile`): unknown functions and
//! session fields (`calls`), unknown names (`names`), helper definitions (`library`) and
//! unknown `params.NAME`.

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Protocol, Script};
use crate::model::script_place::script_offset_loc;
use crate::source::SourceMap;

use super::calls;
use super::lexed::Lexed;
use super::library::Library;

/// `params.NAME` references in a script, with their byte offsets in the script text.
pub fn param_refs(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("params.") {
        let preceded = i.checked_sub(1).and_then(|b| bytes.get(b)).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        if preceded {
            continue;
        }
        let rest = &text[i + 7..];
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if len > 0 {
            out.push((i + 7, &rest[..len]));
        }
    }
    out
}

fn check_params(sources: &SourceMap, protocol: &Protocol, script: &Script, diags: &mut Diagnostics) {
    for (offset, name) in param_refs(&script.text) {
        if !protocol.parameters.iter().any(|p| p.id == name) {
            diags.push(
                Diagnostic::new(Code::UnknownParameter, format!("unknown parameter `{name}`"))
                    .at(script.source, script_offset_loc(sources, script, offset, name.len()))
                    .label("not defined under `parameters:`")
                    .help_opt(help_for(name, "defined parameters", protocol.parameters.iter().map(|p| p.id.as_str()))),
            );
        }
    }
}

/// What Rhai's compiler does not check: calls to unknown functions, session fields named in
/// strings, names and helper definitions (see `calls`, `names`, `library`), and unknown
/// `params.NAME`. Whether a condition yields true or false is asked later, of the scripts that
/// compile (`yields`, called back from `script::compile`).
pub fn check(sources: &SourceMap, protocol: &Protocol, diags: &mut Diagnostics) {
    // Each script is tokenized here once, for every check below.
    let lexed = Lexed::new(protocol);
    let lib = Library::of(&protocol.helpers, &lexed);
    let all = || super::lexed::scripts(protocol);
    let literal = super::names::literal_keys(all(), &lexed);
    for script in all() {
        super::names::check(sources, protocol, script, lexed.of(script), &literal, diags);
    }
    let others: Vec<&Script> =
        protocol.rules.iter().map(|r| &r.when).chain(protocol.phases.iter().filter_map(|p| p.exit.as_ref().map(|e| &e.script))).collect();
    super::library::check_definitions(sources, &protocol.helpers, &others, &lexed, diags);
    for helper in &protocol.helpers {
        calls::check(sources, &helper.script, lexed.of(&helper.script), &lib, diags);
    }
    for rule in &protocol.rules {
        calls::check(sources, &rule.when, lexed.of(&rule.when), &lib, diags);
        for c in &rule.criteria {
            calls::check(sources, &c.script, lexed.of(&c.script), &lib, diags);
        }
    }
    for phase in &protocol.phases {
        if let Some(exit) = &phase.exit {
            calls::check(sources, &exit.script, lexed.of(&exit.script), &lib, diags);
        }
    }
    for script in all() {
        check_params(sources, protocol, script, diags);
    }
}
