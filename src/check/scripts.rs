//! Compiles every script of a protocol once, at load: helper files, rule conditions and phase
//! gates. Rhai's positions are mapped back into the YAML (or .rhai) file, so a syntax error or
//! an unknown variable is reported at its own line and column inside the rule file.

use std::sync::Arc;

use rhai::{AST, Dynamic, Engine, ParseError, ParseErrorType, Position, Scope};

use crate::diagnostic::suggest::help_for;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::{Protocol, Script};
use crate::script::{CompiledProtocol, SCOPE_NAMES, engine};
use crate::source::{Loc, SourceMap};
use crate::syntax::protocol::ParamValue;
use crate::syntax::serde_message::backticks;

use super::library::Library;
use super::{calls, yields};

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

/// Maps a Rhai position inside `script` to a location in its file. Block scalars keep their
/// text verbatim at a fixed indentation, so line and column simply add up.
/// Rhai keeps a line in 16 bits and saturates it at 65,535, so a position on that line may lie
/// further down: it is then approximate (the rest of the mapping holds).
pub fn map_position(sources: &SourceMap, script: &Script, pos: Position) -> Loc {
    match pos.line() {
        Some(line) => map_line_col(sources, script, line, pos.position().unwrap_or(1)),
        None => script.loc,
    }
}

/// Maps a 1-based line and column inside `script` (any size: no 16-bit squeeze) to its file.
fn map_line_col(sources: &SourceMap, script: &Script, line: usize, col: usize) -> Loc {
    if !script.block || line == 0 {
        return script.loc;
    }
    let file = sources.get(script.source);
    let (line, col) = within_script(&script.text, line, col.max(1));
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let line = script.loc.line.saturating_add(to_u32(line)).saturating_sub(1);
    let col = script.loc.col.saturating_add(to_u32(col)).saturating_sub(1);
    file.loc_at(line, col)
}

