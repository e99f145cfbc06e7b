//! A small scanner for Rhai script text: identifiers, numbers, strings and punctuation with
//! their byte offsets, comments skipped. Rhai's own AST is opaque without its `internals`
//! feature, and `check` needs only tokens for its static analysis (calls, field names, the
//! last expression of a condition, what a rule reads), so a scanner is enough. It never fails:
//! text Rhai cannot parse still yields tokens, and Rhai reports the syntax error itself.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Number,
    /// A string literal, `"..."` or `` `...` ``, quotes included.
    Str,
    /// A character literal, `'x'`.
    Char,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Byte offset in the script text.
    pub offset: usize,
}

impl<'a> Token<'a> {
    pub fn is(&self, text: &str) -> bool {
        self.kind != Kind::Str && self.kind != Kind::Char && self.text == text
    }

    pub fn is_ident(&self) -> bool {
        self.kind == Kind::Ident
    }

    /// The content of a string literal without its quotes (escapes left as written: the names
    /// `check` looks for have none).
    pub fn str_value(&self) -> Option<&'a str> {
        (self.kind == Kind::Str && self.text.len() >= 2).then(|| &self.text[1..self.text.len() - 1])
    }
}

/// Operators of more than one character, longest first so that `**=` wins over `**`.
const OPERATORS: [&str; 27] = [
    "**=", "<<=", ">>=", "..=", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "?[", "::", "=>", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
    "^=", "**", "<<", ">>", "..",
];

/// Words of the Rhai language that may stand before `(` without being a function call.
pub const KEYWORDS: [&str; 23] = [
    "if", "else", "switch", "do", "while", "until", "loop", "for", "in", "continue", "break", "return", "throw", "try", "catch", "fn",
    "private", "let", "const", "import", "export", "as", "global",
];

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits script text into tokens.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
            continue;
        }
        if rest.starts_with("/*") {
            i += block_comment_len(rest);
            continue;
        }
        let (kind, len) = if c.is_alphabetic() || c == '_' {
            (Kind::Ident, rest.find(|c: char| !ident_char(c)).unwrap_or(rest.len()))
        } else if c.is_ascii_digit() {
            (Kind::Number, number_len(bytes, i) - i)
        } else if c == '"' || c == '`' {
            (Kind::Str, quoted_len(rest, c))
        } else if c == '\'' {
            (Kind::Char, quoted_len(rest, '\''))
        } else if rest.starts_with("#{") {
            (Kind::Punct, 2)
        } else if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            (Kind::Punct, op.len())
        } else {
            (Kind::Punct, c.len_utf8())
        };
        out.push(Token { kind, text: &text[i..i + len], offset: i });
        i += len;
    }
    out
}

/// Length of a (nestable) block comment at the start of `text`.
fn block_comment_len(text: &str) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with("/*") {
            depth += 1;
            i += 2;
        } else if text[i..].starts_with("*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    text.len()
}

/// End offset of the number starting at `start`: digits, `_`, a fraction only when a digit
/// follows the dot (so `1..5` stays a range), an exponent, or a `0x`/`0o`/`0b` literal.
fn number_len(b: &[u8], start: usize) -> usize {
    let mut i = start;
    if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'o' | b'b')) {
        i += 2;
        while b.get(i).is_some_and(|&c| c.is_ascii_hexdigit() || c == b'_') {
            i += 1;
        }
        return i;
    }
    let digits = |mut i: usize| {
        while b.get(i).is_some_and(|&c| c.is_ascii_digit() || c == b'_') {
            i += 1;
        }
        i
    };
    i = digits(i);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1 + sign);
        }
    }
    i
}

/// Length of a quoted literal at the start of `text`, up to and including the closing quote
/// (or the end of the text when it is not closed).
fn quoted_len(text: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote != '`' {
            escaped = true;
        } else if c == quote {
            return i + c.len_utf8();
        }
    }
    text.len()
}

/// Index of the token that closes the bracket opened at `open` (`(`, `[`, `{` or `#{`), or the
/// number of tokens when it is never closed.
pub fn closing(tokens: &[Token<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text {
            "(" | "[" | "{" | "#{" | "?[" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// One function call: `name(args)` or `value.name(args)`.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub name: Token<'a>,
    /// Called as a method (`log.recent(3)`): the value before the dot is the first argument.
    pub method: bool,
    /// The arguments between the parentheses, as token ranges.
    pub args: Vec<std::ops::Range<usize>>,
}

impl Call<'_> {
    /// Arguments including the value a method is called on.
    pub fn arity(&self) -> usize {
        self.args.len() + usize::from(self.method)
    }
}

/// Every function call in the tokens, function definitions (`fn name(`) excluded. Brackets are
/// matched once for all calls, and each call's arguments are split by skipping the groups
/// nested in them: linear in the tokens (a call nested 40,000 deep took 20 s when each call
/// scanned to its own closing bracket).
pub fn calls<'a>(tokens: &[Token<'a>]) -> Vec<Call<'a>> {
    let close = closers(tokens);
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !t.is_ident() || KEYWORDS.contains(&t.text) || !tokens.get(i + 1).is_some_and(|n| n.is("(")) {
            continue;
        }
        let before = i.checked_sub(1).and_then(|p| tokens.get(p).copied());
        if before.is_some_and(|b| b.is("fn") || b.is("::")) {
            continue;
        }
        let method = before.is_some_and(|b| b.is(".") || b.is("?."));
        let end = close.get(i + 1).copied().unwrap_or(tokens.len());
        out.push(Call { name: *t, method, args: split_args(tokens, &close, i + 2, end) });
    }
    out
}

