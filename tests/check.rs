//! `stepwise check`: the all-clear on the shipped protocol, `--deny-warnings`, `--format json`,
//! every error of a broken protocol in one run, and patient logs with `--log`. The diagnostics
//! themselves, one case per mistake, are in `diagnostics.rs`.

use serde_json::Value;

use crate::support::{Test, root};

/// The one line `check` prints on the shipped protocol.
const ALL_CLEAR: &str = "ok: protocol `hip-return` 1.6.0 (embedded): 3 phases, 11 exercises, 55 rules\n";

/// The all-clear line for the shipped protocol loaded from folder `from`.
fn all_clear_from(from: &str) -> String {
    ALL_CLEAR.replace("(embedded)", &format!("({from})"))
}

/// A rule file that adds a rule without a source: one warning, no error.
const UNSOURCED: &str = "\
rules:
  - id: exhausted
    description: Fatigue at the top of the scale.
    when: |
      (last.fatigue ?? 0) >= 10
    then:
      decision: hold
";

/// A rule file with three errors of three stages: an unknown phase (references), an unknown
/// function (calls) and a syntax error (Rhai).
const THREE_ERRORS: &str = "\
rules:
  - id: tired
    description: Tired.
    phases: [strenghten]
    when: |
      (last.fatigue ?? 0) >= 8
    then: { decision: hold }
    source: test
  - id: slow
    description: Slow.
    when: |
      medain(values(log.recent(3), \"minutes\")) < 10
    then: { decision: hold }
    source: test
  - id: broken
    description: Broken.
    when: |
      last.fatigue >=
    then: { decision: hold }
    source: test
";

#[test]
fn shipped_protocol_is_all_clear() {
    Test::new().args(&["check"]).expect(0, ALL_CLEAR, "");
}

#[test]
fn shipped_protocol_from_its_folder_is_all_clear_even_with_warnings_denied() {
    let root = root();
    let dir = root.to_str().expect("utf-8 path");
    Test::new().args(&["check", "--protocol", dir, "--deny-warnings"]).expect(0, &all_clear_from(dir), "");
    Test::new().args(&["check", "--protocol", dir, "--format", "plain"]).expect(0, &all_clear_from(dir), "");
}

/// Like cargo and just, `check` finds the protocol in the current folder or a parent, so a CI
/// job that forgets `--protocol .` still checks the clinic's protocol, not the embedded one;
/// `STEPWISE_PROTOCOL` overrides, and `--protocol` overrides both.
#[test]
fn the_protocol_is_discovered_from_the_current_folder_and_its_parents() {
    let t = Test::new().shipped_protocol().file("protocol/cases/readme.txt", "x");
    let sub = t.path().join("protocol/cases");
    let out = std::process::Command::new(crate::support::bin()).arg("check").current_dir(&sub).env("NO_COLOR", "1").output().unwrap();
    let found = t.path().join("protocol");
    assert_eq!(String::from_utf8_lossy(&out.stdout), all_clear_from(&found.display().to_string()));
    let out = std::process::Command::new(crate::support::bin())
        .arg("check")
        .current_dir(t.path())
        .env("STEPWISE_PROTOCOL", &found)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), all_clear_from(&found.display().to_string()));
    // A broken protocol in the folder is found, and fails, instead of the embedded one passing.
    std::fs::write(found.join("rules/60-broken.yaml"), "rules:\n  - id: x\n").unwrap();
    let out = std::process::Command::new(crate::support::bin()).arg("check").current_dir(&sub).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_example_log_is_all_clear() {
    let mut args = vec!["check".to_string(), "--deny-warnings".into()];
    let mut n = 0;
    for e in std::fs::read_dir(root().join("examples")).expect("examples") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            args.extend(["--log".into(), p.display().to_string()]);
            n += 1;
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let expected = format!("ok: protocol `hip-return` 1.6.0 (embedded): 3 phases, 11 exercises, 55 rules, {n} log(s)\n");
    Test::new().args(&args).expect(0, &expected, "");
}

const UNSOURCED_WARNING: &str = "\
warning[W0511]: rule `exhausted` has no source
  --> protocol/rules/60-extra.yaml:2:9
  |
2 |   - id: exhausted
  |         ^^^^^^^^^ no `source:`
  = help: add `source:` with the citation behind the rule, so clinicians can check it against the evidence

";

#[test]
fn warnings_pass_unless_denied() {
    let t = || Test::new().shipped_protocol().file("protocol/rules/60-extra.yaml", UNSOURCED);
    t().args(&["check", "--protocol", "protocol", "--format", "plain"]).expect(
        0,
        "ok: protocol `hip-return` 1.6.0 (protocol): 3 phases, 11 exercises, 56 rules, 1 warning(s)\n",
        UNSOURCED_WARNING,
    );
    t().args(&["check", "--protocol", "protocol", "--format", "plain", "--deny-warnings"]).expect(
        1,
        "",
        &format!("{UNSOURCED_WARNING}error: found 0 error(s) and 1 warning(s) (warnings are denied)\n"),
    );
}

#[test]
fn every_error_is_reported_in_one_run() {
    let out = Test::new()
        .shipped_protocol()
        .file("protocol/rules/60-extra.yaml", THREE_ERRORS)
        .args(&["check", "--protocol", "protocol", "--format", "plain"])
        .run();
    assert_eq!(out.status, 1);
    assert_eq!(out.stdout, "");
    let headlines: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        headlines,
        [
            "error[E0202]: unknown phase `strenghten`",
            "error[E0204]: unknown function `medain`",
            "error[E0301]: script is incomplete",
            "error: found 3 error(s) and 0 warning(s)",
        ]
    );
    assert!(out.stderr.contains("  --> protocol/rules/60-extra.yaml:12:7\n"), "{}", out.stderr);
    assert!(out.stderr.contains("  = help: did you mean `strengthen`?\n"), "{}", out.stderr);
}

