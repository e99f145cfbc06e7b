//! Static checks of the calls in a script (rule conditions, phase gates and `.rhai` helper
//! files): every function called must exist, helpers must get as many arguments as they take,
//! and session fields given by name (`values(xs, "pain.after")`) must be fields a session has.
//!
//! Rhai finds none of these at compile time: an unknown function fails only when the rule
//! runs, maybe months later on one patient's log. So `check` finds them here, each at its
//! line and column inside the YAML file, with "did you mean".

use crate::diagnostic::suggest::{did_you_mean, help_for};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::Script;
use crate::source::SourceMap;
use crate::vocab::script::{FIELDS, FUNCTIONS};

use super::lex::{Call, Kind, Token, calls, fn_defs};
use super::library::Library;
use crate::model::script_place::script_offset_loc;

/// Rhai's own functions in the packages `script::engine::sandboxed` registers (core, logic,
/// basic math, arrays, maps, more strings), operators and property getters left out. Curated
/// rather than asked of the engine at run time, which needs Rhai's `metadata` feature; the
/// test `builtins_match_the_engine` asks the engine (tests build with `metadata`) and fails
/// when a Rhai upgrade or a package change makes this list drift.
pub const RHAI_BUILTINS: [&str; 124] = [
    "E",
    "PI",
    "abs",
    "acos",
    "acosh",
    "all",
    "append",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "bits",
    "bytes",
    "ceiling",
    "chars",
    "chop",
    "clear",
    "contains",
    "cos",
    "cosh",
    "crop",
    "debug",
    "dedup",
    "drain",
    "end",
    "ends_with",
    "exit",
    "exp",
    "extract",
    "fill_with",
    "filter",
    "find",
    "find_map",
    "floor",
    "for_each",
    "fraction",
    "get",
    "hypot",
    "index_of",
    "insert",
    "int",
    "is_anonymous",
    "is_empty",
    "is_even",
    "is_exclusive",
    "is_finite",
    "is_inclusive",
    "is_infinite",
    "is_nan",
    "is_odd",
    "is_zero",
    "keys",
    "len",
    "ln",
    "log",
    "make_lower",
    "make_upper",
    "map",
    "mixin",
    "name",
    "order",
    "order_by",
    "order_desc",
    "pad",
    "parse_float",
    "parse_int",
    "parse_json",
    "pop",
    "print",
    "push",
    "range",
    "reduce",
    "reduce_rev",
    "remove",
    "replace",
    "retain",
    "reverse",
    "round",
    "set",
    "set_tag",
    "shift",
    "sign",
    "sin",
    "sinh",
    "sleep",
    "some",
    "sort",
    "sort_by",
    "sort_desc",
    "splice",
    "split",
    "split_rev",
    "sqrt",
    "start",
    "starts_with",
    "sub_string",
    "tag",
    "take",
    "tan",
    "tanh",
    "to_binary",
    "to_blob",
    "to_chars",
    "to_debug",
    "to_degrees",
    "to_float",
    "to_hex",
    "to_int",
    "to_json",
    "to_lower",
    "to_octal",
    "to_radians",
    "to_string",
    "to_upper",
    "trim",
    "truncate",
    "zip",
    "type_of",
    "Fn",
    "call",
    "curry",
    "is_shared",
    "is_def_fn",
    "is_def_var",
];

/// How many of [`RHAI_BUILTINS`] the engine handles itself rather than through a package
/// (`type_of`, `Fn`, `call`, ...): they are the list's tail, and the engine does not list them.
#[cfg(test)]
const KEYWORD_FUNCTIONS: usize = 7;

