//! Where a place inside a script's text lies in its file. Block scalars keep their text
//! verbatim at a fixed indentation, so a line and column inside the script add up to one in the
//! YAML (or `.rhai`) file. Both `check` (static checks, pointing at a call or a name) and
//! `script` (Rhai's compile and run errors) point into scripts, so the mapping lives with the
//! checked [`Script`] type they share.

use crate::model::protocol::Script;
use crate::source::{Loc, SourceMap};

/// Maps a 1-based line and column inside `script` (any size: no 16-bit squeeze) to its file.
pub fn map_line_col(sources: &SourceMap, script: &Script, line: usize, col: usize) -> Loc {
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
    match lines.iter().take(line).enumerate().rev().find(|(_, l)| !l.trim().is_empty()) {
        Some((i, l)) => (i + 1, l.trim_end().chars().count().max(1)),
        None => (line, col),
    }
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
        let offset = text.find("nope").unwrap_or_default();
        let loc = script_offset_loc(&sources, &script, offset, "nope".len());
        assert_eq!(loc.line, 70_002);
    }
}
