//! The protocol loader: the embedded hip protocol plus one fuzzed file (a rule file, a plan
//! file or a helper script, chosen by the first byte), checked with lints and compiled. It must
//! never panic; every problem is a diagnostic, rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepwise::DiagnosticFormat;
use stepwise::{Checked, ProtocolSource};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let relative = match which % 3 {
        0 => "rules/zz.yaml",
        1 => "plans/zz.yaml",
        _ => "rules/zz.rhai",
    };
    let mut files = ProtocolSource::embedded_files();
    files.push((relative.to_string(), text.to_string()));
    let Ok(checked) = Checked::load(&ProtocolSource::Files { name: "fuzz".into(), files }, true) else { return };
    for f in [DiagnosticFormat::Human, DiagnosticFormat::Plain, DiagnosticFormat::Json] {
        let _ = checked.render(checked.diagnostics(), f, false);
    }
});
