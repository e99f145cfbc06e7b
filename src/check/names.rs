//! Static checks of the names a script uses on the API's values, which Rhai only finds when a
//! rule runs (or never: a misspelt exercise id in a string just never matches):
//! - every property read with `.name` is one the API's values have (a session, its pain, the
//!   log, the maps they return), a key of a map literal the scripts write, or any key of `rom`
//!   and `measures` (clinic-defined); `params.NAME` is checked elsewhere;
//! - every string passed where an exercise id is expected (`did`, `exercise`, `days_since`) is
//!   one of the protocol's exercises, and every symptom name (`has_symptom`) is in the log
//!   contract's vocabulary.

use std::collections::BTreeSet;

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Protocol, Script};
use crate::source::SourceMap;
use crate::vocab::log::Symptom;

use super::lex::{Kind, Token, calls};
use super::lexed::Lexed;
use crate::model::script_place::script_offset_loc;

/// Keys of the maps the API returns (intake, an exercise, a review, a spike, a beyond-plan
/// entry): readable as properties besides the API's own.
const MAP_KEYS: [&str; 23] = [
    "onset",
    "cause",
    "provider_cleared",
    "goals",
    "id",
    "sets",
    "reps",
    "hold_s",
    "load_kg",
    "minutes",
    "completed",
    "level",
    "token",
    "category",
    "impact",
    "by",
    "note",
    "cleared",
    "not_cleared",
    "longest",
    "spike",
    "what",
    "ratio",
];

/// Keys of map literals (`#{ key: value }`) written anywhere in the protocol's scripts.
pub fn literal_keys<'a>(scripts: impl Iterator<Item = &'a Script>, lexed: &Lexed<'_>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for s in scripts {
        let toks = lexed.of(s);
        for w in toks.windows(2) {
            if let [key, colon] = w
                && (key.is_ident() || key.kind == Kind::Str)
                && colon.is(":")
            {
                keys.insert(key.str_value().unwrap_or(key.text).to_string());
            }
        }
    }
    keys
}

fn known_property(name: &str, literal: &BTreeSet<String>) -> bool {
    super::calls::is_property(name) || MAP_KEYS.contains(&name) || literal.contains(name)
}

/// Checks the property names and the exercise ids and symptoms named in `script`.
pub fn check(
    sources: &SourceMap,
    protocol: &Protocol,
    script: &Script,
    toks: &[Token<'_>],
    literal: &BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    for (i, t) in toks.iter().enumerate() {
        let after_dot = i.checked_sub(1).and_then(|b| toks.get(b)).is_some_and(|b| b.is(".") || b.is("?."));
        let is_call = toks.get(i + 1).is_some_and(|n| n.is("("));
        if !t.is_ident() || !after_dot || is_call {
            continue;
        }
        // `params.NAME` is checked against the parameters; `rom.X` and `measures.X` name
        // whatever the clinic measures.
        let owner = i.checked_sub(2).and_then(|o| toks.get(o)).map_or("", |o| o.text);
        if ["params", "rom", "measures"].contains(&owner) || known_property(t.text, literal) {
            continue;
        }
        let candidates: Vec<&str> = super::calls::properties().chain(MAP_KEYS).collect();
        diags.push(
            Diagnostic::new(Code::UnknownLogField, format!("unknown property `{}`", t.text))
                .at(script.source, script_offset_loc(sources, script, t.offset, t.text.len()))
                .label("no value of the API has this property")
                .help_opt(help_for(t.text, "properties", candidates)),
        );
    }
    for call in calls(toks) {
        let Some(arg) = call.args.first().and_then(|r| toks.get(r.clone()).and_then(|a| if let [a] = a { Some(a) } else { None })) else {
            continue;
        };
        let Some(value) = arg.str_value() else { continue };
        match call.name.text {
            "did" | "exercise" | "days_since" if protocol.template_index(value).is_none() => {
                diags.push(
                    string_error(sources, script, arg, Code::UnknownExercise, format!("unknown exercise `{value}`")).help_opt(help_for(
                        value,
                        "the protocol's exercises",
                        protocol.templates.iter().map(|t| t.id.as_str()),
                    )),
                );
            }
            "has_symptom" if !Symptom::ALL.iter().any(|s| s.as_str() == value) => {
                diags.push(
                    string_error(sources, script, arg, Code::UnknownLogField, format!("unknown symptom `{value}`")).help_opt(help_for(
                        value,
                        "the contract's symptoms",
                        Symptom::ALL.iter().map(|s| s.as_str()),
                    )),
                );
            }
            _ => {}
        }
    }
}

fn string_error(sources: &SourceMap, script: &Script, arg: &Token<'_>, code: Code, message: String) -> Diagnostic {
    Diagnostic::new(code, message).at(script.source, script_offset_loc(sources, script, arg.offset, arg.text.len())).label("not defined")
}
