//! The benchmark's reference protocol, written in stepwise's format
//! (`benches/reference-protocol/`), agrees with the reference implementation on the 14
//! hand-checked edge cases of `../shared/bench/tests/` (copied to `tests/fixtures/reference/`),
//! compared as the benchmark's `check.py` does: decision, reasons in order, and each next
//! exercise's id, sets, reps and minutes.

use crate::support::{Test, root};

/// An exercise as compared: id, sets, reps, minutes.
type Dose = (String, Option<f64>, Option<f64>, Option<f64>);

fn compared(v: &serde_json::Value) -> (String, Vec<String>, Vec<Dose>) {
    let reasons = v["reasons"]
        .as_array()
        .map_or(vec![], |r| r.iter().map(|x| x.get("rule").unwrap_or(x).as_str().unwrap_or_default().to_string()).collect());
    let exercises = v.get("next_exercises").filter(|x| !x.is_null()).or_else(|| v["next_session"].get("exercises"));
    let exercises = exercises.and_then(|e| e.as_array()).map_or(vec![], |e| {
        e.iter()
            .map(|x| (x["id"].as_str().unwrap_or_default().to_string(), x["sets"].as_f64(), x["reps"].as_f64(), x["minutes"].as_f64()))
            .collect()
    });
    (v["decision"].as_str().unwrap_or_default().to_string(), reasons, exercises)
}

#[test]
fn reference_protocol_agrees_on_the_edge_cases() {
    let dir = root().join("tests/fixtures/reference");
    let protocol = root().join("benches/reference-protocol");
    let input = dir.join("edge_cases.jsonl");
    let out = Test::new().args(&["batch", input.to_str().unwrap(), "--protocol", protocol.to_str().unwrap(), "--quiet"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let expected = std::fs::read_to_string(dir.join("edge_cases.expected.jsonl")).unwrap();
    let got: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let want: Vec<serde_json::Value> = expected.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["patient"], w["patient"]);
        assert_eq!(compared(g), compared(w), "{}", w["patient"]);
    }
}

/// The reference protocol follows the benchmark's own specification (contract 1.0, where
/// swelling is not a red flag), which its peers implement too: the only findings are the
/// red-flag lint for the symptoms contract 1.1 added, which it must not refer on to stay
/// comparable, and its referral that is not sticky (the peers answer each session alone).
#[test]
fn reference_protocol_is_all_clear_but_for_the_contract_1_1_red_flags() {
    let protocol = root().join("benches/reference-protocol");
    let out = Test::new().args(&["check", "--protocol", protocol.to_str().unwrap()]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("ok: protocol `hip-return` 1.0.0-bench ({}): 1 phase, 10 exercises, 8 rules, 2 warning(s)\n", protocol.display())
    );
    assert!(out.stderr.contains("no rule refers on red-flag symptoms `swelling`, `fall_or_impact`, `warmth_redness`,"), "{}", out.stderr);
    assert!(out.stderr.contains("rule `red-flag-symptom` refers on red-flag symptom `sharp_pain` but is not sticky"), "{}", out.stderr);
}
