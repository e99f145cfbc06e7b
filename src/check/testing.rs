//! Test helpers: check a protocol written inline and look at its diagnostics.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{FileKind, LoadedFiles, ProtocolFile};
use crate::source::SourceMap;

/// A small valid plan, used when a test gives no `plans/plan.yaml` of its own: two phases (the
/// first with an exit), one exercise with a two-level ladder, one parameter.
pub const PLAN: &str = "\
protocol: { id: mini, version: 1.0.0, title: Mini, status: draft }
parameters:
  - { id: max_pain, value: 3, description: Highest pain after exercise that allows progress. }
phases:
  - id: start
    title: Start
    exercises: [bridge]
    exit:
      description: Two weeks in.
      when: |
        log.days_since_start >= 14 && (last.pain.after ?? 10) <= params.max_pain
  - id: build
    title: Build
    exercises: [bridge]
exercises:
  - id: bridge
    name: Bridge
    category: strength
    impact: low
    ladder:
      - { name: easy, dose: { sets: 2, reps: 8 } }
      - { name: harder, dose: { sets: 3, reps: 10 } }
";

/// Every diagnostic of checking these files (relative path, text); [`PLAN`] is added unless a
/// file `plans/plan.yaml` is given.
pub fn diagnostics(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let mut all: Vec<(&str, &str)> = files.to_vec();
    if !all.iter().any(|(p, _)| *p == "plans/plan.yaml") {
        all.push(("plans/plan.yaml", PLAN));
    }
    let mut sources = SourceMap::default();
    let files = all
        .iter()
        .map(|(rel, text)| {
            let kind = if crate::source::has_extension(rel, "rhai") {
                FileKind::Helper
            } else if rel.starts_with("plans/") {
                FileKind::Plan
            } else {
                FileKind::Rules
            };
            ProtocolFile { relative: (*rel).to_string(), kind, source: sources.add(*rel, *text) }
        })
        .collect();
    let loaded = LoadedFiles { files, digest: String::new() };
    let (_, diags): (_, Diagnostics) = crate::engine::check_and_compile(&sources, &loaded, super::Lints::Run);
    diags.into_sorted()
}

/// The codes of some diagnostics, in order.
pub fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id()).collect()
}

/// `CODE line:col message` of the diagnostics with one code.
pub fn with_code(diags: &[Diagnostic], code: crate::diagnostic::Code) -> Vec<String> {
    diags.iter().filter(|d| d.code == code).map(|d| format!("{} {}:{} {}", d.code.id(), d.loc.line, d.loc.col, d.message)).collect()
}

/// The embedded hip protocol, compiled (without the lints and probes `check` adds).
pub fn hip() -> crate::script::CompiledProtocol {
    let mut sources = SourceMap::default();
    let files = crate::load::embedded(&mut sources);
    crate::engine::check_and_compile(&sources, &files, crate::check::Lints::Skip).0.expect("the embedded protocol compiles")
}
