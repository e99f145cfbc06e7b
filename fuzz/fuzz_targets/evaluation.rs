//! Evaluation: any log the reader accepts is evaluated by the hip protocol (with timeline and
//! explanation) and rendered as text and JSON. It must never panic; a script error is a result.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use stepwise::check::log::{LogFormat, read, validate};
use stepwise::diagnostic::Diagnostics;
use stepwise::eval::{EvalOptions, evaluate};
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
    let Ok(text) = std::str::from_utf8(data) else { return };
    let format = if text.trim_start().starts_with('{') { LogFormat::Json } else { LogFormat::Yaml };
    let mut sources = SourceMap::default();
    let source = sources.add("log", text);
    let Ok(raw) = read(source, text, format, 0) else { return };
    let Some(log) = validate(source, raw, &hip().protocol, &mut Diagnostics::default()) else { return };
    let opts = EvalOptions { timeline: true, explain: true };
    let budget = std::time::Duration::from_secs(2);
    if let Ok(answer) = stepwise::script::engine::with_time_budget(budget, || evaluate(hip(), Arc::new(log), &opts)) {
        let _ = stepwise::render::text(&answer, &hip().protocol);
        let _ = stepwise::render::json_line(&answer);
    }
});