/// Rhai reports "unexpected end" errors just past the script's last character, which in a
/// YAML file is the next key. Such positions move back onto the last character of the script.
fn within_script(text: &str, line: usize, col: usize) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let inside = lines.get(line - 1).is_some_and(|l| col <= l.chars().count());
    if inside {
        return (line, col);
    }
    match lines.iter().take(line).rposition(|l| !l.trim().is_empty()) {
        Some(i) => (i + 1, lines[i].trim_end().chars().count().max(1)),
        None => (line, col),
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

/// `params.NAME` references in a script, with their byte offsets in the script text.
pub fn param_refs(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices("params.") {
        let preceded = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.');
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

/// Location of a byte offset inside a script, in its file.
pub fn script_offset_loc(sources: &SourceMap, script: &Script, offset: usize, len: usize) -> Loc {
    let before = &script.text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let mut loc = map_line_col(sources, script, line, col);
    if script.block {
        loc.len = len;
    }
    loc
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

/// What Rhai's compiler does not check: calls to unknown functions, session fields named in
/// strings, and conditions that cannot yield true or false (see `calls` and `yields`).
fn analyse(sources: &SourceMap, protocol: &Protocol, diags: &mut Diagnostics) {
    let lib = Library::new(&protocol.helpers);
    let all = || {
        protocol
            .helpers
            .iter()
            .map(|h| &h.script)
            .chain(protocol.rules.iter().flat_map(|r| r.scripts()))
            .chain(protocol.phases.iter().filter_map(|ph| ph.exit.as_ref().map(|e| &e.script)))
    };
    let literal = super::names::literal_keys(all());
    for script in all() {
        super::names::check(sources, protocol, script, &literal, diags);
    }
    let others: Vec<&Script> =
        protocol.rules.iter().map(|r| &r.when).chain(protocol.phases.iter().filter_map(|p| p.exit.as_ref().map(|e| &e.script))).collect();
    super::library::check_definitions(sources, &protocol.helpers, &others, diags);
    for helper in &protocol.helpers {
        calls::check(sources, &helper.script, &lib, diags);
    }
    for rule in &protocol.rules {
        calls::check(sources, &rule.when, &lib, diags);
        for c in &rule.criteria {
            calls::check(sources, &c.script, &lib, diags);
        }
    }
    for phase in &protocol.phases {
        if let Some(exit) = &phase.exit {
            calls::check(sources, &exit.script, &lib, diags);
        }
    }
}

/// Compiles helpers, rules and gates; `None` when any script fails to compile or calls what
/// does not exist.
pub fn compile(sources: &SourceMap, protocol: Protocol, diags: &mut Diagnostics) -> Option<CompiledProtocol> {
    let mut engine = engine::sandboxed();
    let errors_before = diags.error_count();
    analyse(sources, &protocol, diags);

    let mut lib = AST::empty();
    for helper in &protocol.helpers {
        check_params(sources, &protocol, &helper.script, diags);
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
        check_params(sources, &protocol, &rule.when, diags);
        // Whether a script yields a boolean is asked only of a script that parses: a syntax
        // error's follow-on (a `let` left last by a missing `;`) is not a second mistake.
        if let Some(ast) = compile_one(&engine, sources, &rule.when, &rule.id, &lib, diags) {
            yields::check(sources, &rule.when, &format!("the condition of rule `{}`", rule.id), diags);
            rules.push(ast);
        }
        let mut asts = Vec::new();
        for c in &rule.criteria {
            check_params(sources, &protocol, &c.script, diags);
            if let Some(ast) = compile_one(&engine, sources, &c.script, &format!("{} {}", rule.id, c.id), &lib, diags) {
                yields::check(sources, &c.script, &format!("criterion `{}` of rule `{}`", c.id, rule.id), diags);
                asts.push(ast);
            }
        }
        criteria.push(asts);
    }
    let mut exits = Vec::new();
    for phase in &protocol.phases {
        let ast = phase.exit.as_ref().and_then(|exit| {
            check_params(sources, &protocol, &exit.script, diags);
            let ast = compile_one(&engine, sources, &exit.script, &format!("phase {} exit", phase.id), &lib, diags);
            if ast.is_some() {
                yields::check(sources, &exit.script, &format!("the exit gate of phase `{}`", phase.id), diags);
            }
            ast
        });
        exits.push(ast);
    }
    if diags.error_count() > errors_before {
        return None;
    }
    let params: rhai::Map = protocol.parameters.iter().map(|p| (p.id.as_str().into(), param_value(&p.value))).collect();
    crate::script::api::register_params(&mut engine, &params);
    let params = Dynamic::from(crate::script::api::ParamsView(Arc::new(params)));
    let replays = protocol.rules.iter().any(|r| r.sticky) || {
        let texts = protocol
            .helpers
            .iter()
            .map(|h| &h.script.text)
            .chain(protocol.rules.iter().flat_map(|r| std::iter::once(&r.when.text).chain(r.criteria.iter().map(|c| &c.script.text))))
            .chain(protocol.phases.iter().filter_map(|ph| ph.exit.as_ref().map(|e| &e.script.text)));
        texts.into_iter().any(|t| t.contains("beyond_plan") || t.contains(".decision"))
    };
    let phase_ids = protocol.phases.iter().map(|ph| ph.id.as_str().into()).collect();
    Some(CompiledProtocol {
        protocol: Arc::new(protocol),
        engine: Arc::new(engine),
        rules,
        criteria,
        exits,
        replays,
        params,
        phase_ids,
        id: crate::script::next_id(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_past_the_end_move_onto_the_script() {
        assert_eq!(within_script("a > (b\n", 2, 1), (1, 6));
        assert_eq!(within_script("x\n  y\n\n", 4, 1), (2, 3));
        assert_eq!(within_script("a > b\n", 1, 3), (1, 3));
    }

    #[test]
    fn offsets_past_line_65535_keep_their_line() {
        let text = format!("{}params.nope\n", "\n".repeat(70_000));
        let mut sources = SourceMap::default();
        let file = format!("when: |\n  {}", text.replace('\n', "\n  "));
        let id = sources.add("r.yaml", file);
        let script = Script { text: text.clone(), source: id, loc: sources.get(id).loc_at(2, 3), block: true };
        let refs = param_refs(&script.text);
        let loc = script_offset_loc(&sources, &script, refs[0].0, refs[0].1.len());
        assert_eq!(loc.line, 70_002);
    }
}
