//! The pipeline's stages point one way (docs/architecture.md): no module of `src/` refers to a
//! later stage, and no two modules refer to each other. The compiler cannot say this (every
//! module is visible to every other inside the crate), so this test reads the source: each
//! `crate::X` path, in `use` lines and in code, is an edge from the file's top-level module to
//! `X`. Unit-test modules (`#[cfg(test)] mod tests` at the end of a file, and modules declared
//! under `#[cfg(test)]`) are left out: a test may drive the whole pipeline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module and its stage, in pipeline order. Modules of one stage may use each
/// other (never in a cycle); a module may use any earlier stage. A new module gets a row here.
const STAGES: &[(&str, u8)] = &[
    // Foundations: files, text, places, diagnostics, errors, the closed vocabularies.
    ("source", 0),
    ("diagnostic", 0),
    ("error", 0),
    ("exit", 0),
    ("digest", 0),
    ("num", 0),
    ("alloc", 0),
    ("provenance", 0),
    ("load", 0),
    ("vocab", 0),
    ("syntax", 1),
    ("model", 2),
    ("check", 3),
    ("script", 4),
    ("eval", 5),
    ("render", 6),
    ("engine", 7),
    // Callers of the API.
    ("report", 8),
    ("cases", 8),
    ("command", 8),
    ("cli", 8),
];

/// Known backward references, each with the reason it is still there. Keep this list empty:
/// an entry is a debt, never a way to silence the test.
const PENDING: &[(&str, &str, &str)] = &[];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text of a file without its unit tests, and the files it declares as test-only modules.
fn production_text(text: &str, path: &Path) -> (String, Vec<PathBuf>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept = Vec::new();
    let mut test_only = Vec::new();
    let dir = match path.file_stem().and_then(|s| s.to_str()) {
        Some("mod" | "lib" | "main") => path.parent().unwrap().to_path_buf(),
        Some(stem) => path.parent().unwrap().join(stem),
        None => path.to_path_buf(),
    };
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let next = lines.get(i + 1).map_or("", |l| l.trim());
            let declared = next.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            if let Some(name) = declared.strip_prefix("mod ").and_then(|n| n.strip_suffix(';')) {
                test_only.push(dir.join(format!("{name}.rs")));
                test_only.push(dir.join(name).join("mod.rs"));
                i += 2;
                continue;
            }
            if next.starts_with("mod tests") {
                // By convention the test module closes the file.
                break;
            }
        }
        // Blank lines keep the numbering, so reported lines are the file's.
        kept.push(if lines[i].trim_start().starts_with("//") { "" } else { lines[i] });
        i += 1;
    }
    (kept.join("\n"), test_only)
}

/// The modules a text names after `crate::`, each with its 1-based line: `crate::a::b`,
/// `crate::{a, b::c}` (a group may span lines).
fn references(text: &str) -> Vec<(String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for (at, _) in text.match_indices("crate::") {
        if at > 0 && (ident(bytes[at - 1]) || bytes[at - 1] == b'$') {
            continue;
        }
        let line = text[..at].matches('\n').count() + 1;
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: those after `{` or a `,` at depth zero.
            let mut depth = 0;
            let mut start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[k..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        let l = line + group[..k].matches('\n').count();
                        out.push((name, l));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.push((name, line));
        }
    }
    out
}

#[test]
fn stages_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let stage: BTreeMap<&str, u8> = STAGES.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let texts: Vec<(PathBuf, String)> = files.iter().map(|p| (p.clone(), std::fs::read_to_string(p).unwrap())).collect();
    let mut test_only = BTreeSet::new();
    let mut production = Vec::new();
    for (path, text) in &texts {
        let (kept, test_files) = production_text(text, path);
        test_only.extend(test_files);
        production.push((path.clone(), kept));
    }

    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending_seen = BTreeSet::new();
    for (path, text) in production.iter().filter(|(p, _)| !test_only.contains(p)) {
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let inside = path.strip_prefix(&src).unwrap();
        let first = inside.components().next().unwrap().as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(&from) = stage.get(module.as_str()) else {
            problems.push(format!("{rel}: module `{module}` has no stage: add it to STAGES in tests/architecture.rs"));
            continue;
        };
        for (target, line) in references(text) {
            if target == module {
                continue;
            }
            let Some(&to) = stage.get(target.as_str()) else {
                continue; // an item of lib.rs itself, e.g. `crate::run`
            };
            edges.entry(module.clone()).or_default().insert(target.clone());
            if to > from {
                if PENDING.iter().any(|(f, t, _)| *f == rel && *t == target) {
                    pending_seen.insert((rel.clone(), target.clone()));
                    continue;
                }
                problems.push(format!("{rel}:{line}: `{module}` (stage {from}) refers to `{target}` (stage {to}), a later stage"));
            }
        }
    }
    for (file, target, why) in PENDING {
        if !pending_seen.contains(&((*file).to_string(), (*target).to_string())) {
            problems.push(format!("{file} no longer refers to `{target}` ({why}): remove the entry from PENDING"));
        }
    }
    // A cycle among modules of one stage (or through a pending edge).
    for (a, targets) in &edges {
        for b in targets {
            let mut seen = BTreeSet::new();
            let mut todo = vec![b.clone()];
            while let Some(m) = todo.pop() {
                if &m == a {
                    problems.push(format!("import cycle: `{a}` -> `{b}` -> ... -> `{a}`"));
                    break;
                }
                if seen.insert(m.clone()) {
                    todo.extend(edges.get(&m).into_iter().flatten().cloned());
                }
            }
        }
    }
    assert!(problems.is_empty(), "stages must point one way (docs/architecture.md):\n{}", problems.join("\n"));
}

