//! `stepwise next`: the answer in text, JSON and YAML, bad logs, and a broken protocol.

use crate::support::{Test, answer, fired, mask_digest, root};

const CLEAN_WALKS: &str = "\
patient: P-0001
start: 2026-09-01
intake: { onset: gradual, cause: overuse, provider_cleared: true }
sessions:
  - date: 2026-09-02
    pain: { before: 2, during: 2, after: 2, next_day: 2 }
    fatigue: 3
    exercises:
      - { id: walking, minutes: 15 }
  - date: 2026-09-04
    pain: { before: 2, during: 2, after: 2, next_day: 1 }
    fatigue: 3
    exercises:
      - { id: walking, minutes: 15 }
";

#[test]
fn json_answer_follows_the_contract() {
    let a = answer(CLEAN_WALKS, &[]);
    assert_eq!(a["patient"], "P-0001");
    assert_eq!(a["as_of"], "2026-09-04");
    assert_eq!(a["protocol"]["id"], "hip-return");
    assert_eq!(a["protocol"]["version"], "1.6.0");
    assert!(a["protocol"]["digest"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(a["stepwise"], env!("CARGO_PKG_VERSION"));
    assert_eq!(a["phase"], "reintroduce");
    assert_eq!(a["decision"], "progress");
    assert_eq!(fired(&a), ["clean-sessions-progress"]);
    assert_eq!(a["next_session"]["date"], "2026-09-05");
    assert_eq!(a["next_session"]["kind"], "exercise");
    let ex = &a["next_session"]["exercises"];
    assert_eq!(ex[0]["id"], "walking");
    assert_eq!(ex[0]["minutes"], 16.5);
    assert_eq!(ex[2]["id"], "bridge");
    assert_eq!((ex[2]["level"].as_u64(), ex[2]["sets"].as_u64(), ex[2]["reps"].as_u64()), (Some(1), Some(2), Some(8)));
    assert_eq!(a["messages"]["patient"][0], "Well done. Your sessions have gone well, so the next one steps up a little.");
    assert!(a.get("timeline").is_none() && a.get("trace").is_none());
}

#[test]
fn json_is_one_line_and_deterministic() {
    let t = Test::new().file("log.yaml", CLEAN_WALKS).args(&["next", "log.yaml", "--format", "json"]);
    let a = t.run();
    let b = t.run();
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout.lines().count(), 1);
}

#[test]
fn text_answer_in_plain_words() {
    let out = Test::new().file("log.yaml", CLEAN_WALKS).args(&["next", "log.yaml"]).run();
    assert_eq!(out.status, 0);
    let text = mask_digest(&out.stdout);
    assert!(text.starts_with("Patient P-0001, as of 2026-09-04\nProtocol hip-return 1.6.0 (sha256:DIGEST), from embedded\n\nDecision: PROGRESS: advance\nPhase:    reintroduce (Reintroduce movement with caution)\n"), "{text}");
    assert!(text.contains("Next session: 2026-09-05 (exercise)\n  - Walking (walking): 16.5 min\n"), "{text}");
    assert!(text.contains("  - Glute bridge (bridge, level 1: double-leg bridge, short hold): 2 x 8, hold 3 s\n"), "{text}");
    assert!(text.ends_with("This is a suggestion for a clinician to review, not a prescription.\n"));
}

#[test]
fn yaml_answer_holds_the_same_data() {
    let out = Test::new().file("log.yaml", CLEAN_WALKS).args(&["next", "log.yaml", "--format", "yaml"]).run();
    assert_eq!(out.status, 0);
    assert!(out.stdout.contains("decision: progress\n"), "{}", out.stdout);
    assert!(out.stdout.contains("patient: P-0001\n"));
}

#[test]
fn explain_lists_every_rule_considered() {
    let a = answer(CLEAN_WALKS, &["--explain"]);
    let trace = a["trace"].as_array().unwrap();
    let rules = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap().matches("\n  - id: ").count())
        .sum::<usize>();
    assert_eq!(trace.len(), rules);
    let high_fatigue = trace.iter().find(|t| t["rule"] == "high-fatigue").unwrap();
    assert_eq!(high_fatigue["outcome"], "not fired");
    assert_eq!(high_fatigue["inputs"]["last.fatigue"], 3);
    assert_eq!(high_fatigue["inputs"]["params.fatigue_hold"], 7);
    let gate = trace.iter().find(|t| t["rule"] == "return-gate-not-met").unwrap();
    assert_eq!(gate["outcome"], "out of phase");
}

