//! Conditions (a rule's `when`, a phase's exit gate) must yield true or false. Rhai is
//! dynamically typed, so this is known only sometimes; where the last statement shows it (a
//! literal, arithmetic with no comparison, an assignment, a `let`), `check` reports it rather
//! than leaving it to fail on a patient's log.

use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::protocol::Script;
use crate::source::SourceMap;

use super::lex::{Kind, Token, closing, tokens};
use crate::model::script_place::script_offset_loc;

/// What a condition is known to yield instead of a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yield {
    Number,
    Text,
    Char,
    List,
    Map,
    Nothing,
    Assignment,
    Declaration,
    Empty,
}

/// Operators whose result may be a boolean: with one at the top level, the type is unknown.
const MAYBE_BOOLEAN: [&str; 14] = ["==", "!=", "<", ">", "<=", ">=", "&&", "||", "!", "in", "??", "|", "&", "^"];
const ARITHMETIC: [&str; 8] = ["+", "-", "*", "/", "%", "**", "<<", ">>"];
const ASSIGNMENT: [&str; 12] = ["=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^="];
/// Statements whose value this check does not try to work out.
const OPAQUE: [&str; 11] = ["if", "switch", "while", "loop", "for", "do", "return", "throw", "try", "fn", "import"];

/// Token ranges of the top-level statements: split at `;` and after a block statement's `}`
/// (`if c { .. }` followed by more), never inside brackets.
fn statements(toks: &[Token<'_>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(&t) = toks.get(i) {
        if t.is(";") {
            out.push(start..i);
            start = i + 1;
        } else if t.kind == Kind::Punct && matches!(t.text, "(" | "[" | "{" | "#{" | "?[") {
            let close = closing(toks, i);
            let next = toks.get(close + 1);
            let block_ends = t.is("{") && next.is_some_and(|n| !(n.is("else") || n.is("catch") || n.is(".") || n.is("?.")));
            if block_ends && toks.get(start).is_some_and(|s| OPAQUE.contains(&s.text)) {
                out.push(start..close + 1);
                start = close + 1;
            }
            i = close;
        }
        i += 1;
    }
    out.push(start..toks.len());
    out.retain(|r| !r.is_empty());
    out
}

/// Top-level tokens of a statement (those outside any bracket).
fn top_level<'a>(stmt: &[Token<'a>]) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&t) = stmt.get(i) {
        out.push(t);
        if t.kind == Kind::Punct && matches!(t.text, "(" | "[" | "{" | "#{" | "?[") {
            i = closing(stmt, i);
        }
        i += 1;
    }
    out
}

