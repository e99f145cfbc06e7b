//! The patient-log reader: any bytes, read as YAML and as JSON, validated against the hip
//! protocol. It must never panic; bad input is a diagnostic, rendered in every format.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stepwise::DiagnosticFormat;
use stepwise::{Options, Protocol};

fn hip() -> &'static Protocol {
    static P: OnceLock<Protocol> = OnceLock::new();
    P.get_or_init(|| Protocol::embedded().expect("the embedded protocol is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for name in ["log.yaml", "log.json"] {
        if let Err(e) = hip().answer_text(name, text, &Options::default()) {
            for f in [DiagnosticFormat::Human, DiagnosticFormat::Plain, DiagnosticFormat::Json] {
                let _ = hip().render_log_error(&e, f, false);
            }
        }
    }
});
