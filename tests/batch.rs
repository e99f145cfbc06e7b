//! `stepwise batch`: one record per input in input order, error records that name the source,
//! the summary, exit codes, thread-count independence, and equality with `next`.

use crate::support::{Test, root};

fn log_json(patient: &str, during: u32, exercise: &str, fatigue: Option<u32>) -> String {
    let fatigue = fatigue.map(|f| format!(",\"fatigue\":{f}")).unwrap_or_default();
    format!(
        "{{\"patient\":\"{patient}\",\"start\":\"2026-09-01\",\"intake\":{{\"provider_cleared\":true}},\"sessions\":[\
         {{\"date\":\"2026-09-02\",\"pain\":{{\"before\":2,\"during\":2,\"after\":2,\"next_day\":2}}{fatigue},\"exercises\":[{{\"id\":\"walking\",\"minutes\":15}}]}},\
         {{\"date\":\"2026-09-04\",\"pain\":{{\"before\":2,\"during\":{during},\"after\":2,\"next_day\":2}}{fatigue},\"exercises\":[{{\"id\":\"{exercise}\",\"minutes\":15}}]}}]}}"
    )
}

/// Good logs, a malformed line, pain 12, an unknown exercise and (with the protocol below) a
/// log whose script fails because fatigue is missing.
fn mixed_input() -> String {
    [
        log_json("P-1", 2, "walking", Some(3)),
        "{\"patient\":\"P-2\",\"start\":".to_string(),
        log_json("P-3", 12, "walking", Some(3)),
        log_json("P-4", 2, "walkin", Some(3)),
        log_json("P-5", 2, "walking", None),
        log_json("P-6", 6, "walking", Some(3)),
    ]
    .join("\n")
        + "\n"
}

/// The shipped protocol plus a rule that fails on a log without fatigue ratings.
fn with_fragile_rule(t: Test) -> Test {
    t.shipped_protocol().file(
        "protocol/rules/60-fragile.yaml",
        "rules:\n  - id: fragile-fatigue\n    description: Reads fatigue without a default.\n    when: |\n      last.fatigue + 1 > 8\n    then:\n      decision: hold\n    source: test\n",
    )
}

fn records(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().map(|l| serde_json::from_str(l).expect("each record is JSON")).collect()
}

