//! `stepwise explain CODE`: prints a diagnostic code's page of docs/diagnostics.md (embedded in
//! the binary), like `rustc --explain`.

use crate::exit::Status;

const DIAGNOSTICS: &str = include_str!("../../docs/diagnostics.md");

/// The section of docs/diagnostics.md headed `## CODE name`, found by code or name.
pub fn page(code: &str) -> Option<&'static str> {
    let want = code.trim().to_ascii_uppercase();
    let mut start = None;
    for (at, _) in DIAGNOSTICS.match_indices("\n## ") {
        let line_start = at + 1;
        if let Some(s) = start {
            return Some(DIAGNOSTICS[s..line_start].trim_end());
        }
        let heading = DIAGNOSTICS[line_start + 3..].lines().next().unwrap_or_default();
        let mut parts = heading.split_whitespace();
        let (c, name) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        if c.eq_ignore_ascii_case(&want) || name.eq_ignore_ascii_case(code.trim()) {
            start = Some(line_start);
        }
    }
    start.map(|s| DIAGNOSTICS[s..].trim_end())
}

pub fn run(code: &str) -> Status {
    if let Some(text) = page(code) {
        if let Err(e) = super::write_stdout(format!("{text}\n").as_bytes()) {
            eprintln!("error: {e}");
            return Status::Usage;
        }
        Status::Ok
    } else {
        let snippet: String = code.chars().filter(|c| !c.is_control()).take(40).collect();
        eprintln!("error: no diagnostic code `{snippet}`: codes look like E0203 or W0508 (see docs/diagnostics.md)");
        Status::Usage
    }
}
