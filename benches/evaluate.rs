//! Micro-benchmarks of one log's evaluation (`cargo bench`): the embedded hip protocol on an
//! example log, and the benchmark's reference protocol on a cohort-shaped log, through the
//! library API as every caller uses it, with and without the timeline and trace.

// Test code may unwrap: a panic here is a failing test or bench, not a crash on user input
// (the crate's `[lints.clippy]` refuse `unwrap`/`expect` everywhere else).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use stepwise::{Options, Protocol};

fn main() {
    divan::main();
}

fn protocol(dir: Option<&str>) -> Protocol {
    match dir {
        Some(d) => Protocol::from_folder(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(d)).expect("protocol is valid"),
        None => Protocol::embedded().expect("protocol is valid"),
    }
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
fn hip_example_answer(b: divan::Bencher) {
    let p = protocol(None);
    let text = example();
    b.bench(|| p.answer_text("example.yaml", black_box(&text), &Options::default()).expect("answers"));
}

#[divan::bench]
fn reference_answer(b: divan::Bencher) {
    let p = protocol(Some("benches/reference-protocol"));
    let text = cohort_log();
    b.bench(|| p.answer_text("log.json", black_box(&text), &Options::default()).expect("answers"));
}

#[divan::bench]
fn reference_answer_with_timeline_and_trace(b: divan::Bencher) {
    let p = protocol(Some("benches/reference-protocol"));
    let text = cohort_log();
    let opts = Options { timeline: true, explain: true, max_errors: None };
    b.bench(|| p.answer_text("log.json", black_box(&text), &opts).expect("answers"));
}