#[test]
fn mixed_input_gives_one_record_per_log_in_order() {
    let t = with_fragile_rule(Test::new().file("in.jsonl", &mixed_input()));
    let out = t.args(&["batch", "in.jsonl", "--protocol", "protocol", "--jobs", "2"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    let r = records(&out.stdout);
    assert_eq!(r.len(), 6);
    assert_eq!(r[0]["patient"], "P-1");
    assert_eq!(r[0]["decision"], "progress");
    assert_eq!(r[1]["patient"], "P-2");
    assert_eq!(r[1]["source"], serde_json::json!({"file": "in.jsonl", "line": 2}));
    assert_eq!(r[1]["errors"][0]["code"], "E0606");
    assert_eq!(r[1]["protocol"]["id"], "hip-return");
    assert_eq!(r[2]["patient"], "P-3");
    assert_eq!(r[2]["source"]["line"], 3);
    assert_eq!(r[2]["error"], "12 is out of range: expected a whole number from 0 to 10");
    assert_eq!(r[2]["errors"][0]["line"], 3);
    assert_eq!(r[3]["error"], "unknown exercise `walkin`");
    assert_eq!(r[3]["errors"][0]["help"], "did you mean `walking`?");
    assert_eq!(r[4]["patient"], "P-5");
    let msg = r[4]["error"].as_str().unwrap();
    assert!(msg.starts_with("error while evaluating rule `fragile-fatigue` for the session of 2026-09-02:"), "{msg}");
    assert!(r[4]["errors"][0]["file"].as_str().unwrap().ends_with("60-fragile.yaml"));
    assert_eq!(r[4]["errors"][0]["line"], 5);
    // Pain 6 during exercise: the stop zone, rest before the scaled-back session (1.4.0).
    assert_eq!(r[5]["decision"], "rest");
    assert_eq!(
        out.stderr,
        "read 6 log(s): 2 answered, 4 error(s)\n\
         decisions: refer 0, rest 1, regress 0, hold 0, progress 1\n\
         phases: reintroduce 2\n\
         review (rest): P-6\n\
         errors: P-2 (in.jsonl:2), P-3 (in.jsonl:3), P-4 (in.jsonl:4), P-5 (in.jsonl:5)\n"
    );
}

#[test]
fn summary_json_holds_the_counts() {
    let t = with_fragile_rule(Test::new().file("in.jsonl", &mixed_input()));
    let t = t.args(&["batch", "in.jsonl", "--protocol", "protocol", "--quiet", "--summary-json", "summary.json"]);
    let out = t.run();
    assert_eq!(out.status, 4);
    assert_eq!(out.stderr, "");
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["read"], 6);
    assert_eq!(s["protocol"]["id"], "hip-return");
    assert_eq!(s["answered"], 2);
    assert_eq!(s["errors"], 4);
    assert_eq!(s["decisions"]["progress"], 1);
    assert_eq!(s["needs_review"], serde_json::json!([{"patient": "P-6", "decision": "rest"}]));
    assert_eq!(s["phases"], serde_json::json!([["reintroduce", 2]]));
    assert_eq!(
        s["failed"][0],
        serde_json::json!({"patient": "P-2", "source": {"file": "in.jsonl", "line": 2}, "error": s["failed"][0]["error"]})
    );
    assert_eq!(s["failed"][1]["error"], "12 is out of range: expected a whole number from 0 to 10");
}

#[test]
fn csv_refuses_a_trace_or_timeline_rather_than_drop_it() {
    for flag in ["--timeline", "--explain"] {
        Test::new().file("in.jsonl", &mixed_input()).args(&["batch", "in.jsonl", "--format", "csv", flag]).expect(
            2,
            "",
            "error: --explain and --timeline need --format jsonl: a CSV row has no room for a trace or a timeline\n",
        );
    }
}

#[test]
fn source_adds_where_each_answer_came_from() {
    let out = Test::new().file("in.jsonl", &mixed_input()).args(&["batch", "in.jsonl", "--source", "--quiet"]).run();
    let r = records(&out.stdout);
    assert_eq!(r[0]["source"], serde_json::json!({"file": "in.jsonl", "line": 1}));
    assert_eq!(r[5]["source"], serde_json::json!({"file": "in.jsonl", "line": 6}));
    // Without --source an answer record is exactly the `next` answer (no source key).
    let plain = Test::new().file("in.jsonl", &mixed_input()).args(&["batch", "in.jsonl", "--quiet"]).run();
    assert!(records(&plain.stdout)[0].get("source").is_none());
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let mut input = String::new();
    for i in 0..300 {
        input.push_str(&log_json(&format!("P-{i:04}"), i % 9, if i % 37 == 0 { "walkin" } else { "walking" }, Some(i % 10)));
        input.push('\n');
    }
    let t = Test::new().file("in.jsonl", &input);
    let one = t.args(&["batch", "in.jsonl", "--jobs", "1", "--quiet"]).run();
    let t = Test::new().file("in.jsonl", &input);
    let four = t.args(&["batch", "in.jsonl", "--jobs", "4", "--quiet"]).run();
    assert_eq!(one.status, 4);
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.stdout.lines().count(), 300);
}

#[test]
fn folder_and_stdin_inputs_give_the_same_records_as_jsonl() {
    let logs: Vec<String> = (0..5).map(|i| log_json(&format!("P-{i}"), i * 2, "walking", Some(3))).collect();
    let jsonl = logs.join("\n") + "\n";
    let mut t = Test::new().file("in.jsonl", &jsonl);
    for (i, l) in logs.iter().enumerate() {
        t = t.file(&format!("logs/sub/{i}.json"), l);
    }
    let from_jsonl = t.args(&["batch", "in.jsonl", "--quiet"]).run();
    let t2 = Test::new().file("in.jsonl", &jsonl);
    let from_stdin = t2.args(&["batch", "-", "--quiet"]).stdin(&jsonl).run();
    assert_eq!(from_jsonl.stdout, from_stdin.stdout);
    let mut t3 = Test::new();
    for (i, l) in logs.iter().enumerate() {
        t3 = t3.file(&format!("logs/sub/{i}.json"), l);
    }
    let from_dir = t3.args(&["batch", "logs", "--quiet"]).run();
    assert_eq!(from_jsonl.stdout, from_dir.stdout);
    assert_eq!(from_jsonl.status, 0);
}