/// For each token, the index of the token closing it when it opens a bracket (as [`closing`]
/// finds it), else the number of tokens.
fn closers(tokens: &[Token<'_>]) -> Vec<usize> {
    let mut close = vec![tokens.len(); tokens.len()];
    let mut open = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text {
            "(" | "[" | "{" | "#{" | "?[" => open.push(i),
            ")" | "]" | "}" => {
                if let Some(c) = open.pop().and_then(|o| close.get_mut(o)) {
                    *c = i;
                }
            }
            _ => {}
        }
    }
    close
}

/// Splits the tokens `from..to` at top-level commas, skipping each nested group whole.
fn split_args(tokens: &[Token<'_>], close: &[usize], from: usize, to: usize) -> Vec<std::ops::Range<usize>> {
    let mut args = Vec::new();
    let mut start = from;
    let end = to.min(tokens.len());
    let mut i = from;
    while let Some(t) = tokens.get(i).filter(|_| i < end) {
        if t.kind == Kind::Punct {
            match t.text {
                "(" | "[" | "{" | "#{" | "?[" => {
                    i = close.get(i).copied().unwrap_or(end).saturating_add(1);
                    continue;
                }
                "," => {
                    args.push(start..i);
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if start < end {
        args.push(start..end);
    }
    args
}

/// A function defined in a script: `fn name(params) { body }`.
#[derive(Debug, Clone)]
pub struct FnDef<'a> {
    pub name: Token<'a>,
    pub params: Vec<&'a str>,
    /// Token range of the body, braces excluded.
    pub body: std::ops::Range<usize>,
}

/// The functions a script defines at its top level.
pub fn fn_defs<'a>(tokens: &[Token<'a>]) -> Vec<FnDef<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let name = match (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2)) {
            (Some(f), Some(&name), Some(open)) if f.is("fn") && name.is_ident() && open.is("(") => name,
            _ => {
                i += 1;
                continue;
            }
        };
        let close = closing(tokens, i + 2);
        let params = tokens.get(i + 3..close).unwrap_or_default().iter().filter(|t| t.is_ident()).map(|t| t.text).collect();
        let open = close + 1;
        // An unfinished definition (`fn f(a` at the end of the file) has no body: its range is
        // empty and clamped to the tokens, so no caller indexes past the end.
        let end = if tokens.get(open).is_some_and(|t| t.is("{")) { closing(tokens, open) } else { open };
        let end = end.min(tokens.len());
        out.push(FnDef { name, params, body: (open + 1).min(end)..end });
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        tokens(src).iter().map(|t| t.text).collect()
    }

    #[test]
    fn scans_operators_strings_and_skips_comments() {
        assert_eq!(
            texts("a.b >= 1.5 // c\n&& \"x y\" != 'z' /* d /* e */ */ ?? 1..5"),
            ["a", ".", "b", ">=", "1.5", "&&", "\"x y\"", "!=", "'z'", "??", "1", "..", "5"]
        );
        assert_eq!(texts("#{a: 1} **= 2e3"), ["#{", "a", ":", "1", "}", "**=", "2e3"]);
        assert_eq!(tokens(r#""a\"b" x"#)[0].str_value(), Some(r#"a\"b"#));
    }

    #[test]
    fn finds_calls_but_not_definitions_or_keywords() {
        let t = tokens("fn f(a, b) { if (a) { g(a, h(b)) } } log.recent(3).len() + f(1, [2, 3])");
        let calls: Vec<(&str, bool, usize)> = calls(&t).iter().map(|c| (c.name.text, c.method, c.arity())).collect();
        assert_eq!(calls, [("g", false, 2), ("h", false, 1), ("recent", true, 2), ("len", true, 1), ("f", false, 2)]);
    }

    #[test]
    fn finds_function_definitions_with_their_bodies() {
        let src = "// x\nfn one(s, log) { s.pain }\nprivate fn two() { one(1, 2) }";
        let t = tokens(src);
        let defs = fn_defs(&t);
        assert_eq!(defs.len(), 2);
        assert_eq!((defs[0].name.text, defs[0].params.clone()), ("one", vec!["s", "log"]));
        assert_eq!(t[defs[0].body.clone()].iter().map(|t| t.text).collect::<Vec<_>>(), ["s", ".", "pain"]);
        assert_eq!(defs[1].params.len(), 0);
    }

    #[test]
    fn unfinished_definitions_have_empty_bodies_within_the_tokens() {
        for src in ["fn f(a", "fn f(a)", "fn f(a) {", "fn f(", "fn f(a) { x"] {
            let t = tokens(src);
            for d in fn_defs(&t) {
                assert!(d.body.end <= t.len() && d.body.start <= d.body.end, "{src}: {:?}", d.body);
                assert!(t.get(d.body).is_some());
            }
        }
    }
}
