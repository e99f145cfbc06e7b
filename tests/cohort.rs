//! Byte-identical cohort answers: a generated 2,000-patient cohort (seeded, so the same on
//! every machine and run, no external tools) answered by `stepwise batch` with one worker
//! thread and with four gives the same bytes, and every record is exactly what the library
//! API answers for that log (`Protocol::answer_text` + `render_answer`). A thread-order bug,
//! a clock or a hash map in the output, or a CLI path that drifts from the library fails here.
//!
//! The cohort mixes the decisions (clean sessions, pain rises, flares, red-flag symptoms, not
//! yet cleared) and a few invalid logs (a pain of 11), whose error records must be identical
//! too. Sessions per patient are kept short (1 to 3): a log's cost in a debug build is mostly
//! its fixed part (every rule on the last session), so longer logs add time, not coverage. The
//! whole test is about 35 s of CPU in a debug build, run as three workloads at once (about
//! 17 s on two idle cores).

use std::fmt::Write as _;

use stepwise::{AnswerFormat, Options, Protocol};

use crate::support::Test;

const PATIENTS: usize = 2_000;
/// Sessions per patient: 1 to this many (more costs time in a debug build, not coverage).
const SESSIONS_MAX: u64 = 3;
/// Every this-many patients, one log has an invalid value.
const INVALID_EVERY: usize = 97;

/// `SplitMix64`: a tiny, well-known generator; the seed fixes the cohort.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

const SYMPTOMS: [&str; 4] = ["night_pain", "swelling", "sharp_pain", "fever"];

/// One patient's log as one JSON Lines record.
fn patient(rng: &mut Rng, i: usize) -> String {
    let cleared = !rng.one_in(25);
    let mut day = rng.range(1, 20);
    let start = format!("2026-03-{day:02}");
    let mut sessions = Vec::new();
    let baseline = rng.range(0, 3);
    for s in 0..rng.range(1, SESSIONS_MAX) {
        day += rng.range(1, 3);
        let (month, dom) = if day > 31 { (4, day - 31) } else { (3, day) };
        // Mostly clean sessions (so `progress` is reached); one in five rises.
        let during = if rng.one_in(5) { baseline + rng.range(1, 3) } else { baseline };
        let after = if rng.one_in(5) { during + 1 } else { during };
        let next_day = if rng.one_in(15) { 8 } else { baseline + rng.range(0, 2) };
        let before = if i.is_multiple_of(INVALID_EVERY) && s == 0 { 11 } else { baseline };
        let symptoms = if rng.one_in(60) { format!("[\"{}\"]", SYMPTOMS[usize::try_from(rng.range(0, 3)).unwrap()]) } else { "[]".into() };
        let mut exercises = format!("{{\"id\":\"walking\",\"minutes\":{}}}", 10 + rng.range(0, 10));
        if rng.one_in(2) {
            let _ = write!(exercises, ",{{\"id\":\"bridge\",\"sets\":2,\"reps\":{}}}", rng.range(6, 10));
        }
        sessions.push(format!(
            "{{\"date\":\"2026-{month:02}-{dom:02}\",\"pain\":{{\"before\":{before},\"during\":{during},\"after\":{after},\"next_day\":{next_day}}},\"fatigue\":{},\"rom\":{{\"hip_flexion\":{}}},\"symptoms\":{symptoms},\"exercises\":[{exercises}]}}",
            rng.range(1, 7),
            rng.range(98, 108),
        ));
    }
    format!(
        "{{\"patient\":\"C-{i:05}\",\"protocol\":\"hip-return\",\"start\":\"{start}\",\"intake\":{{\"onset\":\"gradual\",\"cause\":\"overuse\",\"provider_cleared\":{cleared}}},\"sessions\":[{}]}}",
        sessions.join(",")
    )
}

fn cohort() -> Vec<String> {
    let mut rng = Rng(0x5EED_0007);
    (0..PATIENTS).map(|i| patient(&mut rng, i)).collect()
}

fn batch(jobs: &str, cohort: &str) -> String {
    let out = Test::new().file("cohort.jsonl", cohort).args(&["batch", "cohort.jsonl", "--jobs", jobs, "--quiet"]).run();
    // 4: some logs are invalid (by design); anything else is a failure of the run itself.
    assert_eq!(out.status, 4, "batch --jobs {jobs}: {}", out.stderr);
    out.stdout
}

#[test]
fn a_cohort_answers_byte_for_byte_the_same_on_one_thread_or_four_and_as_the_library_does() {
    let logs = cohort();
    let text = logs.join("\n") + "\n";
    let p = Protocol::embedded().expect("valid");
    // The two batch runs and the library's answers run at once: the test takes the time of
    // the slowest, not of the three.
    let (one, four, library) = std::thread::scope(|s| {
        let one = s.spawn(|| batch("1", &text));
        let four = s.spawn(|| batch("4", &text));
        let library: Vec<_> = logs.iter().map(|log| p.answer_text("cohort.jsonl", log, &Options::default())).collect();
        (one.join().expect("batch --jobs 1"), four.join().expect("batch --jobs 4"), library)
    });
    assert!(one == four, "batch --jobs 1 and --jobs 4 differ");

    let records: Vec<&str> = one.split_inclusive('\n').collect();
    assert_eq!(records.len(), PATIENTS);
    let (mut answered, mut failed) = (0, 0);
    let mut decisions = std::collections::BTreeMap::new();
    for (i, (result, record)) in library.iter().zip(&records).enumerate() {
        match result {
            Ok(answer) => {
                assert_eq!(p.render_answer(answer, AnswerFormat::Json), *record, "patient {i}");
                *decisions.entry(answer.decision).or_insert(0) += 1;
                answered += 1;
            }
            Err(e) => {
                let r: serde_json::Value = serde_json::from_str(record).expect("an error record is JSON");
                assert_eq!(r["source"]["line"], i + 1, "patient {i}: {record}");
                assert_eq!(r["errors"][0]["code"], p.log_error_json(e)[0]["code"], "patient {i}: {record}");
                failed += 1;
            }
        }
    }
    assert_eq!(failed, PATIENTS.div_ceil(INVALID_EVERY), "only the planted invalid logs fail");
    assert_eq!(answered + failed, PATIENTS);
    // The cohort is only worth comparing if it reaches every decision.
    assert_eq!(decisions.len(), 5, "decisions seen: {decisions:?}");
}
