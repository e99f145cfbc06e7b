//! The protocol loader: the embedded hip protocol plus one fuzzed file (a rule file, a plan
//! file or a helper script, chosen by the first byte), checked with lints and compiled. It must
//! never panic; every problem is a diagnostic, rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepwise::diagnostic::render::{DiagnosticFormat, render};
use stepwise::load::{FileKind, ProtocolFile};
use stepwise::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut sources = SourceMap::default();
    let mut files = stepwise::load::embedded(&mut sources);
    let (relative, kind) = match which % 3 {
        0 => ("rules/zz.yaml", FileKind::Rules),
        1 => ("plans/zz.yaml", FileKind::Plan),
        _ => ("rules/zz.rhai", FileKind::Helper),
    };
    let source = sources.add(relative, text);
    files.files.push(ProtocolFile { relative: relative.into(), kind, source });
    let (_, diags) = stepwise::check::protocol(&sources, &files, stepwise::check::Lints::Run);
    let sorted = diags.into_sorted();
    for f in [DiagnosticFormat::Human, DiagnosticFormat::Plain, DiagnosticFormat::Json] {
        let _ = render(&sorted, &sources, f, false);
    }
});