#[test]
fn references_are_found_in_paths_and_groups() {
    let text = "use crate::a::b;\nuse crate::{\n    c::d,\n    e::{f, g},\n};\nlet x = crate::h::i(); // $crate::no\n";
    let found = references(text);
    assert_eq!(found, [("a".into(), 1), ("c".into(), 3), ("e".into(), 4), ("h".into(), 6)]);
}

/// Functions allowed over `MAX_FN_LINES`, each with the reason. Keep this list short: an entry
/// is a debt, never a way to silence the test.
const LONG_FUNCTIONS: &[(&str, &str, &str)] = &[];

/// The longest a function of `src/` may be, counted from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 80;

/// The text with comments, string literals and char literals blanked out (newlines kept, so
/// line numbers stay the file's): a brace inside them must not count.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
        {
            // A raw string: r"..." or r#"..."#, closed by a quote and as many hashes.
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            let mut k = j + 1;
            while k < chars.len() && !(chars[k] == '"' && (0..hashes).all(|h| chars.get(k + 1 + h) == Some(&'#'))) {
                k += 1;
            }
            let end = (k + 1 + hashes).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    out.push(blank(c));
                }
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{7f}'), or else a lifetime ('a), left as it is.
            if next == Some('\\') {
                let mut k = i + 2;
                while k < chars.len() && chars[k] != '\'' {
                    k += 1;
                }
                out.extend(std::iter::repeat_n(' ', k + 1 - i));
                i = k + 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                out.push_str("   ");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Every function with a body in a text: its name, its 1-based first line and its length in
/// lines (from the `fn` line to the line of its closing brace).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let code = code_only(text);
    let bytes = code.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        if at > 0 && ident(bytes[at - 1]) {
            continue;
        }
        let name: String = code[at + 3..].trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            continue; // `fn (` in a type such as `Box<dyn Fn>` never matches; `fn(` has no space
        }
        // The body opens at the first `{` unless a `;` ends a declaration first.
        let Some(open) = code[at..].find(['{', ';']).map(|k| at + k) else { continue };
        if bytes[open] == b';' {
            continue;
        }
        let mut depth = 0usize;
        let mut close = None;
        for (k, b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let first = code[..at].matches('\n').count() + 1;
        let last = code[..close].matches('\n').count() + 1;
        out.push((name, first, last - first + 1));
    }
    out
}

#[test]
fn functions_stay_short() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut test_only = BTreeSet::new();
    let mut production = Vec::new();
    for path in &files {
        let (kept, tests) = production_text(&std::fs::read_to_string(path).unwrap(), path);
        test_only.extend(tests);
        production.push((path.clone(), kept));
    }
    let mut problems = Vec::new();
    let mut allowed_seen = BTreeSet::new();
    for (path, text) in production.iter().filter(|(p, _)| !test_only.contains(p)) {
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        for (name, line, len) in functions(text) {
            if len <= MAX_FN_LINES {
                continue;
            }
            if LONG_FUNCTIONS.iter().any(|(f, n, _)| *f == rel && *n == name) {
                allowed_seen.insert((rel.clone(), name));
                continue;
            }
            problems.push(format!("{rel}:{line}: `{name}` is {len} lines (at most {MAX_FN_LINES}): split it into helpers"));
        }
    }
    for (file, name, why) in LONG_FUNCTIONS {
        if !allowed_seen.contains(&((*file).to_string(), (*name).to_string())) {
            problems.push(format!("{file}: `{name}` is no longer over {MAX_FN_LINES} lines ({why}): remove it from LONG_FUNCTIONS"));
        }
    }
    assert!(problems.is_empty(), "functions must stay short (docs/architecture.md):\n{}", problems.join("\n"));
}

#[test]
fn function_lengths_ignore_braces_in_strings_and_comments() {
    let text = "fn a() {\n    let s = \"}}\"; // }\n    let c = '{';\n    let r = r#\"}\"#;\n}\nfn b<'x>(v: &'x str);\nimpl T { fn c(&self) { /* { */ } }\n";
    let found = functions(text);
    assert_eq!(found, [("a".into(), 1, 5), ("c".into(), 7, 1)]);
}