/// Properties of the log, a session and its pain ratings (`log.pain_trend`, `last.fatigue`):
/// read without parentheses, so a call `last.fatigue()` gets a hint.
const PROPERTIES: [&str; 39] = [
    "after",
    "before",
    "beyond_plan",
    "consecutive_training_days",
    "date",
    "day",
    "days_since_start",
    "decision",
    "during",
    "exercises",
    "fatigue",
    "intake",
    "kind",
    "last",
    "last_review",
    "longest_recent_minutes",
    "measures",
    "minutes",
    "next_day",
    "pain",
    "pain_baseline",
    "pain_trend",
    "patient",
    "planned",
    "personal_baseline",
    "previous_weekly_minutes",
    "review",
    "rom",
    "rom_side_deficit",
    "session_count",
    "sessions",
    "start",
    "stopped",
    "symptoms",
    "training_gap",
    "training_minutes",
    "usual_training_gap",
    "weekly_minutes",
    "worst",
];

/// The API functions that take a session field by name, and which argument it is when called
/// as a method (`xs.values("pain.after")`); as a plain call it is one later.
const FIELD_FUNCTIONS: [&str; 4] = ["values", "all_have", "slope", "previous_values"];

/// A property of the API's values (`last.fatigue`, `log.pain_trend`).
pub(crate) fn is_property(name: &str) -> bool {
    PROPERTIES.contains(&name)
}

/// Every property of the API's values, for did-you-mean.
pub(crate) fn properties() -> impl Iterator<Item = &'static str> {
    PROPERTIES.into_iter()
}

pub fn is_builtin(name: &str) -> bool {
    FUNCTIONS.contains(&name) || RHAI_BUILTINS.contains(&name)
}

/// A field name `values`, `all_have`, `slope` and `previous_values` accept: one of
/// [`FIELDS`], with `rom.NAME` and `measures.NAME` standing for any name.
// `.NAME` below is the placeholder of a field path, not a file extension.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
fn is_field(field: &str) -> bool {
    if let Some(name) = field.strip_prefix("rom.").or_else(|| field.strip_prefix("measures.")) {
        return !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    }
    FIELDS.contains(&field) && !field.ends_with(".NAME")
}

fn field_help(field: &str) -> Option<String> {
    if let Some((prefix, name)) = field.split_once('.')
        && let Some(group) = did_you_mean(prefix, ["rom", "measures"])
    {
        if name.is_empty() {
            return Some(format!("name the value, e.g. `{group}.hip_flexion`"));
        }
        return Some(format!("did you mean `{group}.{name}`?"));
    }
    help_for(field, "session fields", FIELDS.iter().copied())
}

/// Most arguments one call may pass: no function of the API or of Rhai takes more than a few,
/// and Rhai's search for a function of 20,000 arguments never returned to the time budget.
pub const MAX_CALL_ARGS: usize = 32;

/// Checks every call in `script`.
pub fn check(sources: &SourceMap, script: &Script, toks: &[Token<'_>], lib: &Library<'_>, diags: &mut Diagnostics) {
    let variables = variables(toks);
    for call in calls(toks) {
        let name = call.name.text;
        if call.arity() > MAX_CALL_ARGS {
            diags.push(
                Diagnostic::new(Code::ScriptSyntax, format!("a call of `{name}` with {} arguments: at most {MAX_CALL_ARGS}", call.arity()))
                    .at(script.source, script_offset_loc(sources, script, call.name.offset, name.len()))
                    .label("too many arguments")
                    .help("pass a list (`[a, b, c]`) instead of many arguments"),
            );
            continue;
        }
        if matches!(name, "eval" | "and" | "or" | "not") || variables.contains(&name) {
            // `eval` is disabled in the engine, and Rhai's compiler reports it (E0301), as it
            // reports `a and (b)` (with a hint to write `&&`): neither is a second mistake. A
            // variable may hold a function pointer, which Rhai lets a script call by name.
            continue;
        }
        if lib.defines(name) && !is_builtin(name) {
            check_arity(sources, script, lib, &call, diags);
        } else if !is_builtin(name) {
            let candidates = lib.names().chain(FUNCTIONS).chain(RHAI_BUILTINS);
            let property = (call.method && call.args.is_empty() && PROPERTIES.contains(&name))
                .then(|| format!("`{name}` is a property: write `.{name}` without `()`"));
            let help = property.or_else(|| did_you_mean(name, candidates).map(|s| format!("did you mean `{s}`?"))).unwrap_or_else(|| {
                format!("call a function of the stepwise API or of Rhai, or define `{name}` in a `.rhai` file under rules/")
            });
            diags.push(
                Diagnostic::new(Code::UnknownFunction, format!("unknown function `{name}`"))
                    .at(script.source, script_offset_loc(sources, script, call.name.offset, name.len()))
                    .label("no such function")
                    .help(help),
            );
        }
        if FIELD_FUNCTIONS.contains(&name) {
            check_field(sources, script, toks, &call, diags);
        }
    }
}

/// Names the script declares: `let`/`const` variables and function parameters.
fn variables<'a>(toks: &[Token<'a>]) -> Vec<&'a str> {
    let mut out: Vec<&str> = toks
        .windows(2)
        .filter_map(|w| match w {
            [decl, name] if (decl.is("let") || decl.is("const")) && name.is_ident() => Some(name.text),
            _ => None,
        })
        .collect();
    out.extend(fn_defs(toks).into_iter().flat_map(|d| d.params));
    out
}