#[test]
fn a_folder_answers_logs_whose_extension_is_in_capitals() {
    // `A.YAML` and `B.JSON` were skipped by the folder walk (the extension test was
    // case-sensitive); `B.JSON` is read as JSON, as `b.json` is, so it gives the same record.
    let (a, b) = (log_json("P-A", 2, "walking", Some(3)), log_json("P-B", 4, "walking", Some(3)));
    let upper = Test::new().file("logs/A.YAML", &a).file("logs/B.JSON", &b).args(&["batch", "logs", "--quiet"]).run();
    let lower = Test::new().file("logs/a.yaml", &a).file("logs/b.json", &b).args(&["batch", "logs", "--quiet"]).run();
    assert_eq!(upper.status, 0, "{}", upper.stderr);
    let r = records(&upper.stdout);
    assert_eq!(r.len(), 2, "{}", upper.stdout);
    assert_eq!(r[0]["patient"], "P-A");
    assert_eq!(r[1]["patient"], "P-B");
    assert_eq!(upper.stdout, lower.stdout);
    // A JSON Lines file in capitals holds one log per line, as `in.jsonl` does.
    let lines = Test::new().file("logs/IN.JSONL", &format!("{a}\n{b}\n")).args(&["batch", "logs", "--quiet"]).run();
    assert_eq!(lines.stdout, lower.stdout);
}

#[test]
fn each_record_equals_the_next_answer_byte_for_byte() {
    let examples = root().join("examples");
    let mut files: Vec<_> = std::fs::read_dir(&examples).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let out = Test::new().args(&["batch", examples.to_str().unwrap(), "--quiet"]).run();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")).count());
    for (file, line) in files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")).zip(lines) {
        let next = Test::new().args(&["next", file.to_str().unwrap(), "--format", "json"]).run();
        assert_eq!(next.stdout, format!("{line}\n"), "{}", file.display());
    }
}

#[test]
fn output_file_is_written_whole_and_csv_is_flat() {
    let input = mixed_input();
    let t = Test::new().file("in.jsonl", &input);
    let t = t.args(&["batch", "in.jsonl", "-o", "out.csv", "--format", "csv", "--quiet"]);
    let out = t.run();
    assert_eq!(out.status, 4);
    assert_eq!(out.stdout, "");
    let csv = std::fs::read_to_string(t.path().join("out.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "patient,as_of,decision,urgency,phase,rules_fired,next_date,next_exercises,flags,source,error,protocol");
    assert!(
        rows[1].starts_with(
            "P-1,2026-09-04,progress,,reintroduce,clean-sessions-progress,2026-09-05,\"walking 16.5 min; hip_mobility 10 min; bridge 2 x 8, hold 3 s; clamshell 2 x 10; side_lying_leg_lift 2 x 5, hold 5 s; band_walk 2 x 10\",,in.jsonl:1,,hip-return 1.6.0 sha256:"
        ),
        "{}",
        rows[1]
    );
    assert!(rows[2].starts_with("P-2,,,,,,,,error,in.jsonl:2,"), "{}", rows[2]);
    assert_eq!(rows.len(), 7);
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn missing_input_fails_before_evaluation() {
    Test::new().args(&["batch", "missing.jsonl"]).expect(
        2,
        "",
        "error: cannot read `missing.jsonl`: No such file or directory (os error 2)\n",
    );
}

#[test]
fn broken_protocol_fails_before_evaluation() {
    let t = Test::new().shipped_protocol().file("in.jsonl", &(log_json("P-1", 2, "walking", Some(3)) + "\n"));
    std::fs::write(t.path().join("protocol/plans/protocol.yaml"), "protocol: {}\n").unwrap();
    let out = t.args(&["batch", "in.jsonl", "--protocol", "protocol", "--message-format", "plain"]).run();
    assert_eq!(out.status, 3, "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn the_summary_lists_phases_in_protocol_order_and_phase_changes_for_review() {
    let t = Test::new();
    let examples = crate::support::root().join("examples");
    let out = t.args(&["batch", examples.to_str().expect("utf-8 path")]).run();
    assert_eq!(out.status, 0);
    assert_eq!(
        out.stderr,
        "read 22 log(s): 22 answered, 0 error(s)\n\
         decisions: refer 4, rest 3, regress 3, hold 5, progress 7\n\
         phases: reintroduce 8, strengthen 7, return 7\n\
         review (refer): P-1005, P-1006, P-1007, P-1019\n\
         review (rest): P-1008, P-1014, P-1017\n\
         review (regress): P-1002, P-1015, P-1020\n\
         review (phase change): P-1009 (reintroduce -> strengthen), P-1012 (strengthen -> return)\n"
    );
}