#[test]
fn json_format_gives_one_object_per_line_on_stdout() {
    let out = Test::new()
        .shipped_protocol()
        .file("protocol/rules/60-extra.yaml", THREE_ERRORS)
        .args(&["check", "--protocol", "protocol", "--format", "json"])
        .run();
    assert_eq!(out.status, 1);
    assert_eq!(out.stderr, "", "diagnostics go to stdout with --format json");
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON object per line")).collect();
    assert_eq!(lines.len(), 3);
    let first = &lines[0];
    assert_eq!(first["code"], "E0202");
    assert_eq!(first["name"], "unknown-phase");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["message"], "unknown phase `strenghten`");
    assert_eq!(first["file"], "protocol/rules/60-extra.yaml");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(4), Some(14)));
    assert_eq!(first["help"], "did you mean `strengthen`?");
    assert_eq!(lines[1]["code"], "E0204");
    assert_eq!(lines[2]["code"], "E0301");
}

#[test]
fn json_format_on_the_shipped_protocol_prints_nothing() {
    Test::new().args(&["check", "--format", "json"]).expect(0, "", "");
}

#[test]
fn warnings_in_json_carry_their_severity() {
    let out = Test::new()
        .shipped_protocol()
        .file("protocol/rules/60-extra.yaml", UNSOURCED)
        .args(&["check", "--protocol", "protocol", "--format", "json"])
        .run();
    assert_eq!(out.status, 0);
    let d: Value = serde_json::from_str(out.stdout.trim()).expect("one JSON object");
    assert_eq!((d["code"].as_str(), d["severity"].as_str()), (Some("W0511"), Some("warning")));
}

const BAD_LOG: &str = "\
patient: P-0009
start: 2026-03-01
sessions:
  - date: 2026-03-03
    pain: { before: 1, after: 11 }
  - date: 2026-03-02
    exercises:
      - { id: bridge, sets: 2, reps: 8 }
";

/// The first error of [`BAD_LOG`], as `check --format plain` shows it.
const BAD_LOG_PAIN: &str = "\
error[E0601]: 11 is out of range: expected a whole number from 0 to 10
  --> bad.yaml:5:31
  |
5 |     pain: { before: 1, after: 11 }
  |                               ^^
  = note: in session 1 (2026-03-03)
";

#[test]
fn logs_are_checked_against_the_protocol() {
    Test::new().file("bad.yaml", BAD_LOG).args(&["check", "--log", "bad.yaml", "--format", "plain"]).expect(
        1,
        "",
        &format!(
            "{BAD_LOG_PAIN}
error[E0602]: session 2 is dated `2026-03-02`, not after the session before it (`2026-03-03`)
  --> bad.yaml:6:11
  |
6 |   - date: 2026-03-02
  |           ^^^^^^^^^^ dates must strictly increase
  = help: list sessions oldest first, one entry per date

error: found 2 error(s) and 0 warning(s)
"
        ),
    );
}

