//! Micro-benchmarks of one log's evaluation (`cargo bench`): the embedded hip protocol on an
//! example log, and the benchmark's reference protocol on a cohort-shaped log, each split into
//! read, check and evaluate so a regression shows where it is.

use std::hint::black_box;
use std::sync::Arc;

use stepwise::check::log::{LogFormat, read, validate};
use stepwise::diagnostic::Diagnostics;
use stepwise::eval::{EvalOptions, evaluate};
use stepwise::script::CompiledProtocol;
use stepwise::source::{SourceId, SourceMap};

fn main() {
    divan::main();
}

fn protocol(dir: Option<&str>) -> CompiledProtocol {
    let mut sources = SourceMap::default();
    let path = dir.map(|d| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(d));
    let loaded = stepwise::command::protocol::load(&mut sources, path.as_deref(), stepwise::check::Lints::Skip).expect("protocol files");
    loaded.compiled.expect("protocol is valid")
}

fn example() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/09-reintroduce-to-strengthen.yaml")).expect("example")
}

/// A cohort-shaped JSON log: 12 weeks, 4 sessions a week, 5 exercises a session.
fn cohort_log() -> String {
    let mut sessions = Vec::new();
    let start = time::Date::from_calendar_date(2026, time::Month::September, 1).expect("date");
    for i in 0..48 {
        let date = start + time::Duration::days(1 + (i * 7) / 4);
        sessions.push(format!(
            r#"{{"date":"{date}","kind":"exercise","pain":{{"before":2,"during":{},"after":2,"next_day":1}},"fatigue":4,"rom":{{"hip_flexion":100,"hip_abduction":35}},"measures":{{"single_leg_stance_s":25}},"symptoms":[],"exercises":[{{"id":"walking","minutes":20}},{{"id":"bridge","sets":3,"reps":12,"hold_s":3}},{{"id":"clamshell","sets":3,"reps":12}},{{"id":"bird_dog","sets":2,"reps":10}},{{"id":"cycling","minutes":15.5}}],"notes":"felt fine"}}"#,
            2 + i % 2
        ));
    }
    format!(
        r#"{{"patient":"P-000001","protocol":"hip-return","start":"2026-09-01","intake":{{"onset":"gradual","cause":"overuse","provider_cleared":true}},"sessions":[{}]}}"#,
        sessions.join(",")
    )
}

#[divan::bench]
fn hip_example_read_check_evaluate(b: divan::Bencher) {
    let c = protocol(None);
    let text = example();
    b.bench(|| {
        let raw = read(SourceId(0), black_box(&text), LogFormat::Yaml, 0).expect("valid log");
        let log = validate(SourceId(0), raw, &c.protocol, &mut Diagnostics::default()).expect("valid log");
        evaluate(&c, Arc::new(log), &EvalOptions::default()).expect("evaluates")
    });
}

#[divan::bench]
fn reference_read_json(b: divan::Bencher) {
    let text = cohort_log();
    b.bench(|| read(SourceId(0), black_box(&text), LogFormat::Json, 0).expect("valid log"));
}

#[divan::bench]
fn reference_read_check_evaluate(b: divan::Bencher) {
    let c = protocol(Some("benches/reference-protocol"));
    let text = cohort_log();
    b.bench(|| {
        let raw = read(SourceId(0), black_box(&text), LogFormat::Json, 0).expect("valid log");
        let log = validate(SourceId(0), raw, &c.protocol, &mut Diagnostics::default()).expect("valid log");
        evaluate(&c, Arc::new(log), &EvalOptions::default()).expect("evaluates")
    });
}

#[divan::bench]
fn reference_evaluate_only(b: divan::Bencher) {
    let c = protocol(Some("benches/reference-protocol"));
    let text = cohort_log();
    let raw = read(SourceId(0), &text, LogFormat::Json, 0).expect("valid log");
    let log = Arc::new(validate(SourceId(0), raw, &c.protocol, &mut Diagnostics::default()).expect("valid log"));
    b.bench(|| evaluate(&c, black_box(log.clone()), &EvalOptions::default()).expect("evaluates"));
}
