//! The protocol loader: the embedded hip protocol plus one fuzzed file (a rule file, a plan
//! file or a helper script, chosen by the first byte), checked with lints and compiled (which
//! answers `check`'s red-flag probe logs). It must never panic; every problem is a diagnostic,
//! rendered in every format. A protocol that loads then answers a log of three sessions twice
//! (a scope kept between logs and sessions once panicked on a rule's closure).
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
    if let Some(protocol) = checked.protocol() {
        for _ in 0..2 {
            let _ = protocol.answer_text("fuzz.json", LOG, &stepwise::Options::default());
        }
    }
});

const LOG: &str = r#"{"patient":"F-1","start":"2026-03-01","intake":{"provider_cleared":true},"sessions":[
{"date":"2026-03-02","pain":{"before":2,"during":2,"after":2,"next_day":2},"fatigue":3,"exercises":[{"id":"walking","minutes":15}]},
{"date":"2026-03-04","pain":{"before":2,"during":3,"after":2,"next_day":2},"fatigue":3,"symptoms":["stiffness"],"exercises":[{"id":"walking","minutes":15}]},
{"date":"2026-03-06","pain":{"before":2,"during":2,"after":2,"next_day":2},"fatigue":3,"rom":{"hip_flexion":100},"exercises":[{"id":"bridge","level":1,"sets":2,"reps":8}]}]}"#;
