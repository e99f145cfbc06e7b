//! The patient-log reader: any bytes, read as YAML and as JSON, validated against the hip
//! protocol. It must never panic; bad input is a diagnostic, rendered in every format.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stepwise::check::log::{LogFormat, read, validate};
use stepwise::diagnostic::Diagnostics;
use stepwise::diagnostic::render::{DiagnosticFormat, render};
use stepwise::script::CompiledProtocol;
use stepwise::source::SourceMap;

fn hip() -> &'static CompiledProtocol {
    static P: OnceLock<CompiledProtocol> = OnceLock::new();
    P.get_or_init(|| {
        let mut sources = SourceMap::default();
        stepwise::command::protocol::load(&mut sources, None, stepwise::check::Lints::Skip).expect("embedded").compiled.expect("valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = stepwise::command::batch::input::decode(data.to_vec()) else { return };
    for format in [LogFormat::Yaml, LogFormat::Json] {
        let mut sources = SourceMap::default();
        let source = sources.add("log", text.clone());
        let mut diags = Diagnostics::default();
        match read(source, &text, format, 0) {
            Ok(raw) => {
                let _ = validate(source, raw, &hip().protocol, &mut diags);
            }
            Err(d) => diags.push(*d),
        }
        let sorted = diags.into_sorted();
        for f in [DiagnosticFormat::Human, DiagnosticFormat::Plain, DiagnosticFormat::Json] {
            let _ = render(&sorted, &sources, f, false);
        }
    }
});