fn check_arity(sources: &SourceMap, script: &Script, lib: &Library<'_>, call: &Call<'_>, diags: &mut Diagnostics) {
    let given = call.arity();
    if lib.get(call.name.text).any(|f| f.arity == given) {
        return;
    }
    let Some(def) = lib.get(call.name.text).next() else { return };
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let mut d = Diagnostic::new(
        Code::UnknownFunction,
        format!(
            "function `{}` takes {} {}, but {given} {} given",
            def.name,
            def.arity,
            plural(def.arity),
            if given == 1 { "is" } else { "are" }
        ),
    )
    .at(script.source, script_offset_loc(sources, script, call.name.offset, call.name.text.len()))
    .label("wrong number of arguments")
    .help(format!("the helper is defined as `{}({})`", def.name, def.params.join(", ")));
    if call.method {
        d = d.note("a method call passes the value before the dot as the first argument");
    }
    diags.push(d);
}

fn check_field(sources: &SourceMap, script: &Script, toks: &[Token<'_>], call: &Call<'_>, diags: &mut Diagnostics) {
    let literal = call.args.iter().find_map(|r| match toks.get(r.clone()).unwrap_or_default() {
        [t] if t.kind == Kind::Str => Some(*t),
        _ => None,
    });
    let Some(lit) = literal else { return };
    let Some(field) = lit.str_value() else { return };
    if is_field(field) {
        return;
    }
    diags.push(
        Diagnostic::new(Code::UnknownLogField, format!("unknown session field `{field}`"))
            .at(script.source, script_offset_loc(sources, script, lit.offset, lit.text.len()))
            .label(format!("`{}` reads session fields by name", call.name.text))
            .help_opt(field_help(field)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{codes, diagnostics};

    #[test]
    fn builtins_match_the_engine() {
        let engine = crate::script::engine::sandboxed();
        let mut listed: Vec<String> = engine
            .gen_fn_signatures(true)
            .iter()
            .filter_map(|s| s.split('(').next())
            .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_') && *n != "get_fn_metadata_list")
            .map(str::to_string)
            .collect();
        listed.sort();
        listed.dedup();
        let mut known: Vec<String> =
            RHAI_BUILTINS[..RHAI_BUILTINS.len() - KEYWORD_FUNCTIONS].iter().chain(&FUNCTIONS).map(|s| (*s).to_string()).collect();
        known.sort();
        known.dedup();
        assert_eq!(listed, known, "update RHAI_BUILTINS (or vocab::script::FUNCTIONS) to what the engine registers");
    }

    #[test]
    fn properties_are_getters_of_the_engine() {
        let engine = crate::script::engine::sandboxed();
        let getters: Vec<String> =
            engine.gen_fn_signatures(true).iter().filter_map(|s| s.strip_prefix("get$")?.split('(').next().map(str::to_string)).collect();
        for p in PROPERTIES {
            assert!(getters.iter().any(|g| g == p), "`{p}` is not a property any more: update PROPERTIES");
        }
    }

    #[test]
    fn a_property_called_as_a_method_gets_a_hint() {
        assert_eq!(
            rule_diags("log.pain_trend() <= 0.0"),
            ["E0204 5:11 unknown function `pain_trend` | `pain_trend` is a property: write `.pain_trend` without `()`"]
        );
    }

    #[test]
    fn keyword_functions_compile_and_run() {
        let engine = crate::script::engine::sandboxed();
        let r = engine.eval::<bool>(r#"type_of(1) == "i64" && is_def_var("x") == false && Fn("f").name == "f""#);
        assert_eq!(r.ok(), Some(true));
    }

    const RULE: &str = "rules:\n  - id: r\n    description: d\n    when: |\n      WHEN\n    then: { decision: hold }\n    source: s\n";

    fn rule_diags(when: &str) -> Vec<String> {
        let d = diagnostics(&[("rules/r.yaml", &RULE.replace("WHEN", when)), ("rules/h.rhai", "fn twice(x) { x * 2 }\n")]);
        d.iter()
            .filter(|d| matches!(d.code, Code::UnknownFunction | Code::UnknownLogField))
            .map(|d| format!("{} {}:{} {} | {}", d.code.id(), d.loc.line, d.loc.col, d.message, d.help.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn unknown_function_with_a_suggestion() {
        assert_eq!(
            rule_diags("log.recnt(3).len() > 0 && twise(1) > 1"),
            ["E0204 5:11 unknown function `recnt` | did you mean `recent`?", "E0204 5:33 unknown function `twise` | did you mean `twice`?",]
        );
        assert_eq!(
            rule_diags("frobnicate()"),
            [
                "E0204 5:7 unknown function `frobnicate` | call a function of the stepwise API or of Rhai, or define `frobnicate` in a `.rhai` file under rules/"
            ]
        );
    }

    #[test]
    fn known_functions_pass() {
        assert!(rule_diags("twice(2) > 1 && log.recent(3).len() > 0 && abs(-1) == 1 && [1].map(|x| x + 1).len() == 1").is_empty());
    }

    #[test]
    fn function_pointers_in_variables_may_be_called() {
        assert!(rule_diags("let pick = Fn(\"twice\"); pick(2) > 1").is_empty());
    }

    #[test]
    fn helper_called_with_the_wrong_number_of_arguments() {
        assert_eq!(
            rule_diags("twice(1, 2) > 0"),
            ["E0204 5:7 function `twice` takes 1 argument, but 2 are given | the helper is defined as `twice(x)`"]
        );
        assert!(rule_diags("last.twice() > 0").is_empty());
    }

    #[test]
    fn unknown_session_field() {
        assert_eq!(
            rule_diags(r#"log.sessions.values("pain.aftr").len() > 0"#),
            [r"E0205 5:27 unknown session field `pain.aftr` | did you mean `pain.after`?"]
        );
        assert_eq!(
            rule_diags(r#"slope(log.sessions, "measure.plank_s") == ()"#),
            [r"E0205 5:27 unknown session field `measure.plank_s` | did you mean `measures.plank_s`?"]
        );
        assert!(rule_diags(r#"log.previous_values("rom.hip_flexion", 2).len() > 0 && all_have(log.sessions, "fatigue")"#).is_empty());
        assert!(
            codes(&diagnostics(&[("rules/r.yaml", &RULE.replace("WHEN", r#"values(log.sessions, "rom.") == []"#))])).contains(&"E0205")
        );
    }
}
