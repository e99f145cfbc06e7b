//! `stepwise test`: a protocol's cases (cases/ beside plans/ and rules/) run like `cargo test`;
//! failures show expected against got with the rules' trace; `--format json`; `--coverage`
//! and `--min-coverage`; and the shipped hip protocol's own cases pass and cover every rule
//! and phase gate.

use crate::support::{Test, mask_digest, root};

const CLEAN_WALKS: &str = "\
log:
    patient: P-1
    start: 2026-03-02
    intake: { onset: gradual, cause: overuse, provider_cleared: true }
    sessions:
      - { date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
      - { date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
";

fn case(name: &str, log: &str, expect: &str) -> String {
    format!("- name: {name}\n  {}  expect:\n{expect}", log.replace("\n    ", "\n      ").replace("\n      - {", "\n        - {"))
}

fn passing() -> String {
    case(
        "two-clean-walks-progress",
        CLEAN_WALKS,
        "    decision: progress\n    phase: reintroduce\n    phase_change: none\n    fired: [clean-sessions-progress]\n    not_fired: [flare]\n    next:\n      date: 2026-03-05\n      exercises:\n        walking: { minutes: 16.5 }\n        bridge: { level: 1, sets: 2 }\n      absent: [bird_dog]\n    messages: [\"Well done\"]\n",
    )
}

#[test]
fn passing_cases_print_one_line_each_and_exit_0() {
    let file = format!(
        "{}\n- name: not-cleared\n  log_file: ../logs/intake.yaml\n  expect: {{ decision: refer, urgency: routine, next: {{ planned: false }} }}\n",
        passing()
    );
    Test::new()
        .shipped_protocol()
        .file("protocol/cases/walks.yaml", &file)
        .file("protocol/logs/intake.yaml", "patient: P-2\nstart: 2026-03-02\n")
        .args(&["test", "--protocol", "protocol"])
        .expect(
            0,
            "running 2 cases (protocol hip-return 1.6.0 (sha256:DIGEST), from protocol)\n\
             case two-clean-walks-progress ... ok\n\
             case not-cleared ... ok\n\
             \n\
             test result: ok. 2 passed, 0 failed, 0 filtered out\n",
            "",
        );
}

const WRONG: &str = r#"- name: everything-wrong
  log:
    patient: P-1
    start: 2026-03-02
    intake: { onset: gradual, cause: overuse, provider_cleared: true }
    sessions:
      - { date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
      - { date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }
  expect:
    decision: hold
    urgency: urgent
    phase: strengthen
    phase_change: { from: reintroduce, to: strengthen }
    fired: [high-fatigue]
    not_fired: [clean-sessions-progress, no-such-rule]
    next:
      planned: false
      date: 2026-03-09
      exercises:
        walking: { minutes: 15 }
        bird_dog: {}
      absent: [bridge]
    messages: ["Rest today"]
- name: bad-log
  log: |
    patient: P-3
    start: 2026-03-02
    sessions:
      - { date: 2026-03-02, pain: { before: 12 } }
  expect: {}
- name: missing-file
  log_file: nowhere.yaml
  expect: {}
- name: everything-wrong
  log: "patient: P-4\nstart: 2026-03-02\n"
  expect: {}
"#;

fn wrong() -> Test {
    Test::new()
        .shipped_protocol()
        .file("protocol/cases/wrong.yaml", WRONG)
        .file("protocol/cases/broken.yaml", "- name: typo\n  expect: { decison: hold }\n")
}

#[test]
fn failures_say_what_was_expected_and_what_the_answer_said_with_the_trace() {
    let out = wrong().args(&["test", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 1);
    assert_eq!(out.stderr, "");
    let expected = include_str!("fixtures/cases/failures.txt");
    assert_eq!(mask_digest(&out.stdout), expected);
}

#[test]
fn a_filter_runs_the_cases_whose_name_contains_it() {
    let expected = [
        "running 2 cases (protocol hip-return 1.6.0 (sha256:DIGEST), from protocol)",
        "case cases/broken.yaml ... FAILED",
        "case missing-file ... FAILED",
        "",
        "failures:",
        "",
        "---- cases/broken.yaml (cases/broken.yaml) ----",
        "  error[E0103]: unknown key `decison`",
        "    --> cases/broken.yaml:2:13",
        "    |",
        "  2 |   expect: { decison: hold }",
        "    |             ^^^^^^^ not a known key here",
        "    = help: did you mean `decision`?",
        "",
        "---- missing-file (cases/wrong.yaml:31) ----",
        "  cannot read `nowhere.yaml`: No such file or directory (os error 2)",
        "",
        "failures:",
        "    cases/broken.yaml",
        "    missing-file",
        "",
        "test result: FAILED. 0 passed, 2 failed, 3 filtered out",
        "",
    ];
    wrong().args(&["test", "--protocol", "protocol", "missing"]).expect(1, &expected.join("\n"), "");
}

#[test]
fn json_format_is_one_object_with_every_case_and_the_counts() {
    let out = wrong().args(&["test", "--protocol", "protocol", "--format", "json", "everything"]).run();
    assert_eq!(out.status, 1);
    assert_eq!(out.stdout.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!((v["passed"].as_u64(), v["failed"].as_u64(), v["filtered_out"].as_u64()), (Some(0), Some(3), Some(2)));
    assert_eq!(v["protocol"]["id"], "hip-return");
    assert!(v["protocol"]["digest"].as_str().is_some_and(|d| d.starts_with("sha256:")));
    let first = &v["cases"][1];
    assert_eq!(
        (first["name"].as_str(), first["place"].as_str(), first["status"].as_str()),
        (Some("everything-wrong"), Some("cases/wrong.yaml:1"), Some("failed"))
    );
    assert_eq!(first["mismatches"][2], serde_json::json!({"what": "decision", "expected": "hold", "got": "progress"}));
    assert_eq!(first["trace"].as_array().map(Vec::len), Some(55));
    assert!(v.get("coverage").is_none());
}

#[test]
fn coverage_lists_the_cases_firing_each_rule_and_min_coverage_fails_below_the_bar() {
    let t = Test::new().shipped_protocol().file("protocol/cases/walks.yaml", &passing());
    let out = t.args(&["test", "--protocol", "protocol", "--coverage", "--min-coverage", "3"]).run();
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "error: the cases cover 1.7% of the protocol's rules and phase gates, below --min-coverage 3\n");
    let text = mask_digest(&out.stdout);
    assert!(text.contains("\ncoverage:\n  rules:\n    not-cleared                   NEVER FIRED\n"), "{text}");
    assert!(text.contains("    clean-sessions-progress       two-clean-walks-progress\n  phase changes:\n    reintroduce -> strengthen  NEVER SEEN\n    strengthen -> return  NEVER SEEN\n  1 of 55 rules fired, 0 of 2 phase changes seen: 1.7% covered\n\ntest result: ok. 1 passed, 0 failed, 0 filtered out\n"), "{text}");
    // At the bar it passes; JSON carries the coverage with every case.
    let t = Test::new().shipped_protocol().file("protocol/cases/walks.yaml", &passing());
    let out = t.args(&["test", "--protocol", "protocol", "--coverage", "--min-coverage", "1.7", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["coverage"]["rules"][54], serde_json::json!({"rule": "clean-sessions-progress", "cases": ["two-clean-walks-progress"]}));
    assert_eq!(v["coverage"]["transitions"][0], serde_json::json!({"from": "reintroduce", "to": "strengthen", "cases": []}));
}

#[test]
fn a_protocol_without_cases_and_a_folder_that_is_no_protocol_are_usage_errors() {
    Test::new().shipped_protocol().args(&["test", "--protocol", "protocol"]).expect(
        2,
        "",
        "error: `protocol` has no cases: a protocol's test cases live in cases/ beside plans/ and rules/ (docs/cases.md)\n",
    );
    Test::new().args(&["test", "--protocol", "missing"]).expect(
        2,
        "",
        "error: `missing` is not a protocol folder: expected a folder holding plans/ and rules/ with .yaml files\n",
    );
}

#[test]
fn the_shipped_protocol_passes_its_cases_with_full_coverage() {
    let out = Test::new().args(&["test", "--protocol", root().to_str().unwrap(), "--coverage", "--min-coverage", "100"]).run();
    assert_eq!(out.status, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("  55 of 55 rules fired, 2 of 2 phase changes seen: 100% covered\n"), "{}", out.stdout);
    assert!(out.stdout.ends_with(" 0 failed, 0 filtered out\n"), "{}", out.stdout);
    // Every example log is a case: its opening comment's expected answer is checked.
    let examples = std::fs::read_dir(root().join("examples")).expect("examples").count();
    let cases = std::fs::read_to_string(root().join("cases/examples.yaml")).expect("cases/examples.yaml");
    assert_eq!(cases.matches("log_file: ../examples/").count(), examples);
}

#[test]
fn the_case_schema_accepts_every_shipped_case_file_and_rejects_a_typo() {
    let text = std::fs::read_to_string(root().join("docs/schema/case.schema.json")).expect("committed case schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let v = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    let read = |text: &str| -> serde_json::Value {
        serde_saphyr::from_str_with_options(text, serde_saphyr::options! { strict_booleans: true }).expect("YAML")
    };
    let mut files = vec![root().join("cases/examples.yaml")];
    let mut rules: Vec<_> = std::fs::read_dir(root().join("cases/rules")).expect("cases/rules").map(|e| e.expect("entry").path()).collect();
    rules.sort();
    files.extend(rules);
    assert_eq!(files.len(), 7);
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read");
        let errors: Vec<String> = v.iter_errors(&read(&text)).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert_eq!(errors, Vec::<String>::new(), "{}", path.display());
    }
    assert!(!v.is_valid(&read("- name: typo\n  log_file: x.yaml\n  expect: { decison: hold }\n")));
    assert!(!v.is_valid(&read("- name: bad\n  log_file: x.yaml\n  expect: { decision: maybe }\n")));
}

#[test]
fn outside_a_protocol_folder_the_embedded_protocol_runs_its_own_cases() {
    let out = Test::new().args(&["test", "--coverage", "--min-coverage", "100%"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let text = mask_digest(&out.stdout);
    assert!(
        text.starts_with(
            "running 302 cases (protocol hip-return 1.6.0 (sha256:DIGEST), from embedded)\ncase a-gap-of-ten-days-steps-back-two-levels-1 ... ok\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "  55 of 55 rules fired, 2 of 2 phase changes seen: 100% covered\n\ntest result: ok. 302 passed, 0 failed, 0 filtered out\n"
        ),
        "{text}"
    );
}

#[test]
fn min_coverage_is_a_percentage() {
    Test::new().args(&["test", "--min-coverage", "101"]).expect(
        2,
        "",
        "error: invalid value '101' for '--min-coverage <PCT>': expected a percentage from 0 to 100, got `101`\n\nFor more information, try '--help'.\n",
    );
}

#[test]
fn a_case_name_with_a_line_break_cannot_forge_a_passing_line() {
    let forged = "- name: \"fever-refers ... ok\\ncase fever-refers-urgently\"\n  log: |\n    patient: P-1\n    start: 2026-03-02\n    intake: { onset: gradual, cause: overuse, provider_cleared: true }\n    sessions:\n      - { date: 2026-03-02, symptoms: [fever], pain: { before: 1, during: 1, after: 1, next_day: 1 }, exercises: [{ id: walking, minutes: 15 }] }\n  expect: { decision: progress }\n";
    let t = Test::new().shipped_protocol().file("protocol/cases/forged.yaml", forged);
    let out = t.args(&["test", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 1, "{}", out.stderr);
    // The name stays on its line, escaped, so its failure cannot hide behind an `ok`.
    assert!(out.stdout.contains("\ncase fever-refers ... ok\\ncase fever-refers-urgently ... FAILED\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\n---- fever-refers ... ok\\ncase fever-refers-urgently (cases/forged.yaml:1) ----\n"), "{}", out.stdout);
    assert!(!out.stdout.lines().any(|l| l == "case fever-refers ... ok"), "{}", out.stdout);
}