#[test]
fn several_logs_in_one_run_each_with_its_problems() {
    let fixed = BAD_LOG.replace("after: 11", "after: 1");
    let out = Test::new()
        .file("a.yaml", &fixed)
        .file("b.json", "{\"patient\": \"P-1\", \"start\": \"2026-03-01\", \"sessions\": [{\"date\": \"2026-03-02\", \"pian\": {}}]}\n")
        .args(&["check", "--log", "a.yaml", "b.json", "--format", "plain"])
        .run();
    assert_eq!(out.status, 1);
    let headlines: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("error") || l.starts_with("  -->")).collect();
    assert_eq!(
        headlines,
        [
            "error[E0602]: session 2 is dated `2026-03-02`, not after the session before it (`2026-03-03`)",
            "  --> a.yaml:6:11",
            "error[E0607]: unknown key `pian`",
            "  --> b.json:1:79",
            "error: found 2 error(s) and 0 warning(s)",
        ]
    );
}

#[test]
fn a_log_that_breaks_a_script_is_reported_with_the_rule() {
    // The rule reads pain after exercise without a default; a log without that rating makes
    // the script fail at run time, which `check --log` finds by evaluating the log.
    let rule = "\
rules:
  - id: raw-pain
    description: Pain after exercise is high.
    when: |
      last.pain.after + 0 >= 8
    then: { decision: hold }
    source: test
";
    let log =
        "patient: P-1\nstart: 2026-03-01\nintake: { provider_cleared: true }\nsessions:\n  - date: 2026-03-02\n    pain: { before: 1 }\n";
    let out = Test::new()
        .shipped_protocol()
        .file("protocol/rules/60-extra.yaml", rule)
        .file("log.yaml", log)
        .args(&["check", "--protocol", "protocol", "--log", "log.yaml", "--format", "plain"])
        .run();
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error[E0304]: error while evaluating rule `raw-pain`"), "{}", out.stderr);
    assert!(out.stderr.contains("  --> protocol/rules/60-extra.yaml:5:23\n"), "{}", out.stderr);
}

#[test]
fn human_format_has_no_colour_under_no_color() {
    let out =
        Test::new().shipped_protocol().file("protocol/rules/60-extra.yaml", UNSOURCED).args(&["check", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 0);
    assert!(!out.stderr.contains('\u{1b}'), "NO_COLOR is set by the test builder");
    assert!(out.stderr.contains("W0511") && out.stderr.contains("rule `exhausted` has no source"), "{}", out.stderr);
    assert!(out.stderr.contains("protocol/rules/60-extra.yaml:2:9"), "{}", out.stderr);
}

#[test]
fn a_missing_protocol_folder_is_a_usage_error() {
    let out = Test::new().args(&["check", "--protocol", "nowhere"]).run();
    assert_eq!(out.status, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
}

#[test]
fn max_errors_caps_the_list_and_json_lines_logs_are_checked_record_by_record() {
    Test::new().file("bad.yaml", BAD_LOG).args(&["check", "--log", "bad.yaml", "--format", "plain", "--max-errors", "1"]).expect(
        1,
        "",
        &format!(
            "{BAD_LOG_PAIN}  = note: --max-errors 1: the log may hold more errors, not shown\n\nerror: found 1 error(s) and 0 warning(s)\n"
        ),
    );
    // `--max-errors 0` would show nothing: refused.
    let out = Test::new().file("bad.yaml", BAD_LOG).args(&["check", "--log", "bad.yaml", "--max-errors", "0"]).run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    let jsonl = "{\"patient\":\"a\",\"start\":\"2026-01-01\",\"sessions\":[]}\n\n\
        {\"patient\":\"b\",\"start\":\"2026-01-01\",\"sessions\":[{\"date\":\"2026-01-02\",\"exercises\":[{\"id\":\"brige\"}]}]}\n";
    Test::new().file("cohort.jsonl", jsonl).args(&["check", "--log", "cohort.jsonl", "--format", "plain"]).expect(
        1,
        "",
        "\
error[E0603]: unknown exercise `brige`
  --> cohort.jsonl:3:89
  |
3 | {\"patient\":\"b\",\"start\":\"2026-01-01\",\"sessions\":[{\"date\":\"2026-01-02\",\"exercises\":[{\"id\":\"brige\"}]}]}
  |                                                                                         ^^^^^^^ the protocol defines no such exercise
  = help: did you mean `bridge`?
  = note: in session 1 (2026-01-02)

error: found 1 error(s) and 0 warning(s)
",
    );
}

#[test]
fn check_honours_the_global_message_format() {
    let out = Test::new().file("bad.yaml", BAD_LOG).args(&["--message-format", "json", "check", "--log", "bad.yaml"]).run();
    assert_eq!(out.status, 1);
    let lines: Vec<Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON diagnostic per line")).collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[1]["code"], "E0602");
}