#[test]
fn timeline_gives_the_decision_after_each_session() {
    let a = answer(CLEAN_WALKS, &["--timeline"]);
    let tl = a["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), 2);
    assert_eq!(tl[0]["date"], "2026-09-02");
    assert_eq!(tl[0]["decision"], "hold");
    assert_eq!(tl[1]["decision"], "progress");
    assert_eq!(tl[1]["rules"][0], "clean-sessions-progress");
}

#[test]
fn refer_wins_over_progress_and_lists_every_fired_rule() {
    let log = CLEAN_WALKS.replace("next_day: 1 }\n    fatigue: 3", "next_day: 1 }\n    symptoms: [fever]\n    fatigue: 3");
    let a = answer(&log, &[]);
    assert_eq!(a["decision"], "refer");
    assert_eq!(fired(&a), ["infection-signs"]);
    assert_eq!(a["urgency"], "urgent");
    assert!(a["next_session"].is_null());
    assert_eq!(a["messages"]["patient"].as_array().unwrap().len(), 1, "only the winning decision speaks to the patient");
}

#[test]
fn pain_out_of_range_is_located() {
    let log = CLEAN_WALKS.replace("during: 2, after: 2, next_day: 1", "during: 12, after: 2, next_day: 1");
    Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--message-format", "plain"]).expect(
        4,
        "",
        "error[E0601]: 12 is out of range: expected a whole number from 0 to 10
  --> log.yaml:11:32
   |
11 |     pain: { before: 2, during: 12, after: 2, next_day: 1 }
   |                                ^^
  = note: in session 2 (2026-09-04)

",
    );
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let log = CLEAN_WALKS.replacen("pain: { before: 2", "pian: { before: 2", 1);
    let out = Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4);
    assert!(out.stderr.contains("unknown key `pian`"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `pain`?"), "{}", out.stderr);
    assert!(out.stderr.contains("log.yaml:6:5"), "{}", out.stderr);
}

#[test]
fn unknown_exercise_is_located() {
    let log = CLEAN_WALKS.replacen("id: walking", "id: walkin", 1);
    let out = Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4);
    assert!(out.stderr.contains("unknown exercise `walkin`"), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean `walking`?"), "{}", out.stderr);
}

#[test]
fn dates_out_of_order_are_an_error() {
    let log = CLEAN_WALKS.replace("2026-09-04", "2026-09-02");
    let out = Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4);
    assert!(out.stderr.contains("session 2 is dated `2026-09-02`, not after the session before it (`2026-09-02`)"), "{}", out.stderr);
}

#[test]
fn missing_file_is_a_usage_error() {
    Test::new().args(&["next", "nope.yaml"]).expect(2, "", "error: cannot read `nope.yaml`: No such file or directory (os error 2)\n");
}

