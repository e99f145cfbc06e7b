//! Evaluation: any log the reader accepts is evaluated by the hip protocol (with timeline and
//! explanation) and rendered as text, JSON and YAML, through the library API. It must never
//! panic; a bad log or a script error is a result.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stepwise::{AnswerFormat, Options, Protocol};

fn hip() -> &'static Protocol {
    static P: OnceLock<Protocol> = OnceLock::new();
    P.get_or_init(|| Protocol::embedded().expect("the embedded protocol is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let name = if text.trim_start().starts_with('{') { "log.json" } else { "log.yaml" };
    let opts = Options { timeline: true, explain: true, max_errors: None };
    if let Ok(answer) = hip().answer_text(name, text, &opts) {
        for f in [AnswerFormat::Text, AnswerFormat::Json, AnswerFormat::Yaml] {
            let _ = hip().render_answer(&answer, f);
        }
    }
});
