//! Compiles every script of a checked protocol once, at load: helper files, rule conditions,
//! criteria and phase gates, into a [`CompiledProtocol`]. Rhai's positions are mapped back
//! into the YAML (or .rhai) file, so a syntax error or an unknown variable is reported at its
//! own line and column inside the rule file. The static checks Rhai's compiler does not make
//! (unknown functions, parameters, yields) are `check`'s.

use std::sync::Arc;

use rhai::{AST, Dynamic, Engine, ParseError, ParseErrorType, Position, Scope};

use super::{CompiledProtocol, SCOPE_NAMES, engine};
use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Protocol, Script};
use crate::model::script_place::map_line_col;
use crate::source::{Loc, SourceMap};
use crate::syntax::serde_message::backticks;
use crate::vocab::protocol::ParamValue;

/// The scope every script is compiled against: the names exist (strict variables), their
/// values do not matter at compile time. They are plain variables, not constants: the
/// optimiser would fold a constant's placeholder value into the script.
pub fn compile_scope() -> Scope<'static> {
    let mut scope = Scope::new();
    for name in SCOPE_NAMES {
        scope.push(name, Dynamic::UNIT);
    }
    scope
}

/// Maps a Rhai position inside `script` to a location in its file (see `model::script_place`).
/// Rhai keeps a line in 16 bits and saturates it at 65,535, so a position on that line may lie
/// further down: it is then approximate (the rest of the mapping holds).
pub fn map_position(sources: &SourceMap, script: &Script, pos: Position) -> Loc {
    match pos.line() {
        Some(line) => map_line_col(sources, script, line, pos.position().unwrap_or(1)),
        None => script.loc,
    }
}

/// What a protocol author most likely meant, for the mistakes people bring from other
/// languages: `and`/`or`/`not` (Rhai writes `&&`, `||`, `!`) and a statement left without its
/// `;` before the next line.
fn syntax_hint(script: &Script, pos: rhai::Position) -> Option<String> {
    let (line, col) = (pos.line()?, pos.position().unwrap_or(1));
    let lines: Vec<&str> = script.text.lines().collect();
    let here = lines.get(line - 1)?;
    let word: String = here.chars().skip(col.saturating_sub(1)).take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let symbol = match word.as_str() {
        "and" => Some(("and", "&&")),
        "or" => Some(("or", "||")),
        "not" => Some(("not", "!")),
        _ => None,
    };
    if let Some((word, symbol)) = symbol {
        return Some(format!("Rhai writes `{word}` as `{symbol}`"));
    }
    // Only an error at the start of a line says the statement before it did not end.
    let indent = here.chars().take_while(|c| c.is_whitespace()).count();
    let punctuation = here.chars().skip(indent).take_while(|c| matches!(c, '!' | '-' | '(')).count();
    if col > indent + punctuation + 1 {
        return None;
    }
    let previous = lines.iter().take(line - 1).rev().map(|l| l.trim()).find(|l| !l.is_empty() && !l.starts_with("//"))?;
    let ends_open = previous.ends_with([';', '{', '}', '(', '[', ',', '|', '&', '+', '-', '*', '/', '=', '<', '>', '!']);
    (!ends_open).then(|| format!("the line before (`{}`) may be missing a `;` at its end", crate::diagnostic::shorten(previous)))
}

fn parse_diagnostic(sources: &SourceMap, script: &Script, err: &ParseError) -> Diagnostic {
    let loc = map_position(sources, script, err.position());
    let (code, message, help) = match err.err_type() {
        ParseErrorType::VariableUndefined(name) => (
            Code::UnknownVariable,
            format!("unknown variable `{name}`"),
            help_for(name, "scripts see", SCOPE_NAMES.iter().copied())
                .or_else(|| Some("scripts see `log`, `last`, `params`, `phase` and `days_in_phase`; declare others with `let`".into())),
        ),
        other if other.to_string().contains("'eval'") => {
            (Code::ScriptSyntax, "`eval` is not allowed in protocol scripts".into(), Some("write the expression directly".into()))
        }
        other => {
            let text = backticks(&other.to_string());
            let mut m = text.chars();
            let first = m.next().map(|c| c.to_lowercase().collect::<String>()).unwrap_or_default();
            (Code::ScriptSyntax, format!("{first}{}", m.as_str()).trim_end_matches('.').to_string(), syntax_hint(script, err.position()))
        }
    };
    let mut loc = loc;
    if let (ParseErrorType::VariableUndefined(name), true) = (err.err_type(), script.block) {
        // Underline the name alone, not the property path after it.
        loc.len = name.len();
    }
    let mut d = Diagnostic::new(code, message).at(script.source, loc).label("here").help_opt(help);
    if !script.block {
        d = d.note("the position inside a quoted or folded script is approximate: write scripts as `|` blocks");
    }
    d
}

fn param_value(v: &ParamValue) -> Dynamic {
    match v {
        ParamValue::Bool(b) => Dynamic::from_bool(*b),
        ParamValue::Int(i) => Dynamic::from_int(*i),
        ParamValue::Float(f) => Dynamic::from_float(*f),
        ParamValue::Text(s) => Dynamic::from(s.clone()),
    }
}