/// What the script yields when it is known not to be a boolean, with the token range to
/// point at.
pub fn non_boolean(toks: &[Token<'_>]) -> Option<(Yield, Range<usize>)> {
    let Some(last) = statements(toks).pop() else {
        return Some((Yield::Empty, 0..0));
    };
    // `statements` keeps no empty statement: the fallback is never taken.
    let Some(stmt) = toks.get(last.clone()) else { return Some((Yield::Empty, 0..0)) };
    let Some(&first) = stmt.first() else { return Some((Yield::Empty, 0..0)) };
    if first.is("let") || first.is("const") {
        return Some((Yield::Declaration, last));
    }
    if OPAQUE.contains(&first.text) && first.is_ident() {
        return None;
    }
    let top = top_level(stmt);
    if let Some(op) = top.iter().find(|t| t.kind == Kind::Punct && ASSIGNMENT.contains(&t.text)) {
        let at = toks.iter().position(|t| t.offset == op.offset).unwrap_or(last.start);
        return Some((Yield::Assignment, at..at + 1));
    }
    if top.iter().any(|t| t.kind != Kind::Str && t.kind != Kind::Char && MAYBE_BOOLEAN.contains(&t.text)) {
        return None;
    }
    if top.iter().any(|t| t.kind == Kind::Punct && ARITHMETIC.contains(&t.text)) {
        let text = top.iter().any(|t| t.kind == Kind::Str);
        return Some((if text { Yield::Text } else { Yield::Number }, last));
    }
    let whole = |open: &str| first.is(open) && closing(stmt, 0) == stmt.len() - 1;
    let kind = match stmt {
        [t] if t.kind == Kind::Number => Yield::Number,
        [t] if t.kind == Kind::Str => Yield::Text,
        [t] if t.kind == Kind::Char => Yield::Char,
        [a, b] if a.is("(") && b.is(")") => Yield::Nothing,
        _ if whole("[") => Yield::List,
        _ if whole("#{") => Yield::Map,
        _ => return None,
    };
    Some((kind, last))
}

/// Reports `script` when it is known not to yield a boolean. `subject` names it in the
/// message, e.g. "the condition of rule `flare`".
pub fn check(sources: &SourceMap, script: &Script, subject: &str, diags: &mut Diagnostics) {
    let toks = tokens(&script.text);
    let Some((kind, range)) = non_boolean(&toks) else { return };
    let (message, label, help) = match kind {
        Yield::Number => ("yields a number, not true or false", "a number", "compare it with a threshold, e.g. `... >= params.NAME`"),
        Yield::Text => ("yields text, not true or false", "text", "compare the text, e.g. `last.kind == \"exercise\"`"),
        Yield::Char => ("yields a character, not true or false", "a character", "compare the character with `==`"),
        Yield::List => ("yields a list, not true or false", "a list", "test the list, e.g. `xs.len() > 0` or `\"fever\" in xs`"),
        Yield::Map => ("yields an object map, not true or false", "an object map", "test one of its values, e.g. `m.x > 0`"),
        Yield::Nothing => ("yields nothing, not true or false", "`()`", "write an expression that yields true or false"),
        Yield::Assignment => ("assigns a value instead of testing one", "`=` assigns", "compare with `==`"),
        Yield::Declaration => (
            "ends with a `let`, which yields nothing",
            "declares a variable",
            "end with the expression to test, e.g. `let base = ...; base > 3`",
        ),
        Yield::Empty => ("is empty", "nothing here", "write an expression that yields true or false"),
    };
    let loc = match (toks.get(range.start), range.end.checked_sub(1).and_then(|e| toks.get(e))) {
        (Some(a), Some(b)) => script_offset_loc(sources, script, a.offset, b.offset + b.text.len() - a.offset),
        _ => script.loc,
    };
    diags.push(Diagnostic::new(Code::NotBoolean, format!("{subject} {message}")).at(script.source, loc).label(label).help(help));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(src: &str) -> Option<Yield> {
        non_boolean(&tokens(src)).map(|(k, _)| k)
    }

    #[test]
    fn known_non_booleans() {
        assert_eq!(kind("3"), Some(Yield::Number));
        assert_eq!(kind("clean_streak(log, params) + 1"), Some(Yield::Number));
        assert_eq!(kind("-x"), Some(Yield::Number));
        assert_eq!(kind("\"yes\""), Some(Yield::Text));
        assert_eq!(kind("\"a\" + x"), Some(Yield::Text));
        assert_eq!(kind("let base = 1;\nbase + 2;"), Some(Yield::Number));
        assert_eq!(kind("last.fatigue = 7"), Some(Yield::Assignment));
        assert_eq!(kind("let x = 3"), Some(Yield::Declaration));
        assert_eq!(kind("[1, 2]"), Some(Yield::List));
        assert_eq!(kind("#{a: 1}"), Some(Yield::Map));
        assert_eq!(kind("()"), Some(Yield::Nothing));
        assert_eq!(kind("  // only a comment\n"), Some(Yield::Empty));
    }

    #[test]
    fn unknown_or_boolean_is_left_alone() {
        for src in [
            "true",
            "a > 1",
            "a + 1 > b",
            "!x",
            "x",
            "f(a = 1)",
            "let b = 1; b == 2",
            "\"fever\" in last.symptoms",
            "(last.pain.after ?? 0) + 1 <= 3",
            "if a { 1 } else { 2 }",
            "if a { let x = 1; } x > 2",
            "#{a: 1}.a > 0",
            "x.len()",
        ] {
            assert_eq!(kind(src), None, "{src}");
        }
    }
}