#[test]
fn json_logs_are_read_too() {
    let json = r#"{"patient":"P-9","start":"2026-09-01","intake":{"provider_cleared":false},"sessions":[]}"#;
    let out = Test::new().file("log.json", json).args(&["next", "log.json", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(a["decision"], "refer");
    assert_eq!(a["as_of"], "2026-09-01");
}

#[test]
fn broken_protocol_stops_before_evaluating() {
    let t = Test::new().shipped_protocol().file("log.yaml", CLEAN_WALKS);
    let rules = t.path().join("protocol/rules/10-refer.yaml");
    let text = std::fs::read_to_string(&rules).unwrap().replace("last.has_symptom(\"numbness\")", "last.has_symptom(\"numbness\") &&");
    std::fs::write(&rules, text).unwrap();
    let out = t.args(&["next", "log.yaml", "--protocol", "protocol", "--message-format", "plain"]).run();
    assert_eq!(out.status, 3, "{}", out.stderr);
    assert!(out.stderr.contains("error: the protocol has 1 error(s)"), "{}", out.stderr);
}

#[test]
fn runaway_script_is_an_error_not_a_hang() {
    let t = Test::new().shipped_protocol().file("log.yaml", CLEAN_WALKS);
    let rules = t.path().join("protocol/rules/40-hold.yaml");
    let text = std::fs::read_to_string(&rules).unwrap().replace("(last.fatigue ?? 0) >= params.fatigue_hold", "loop { }");
    std::fs::write(&rules, text).unwrap();
    let out = t.args(&["next", "log.yaml", "--protocol", "protocol", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("error while evaluating rule `high-fatigue` for the session of 2026-09-02: the script ran too long"),
        "{}",
        out.stderr
    );
}

#[test]
fn override_pins_the_phase_and_says_so() {
    let log = CLEAN_WALKS.replace(
        "  - date: 2026-09-04\n",
        "  - date: 2026-09-04\n    override: { phase: strengthen, note: cleared by Dr. A after review }\n",
    );
    let a = answer(&log, &[]);
    assert_eq!(a["phase"], "strengthen");
    assert_eq!(a["override"]["phase"], "strengthen");
    assert_eq!(a["override"]["date"], "2026-09-04");
    let msgs = a["messages"]["clinician"].as_array().unwrap();
    assert!(
        msgs.iter()
            .any(|m| m == "the phase is pinned to `strengthen` by a clinician override of 2026-09-04 (cleared by Dr. A after review)")
    );
    assert!(a["next_session"]["exercises"].as_array().unwrap().iter().any(|e| e["id"] == "dead_bug"));
}

#[test]
fn help_shows_examples() {
    let out = Test::new().args(&["--help"]).run();
    assert_eq!(out.status, 0);
    assert!(out.stdout.contains("stepwise next examples/01-walking-progress.yaml"));
    let out = Test::new().args(&["next", "--help"]).run();
    assert!(out.stdout.contains("Example:"));
}

#[test]
fn completions_are_printed() {
    let out = Test::new().args(&["completions", "bash"]).run();
    assert_eq!(out.status, 0);
    assert!(out.stdout.contains("_stepwise()"));
}

/// Runs are never planned on consecutive days: after a run the next session moves so that
/// walk-jog intervals keep a rest day between them (issue 2, "no running on consecutive days").
#[test]
fn runs_are_planned_every_other_day() {
    let log = "\
patient: P-RUN
start: 2026-05-01
intake: { provider_cleared: true, goals: [running] }
sessions:
  - date: 2026-05-01
    override: { phase: return }
    pain: { before: 1, during: 1, after: 1, next_day: 1 }
    fatigue: 3
    exercises:
      - { id: swimming, minutes: 20 }
  - date: 2026-05-02
    pain: { before: 1, during: 1, after: 1, next_day: 1 }
    fatigue: 3
    exercises:
      - { id: walk_jog_intervals, minutes: 21, level: 1 }
";
    let a = answer(log, &[]);
    assert_eq!(a["phase"], "return");
    assert_eq!(a["next_session"]["date"], "2026-05-04");
    let ids: Vec<&str> = a["next_session"]["exercises"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"walk_jog_intervals"), "{ids:?}");
}

/// Parameters read inside helper functions are part of a reason's inputs, so a clinician sees
/// every threshold that decided (here `max_fatigue_clean`, read by the `is_clean` helper).
#[test]
fn inputs_include_parameters_read_by_helpers() {
    let a = answer(CLEAN_WALKS, &[]);
    let inputs = &a["reasons"][0]["inputs"];
    assert_eq!(inputs["params.max_fatigue_clean"], 6);
    assert_eq!(inputs["params.pain_model"], "strict");
    assert_eq!(inputs["params.clean_sessions_to_progress"], 2);
}

/// A measure the log does not record reads as `()`, so `??` supplies the default (as the
/// README's Rhai API says), for every log rather than failing at run time.
#[test]
fn a_missing_measure_reads_as_unit_so_a_default_applies() {
    let t = Test::new().shipped_protocol().file(
        "protocol/rules/60-sleep.yaml",
        "rules:\n  - id: poor-sleep\n    description: Poor sleep.\n    when: |\n      (last.measures.sleep_quality ?? 10) < 3\n    then: { decision: hold }\n    source: test\n",
    );
    let out = t.file("log.yaml", CLEAN_WALKS).args(&["next", "log.yaml", "--protocol", "protocol", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(a["decision"], "progress");
    let with_measure =
        CLEAN_WALKS.replace("next_day: 1 }\n    fatigue: 3", "next_day: 1 }\n    measures: { sleep_quality: 2 }\n    fatigue: 3");
    assert_ne!(with_measure, CLEAN_WALKS);
    let out = Test::new()
        .shipped_protocol()
        .file(
            "protocol/rules/60-sleep.yaml",
            "rules:\n  - id: poor-sleep\n    description: Poor sleep.\n    when: |\n      (last.measures.sleep_quality ?? 10) < 3\n    then: { decision: hold }\n    source: test\n",
        )
        .file("log.yaml", &with_measure)
        .args(&["next", "log.yaml", "--protocol", "protocol", "--format", "json"])
        .run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((a["decision"].as_str(), fired(&a)), (Some("hold"), vec!["clean-sessions-progress".to_string(), "poor-sleep".to_string()]));
}

/// `-` reads the log from standard input, in `next` and in `check --log`, YAML or JSON.
#[test]
fn a_log_on_stdin_is_answered_and_checked() {
    let out = Test::new().stdin(CLEAN_WALKS).args(&["next", "-", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((a["patient"].as_str(), a["decision"].as_str()), (Some("P-0001"), Some("progress")));
    let json = r#"{"patient":"P-9","start":"2026-09-01","intake":{"provider_cleared":false},"sessions":[]}"#;
    let out = Test::new().stdin(json).args(&["next", "-", "--format", "json"]).run();
    assert!(out.stdout.contains("\"decision\":\"refer\""), "{}", out.stdout);
    Test::new().stdin(CLEAN_WALKS).args(&["check", "--log", "-"]).expect(
        0,
        "ok: protocol `hip-return` 1.6.0 (embedded): 3 phases, 11 exercises, 55 rules, 1 log(s)\n",
        "",
    );
    let bad = CLEAN_WALKS.replace("during: 2, after: 2, next_day: 1", "during: 12, after: 2, next_day: 1");
    let out = Test::new().stdin(&bad).args(&["next", "-", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4);
    assert!(out.stderr.contains("--> -:11:32"), "{}", out.stderr);
}

#[test]
fn a_bad_log_with_format_json_prints_the_error_record_on_stdout() {
    let log = CLEAN_WALKS.replace(
        "fatigue: 3\n    exercises:\n      - { id: walking, minutes: 15 }\n  - date: 2026-09-04",
        "fatigue: 13\n    exercises:\n      - { id: walkin, minutes: 15 }\n  - date: 2026-09-04",
    );
    let out = Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--format", "json"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    let record: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON object on stdout");
    assert_eq!(record["patient"], "P-0001");
    assert_eq!(record["source"]["file"], "log.yaml");
    assert_eq!(record["protocol"]["id"], "hip-return");
    let errors = record["errors"].as_array().expect("errors");
    // Each problem in the one diagnostic shape.
    let found: Vec<(&str, u64)> = errors.iter().map(|e| (e["code"].as_str().unwrap_or(""), e["line"].as_u64().unwrap_or(0))).collect();
    // Every problem of the log at once, in file order: the bad rating and the unknown exercise.
    assert_eq!(found, [("E0601", 7), ("E0603", 9)], "{errors:?}");
    for e in errors {
        for key in ["code", "name", "severity", "message", "file", "line", "column", "help"] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
    }
    assert_eq!(record["error"], errors[0]["message"]);
    // The readable errors still go to stderr.
    assert!(out.stderr.contains("log.yaml:7:"), "{}", out.stderr);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let t = Test::new().file("log.yaml", CLEAN_WALKS);
    let mut child = Command::new(crate::support::bin())
        .args(["schema", "plan"])
        .current_dir(t.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the reading end at once: the writer meets a closed pipe.
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("read");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn a_full_disk_is_an_error_not_silence() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let t = Test::new().file("log.yaml", CLEAN_WALKS);
    let out = std::process::Command::new(crate::support::bin())
        .args(["next", "log.yaml"])
        .current_dir(t.path())
        .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write `<stdout>`"), "{stderr}");
}

/// Help and the version are output too: to a full disk they are an error (exit 2), not an ok.
#[test]
fn help_and_version_to_a_full_disk_are_an_error() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in [&["--help"][..], &["--version"], &["next", "--help"]] {
        let out = std::process::Command::new(crate::support::bin())
            .args(args)
            .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr, "error: cannot write `<stdout>`: No space left on device (os error 28)\n", "{args:?}");
    }
}