fn compile_one(engine: &Engine, sources: &SourceMap, script: &Script, name: &str, lib: &AST, diags: &mut Diagnostics) -> Option<AST> {
    let scope = compile_scope();
    match engine.compile_with_scope(&scope, &script.text) {
        Ok(ast) => {
            let mut merged = lib.merge(&ast);
            merged.set_source(name);
            Some(merged)
        }
        Err(e) => {
            diags.push(parse_diagnostic(sources, script, &e));
            None
        }
    }
}

/// The rules from the most conservative decision down, and whether an earlier session of a
/// replay may stop at the first decision fired (see [`CompiledProtocol::settles_early`]).
fn replay_order(protocol: &Protocol) -> (Vec<usize>, bool) {
    let mut order: Vec<usize> = (0..protocol.rules.len()).collect();
    order.sort_by_key(|&i| protocol.rules.get(i).map(|r| r.decision));
    let settles_early = protocol.rules.iter().all(|r| r.decision == crate::vocab::decision::Decision::Rest || r.rest_days.is_none());
    (order, settles_early)
}

/// Compiles helpers, rules and gates; `None` when any script fails to compile. `parsed` is
/// called for each rule condition, criterion and exit gate that compiles, with what it is in
/// words: `check` asks there whether the script yields a boolean, which is asked only of a
/// script that parses (a syntax error's follow-on, a `let` left last by a missing `;`, is not
/// a second mistake). The caller runs `check`'s static script checks before this, and keeps
/// the result only when there is no error at all.
pub fn compile(
    sources: &SourceMap,
    protocol: Protocol,
    diags: &mut Diagnostics,
    mut parsed: impl FnMut(&Script, &str, &mut Diagnostics),
) -> Option<CompiledProtocol> {
    let mut engine = engine::sandboxed();
    let errors_before = diags.error_count();

    let mut lib = AST::empty();
    for helper in &protocol.helpers {
        match engine.compile_with_scope(&compile_scope(), &helper.script.text) {
            // Only the functions of a helper file are kept: top-level statements would run
            // before every rule and are not part of the helper contract.
            Ok(ast) => lib = lib.merge(&ast.clone_functions_only()),
            Err(e) => diags.push(parse_diagnostic(sources, &helper.script, &e)),
        }
    }

    let mut rules = Vec::new();
    let mut criteria = Vec::new();
    for rule in &protocol.rules {
        // Whether a script yields a boolean is asked only of a script that parses: a syntax
        // error's follow-on (a `let` left last by a missing `;`) is not a second mistake.
        if let Some(ast) = compile_one(&engine, sources, &rule.when, &rule.id, &lib, diags) {
            parsed(&rule.when, &format!("the condition of rule `{}`", rule.id), diags);
            rules.push(ast);
        }
        let mut asts = Vec::new();
        for c in &rule.criteria {
            if let Some(ast) = compile_one(&engine, sources, &c.script, &format!("{} {}", rule.id, c.id), &lib, diags) {
                parsed(&c.script, &format!("criterion `{}` of rule `{}`", c.id, rule.id), diags);
                asts.push(ast);
            }
        }
        criteria.push(asts);
    }
    let mut exits = Vec::new();
    for phase in &protocol.phases {
        let ast = phase.exit.as_ref().and_then(|exit| {
            let ast = compile_one(&engine, sources, &exit.script, &format!("phase {} exit", phase.id), &lib, diags);
            if ast.is_some() {
                parsed(&exit.script, &format!("the exit gate of phase `{}`", phase.id), diags);
            }
            ast
        });
        exits.push(ast);
    }
    if diags.error_count() > errors_before {
        return None;
    }
    let params: rhai::Map = protocol.parameters.iter().map(|p| (p.id.as_str().into(), param_value(&p.value))).collect();
    super::api::register_params(&mut engine, &params);
    let params = Dynamic::from(super::api::ParamsView(Arc::new(params)));
    let replays = protocol.rules.iter().any(|r| r.sticky) || {
        let texts = protocol
            .helpers
            .iter()
            .map(|h| &h.script.text)
            .chain(protocol.rules.iter().flat_map(|r| std::iter::once(&r.when.text).chain(r.criteria.iter().map(|c| &c.script.text))))
            .chain(protocol.phases.iter().filter_map(|ph| ph.exit.as_ref().map(|e| &e.script.text)));
        texts.into_iter().any(|t| t.contains("beyond_plan") || t.contains(".planned") || t.contains(".decision"))
    };
    let phase_ids = protocol.phases.iter().map(|ph| ph.id.as_str().into()).collect();
    let (severity_order, settles_early) = replay_order(&protocol);
    Some(CompiledProtocol {
        protocol: Arc::new(protocol),
        engine: Arc::new(engine),
        rules,
        criteria,
        exits,
        replays,
        severity_order,
        settles_early,
        params,
        phase_ids,
        id: super::next_id(),
    })
}
