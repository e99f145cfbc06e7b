//! A guard on the cost of answering one log (`cargo bench --bench per_log_guard`): the reference
//! protocol answers cohort-shaped JSON logs, and the same logs are parsed by `serde_json` into
//! `IgnoredAny` (reading every byte and building nothing: the least any JSON engine can do).
//! Both are timed in the same run, interleaved, best of several rounds, so the ratio holds on a
//! noisy machine where absolute times do not. The guard fails (exit 1) when stepwise costs more
//! than `STEPWISE_GUARD_MAX_RATIO` times the bare parse (default below), so a change that makes
//! every log slower is caught before it ships; benches/peers.sh gives the whole-run figures.

// Bench code may unwrap: a panic here is a failing bench, not a crash on user input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use stepwise::{Options, Protocol};

/// The ratio this guard allows. Measured on 2 shared cores on 2026-11-30: 5.8 (parsing and
/// validating every field, eight rules, the next session and the JSON answer, against a bare
/// parse that builds nothing); the margin absorbs noise.
const DEFAULT_MAX_RATIO: f64 = 8.0;
const LOGS: usize = 200;
const ROUNDS: usize = 7;

/// A cohort-shaped JSON log (12 weeks, 4 sessions a week, 5 exercises a session); `seed`
/// varies the pain so that the logs are not all alike.
fn cohort_log(seed: usize) -> String {
    let start = time::Date::from_calendar_date(2026, time::Month::September, 1).expect("date");
    let sessions: Vec<String> = (0..48)
        .map(|i| {
            let date = start + time::Duration::days(1 + (i * 7) / 4);
            let during = 2 + (i + i64::try_from(seed).unwrap()) % 3;
            format!(
                r#"{{"date":"{date}","kind":"exercise","pain":{{"before":2,"during":{during},"after":2,"next_day":1}},"fatigue":4,"rom":{{"hip_flexion":100,"hip_abduction":35}},"measures":{{"single_leg_stance_s":25}},"symptoms":[],"exercises":[{{"id":"walking","minutes":20}},{{"id":"bridge","sets":3,"reps":12,"hold_s":3}},{{"id":"clamshell","sets":3,"reps":12}},{{"id":"bird_dog","sets":2,"reps":10}},{{"id":"cycling","minutes":15.5}}],"notes":"felt fine"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"patient":"P-{seed:06}","protocol":"hip-return","start":"2026-09-01","intake":{{"onset":"gradual","cause":"overuse","provider_cleared":true}},"sessions":[{}]}}"#,
        sessions.join(",")
    )
}

/// The fastest of `ROUNDS` passes over every log, per log.
fn best_per_log(logs: &[String], mut one: impl FnMut(&str)) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            for log in logs {
                one(black_box(log));
            }
            t.elapsed() / u32::try_from(logs.len()).unwrap()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let protocol = Protocol::from_folder(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reference-protocol"))
        .expect("the reference protocol is valid");
    let logs: Vec<String> = (0..LOGS).map(cohort_log).collect();
    let options = Options::default();
    let max: f64 = std::env::var("STEPWISE_GUARD_MAX_RATIO").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_MAX_RATIO);

    // Warm both paths once (caches, lazy statics), then measure.
    let mut answered = 0;
    for log in &logs {
        let answer = protocol.answer_text("log.json", log, &options).expect("every log answers");
        answered += usize::from(!protocol.render_answer(&answer, stepwise::AnswerFormat::Json).is_empty());
        serde_json::from_str::<serde::de::IgnoredAny>(log).expect("valid JSON");
    }
    assert_eq!(answered, LOGS);
    let mut parse = Duration::MAX;
    let mut answer = Duration::MAX;
    for _ in 0..3 {
        parse = parse.min(best_per_log(&logs, |log| {
            black_box(serde_json::from_str::<serde::de::IgnoredAny>(log).ok());
        }));
        answer = answer.min(best_per_log(&logs, |log| {
            let a = protocol.answer_text("log.json", log, &options).ok();
            black_box(a.map(|a| protocol.render_answer(&a, stepwise::AnswerFormat::Json)));
        }));
    }
    let bytes = logs.iter().map(String::len).sum::<usize>() / LOGS;
    let ratio = answer.as_secs_f64() / parse.as_secs_f64().max(1e-9);
    println!("per-log cost, {bytes}-byte cohort-shaped JSON log, reference protocol:");
    println!("  bare JSON parse (serde_json, IgnoredAny): {:>8.1} us", parse.as_secs_f64() * 1e6);
    println!("  stepwise answer, rendered as JSON:        {:>8.1} us", answer.as_secs_f64() * 1e6);
    println!("  ratio {ratio:.2} (allowed: {max:.2}, STEPWISE_GUARD_MAX_RATIO)");
    if ratio > max {
        eprintln!("per_log_guard: answering one log costs {ratio:.2}x a bare parse, more than the {max:.2}x allowed");
        std::process::exit(1);
    }
}
