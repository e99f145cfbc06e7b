//! Hostile inputs (issue 10): protocols, logs, folders and output paths that once crashed,
//! hung or weakened a safety rule. Each case runs the real binary and expects a clear error or
//! an answer, never a panic.

use std::path::Path;

use crate::support::{Output, Test};

/// A clean two-session log on the shipped protocol.
const CLEAN: &str = "\
patient: P-1
start: 2026-09-01
intake: { provider_cleared: true }
sessions:
  - date: 2026-09-02
    pain: { before: 2, during: 2, after: 2, next_day: 2 }
    fatigue: 3
    exercises:
      - { id: walking, minutes: 15 }
  - date: 2026-09-04
    pain: { before: 2, during: 2, after: 2, next_day: 2 }
    fatigue: 3
    exercises:
      - { id: walking, minutes: 15 }
";

fn no_panic(out: &Output) {
    assert!(!out.stderr.contains("panicked"), "panic: {}", out.stderr);
    assert!(out.status != 101 && out.status >= 0, "crashed with {}: {}", out.status, out.stderr);
}

/// Runs check, next and batch on the shipped protocol with one extra file.
fn every_verb(extra: &str, text: &str) -> [Output; 3] {
    let t = Test::new().shipped_protocol().file(extra, text).file("log.yaml", CLEAN);
    let check = t.args(&["check", "--protocol", "protocol", "--format", "plain"]).run();
    let t = Test::new().shipped_protocol().file(extra, text).file("log.yaml", CLEAN);
    let next = t.args(&["next", "log.yaml", "--protocol", "protocol", "--message-format", "plain"]).run();
    let t = Test::new().shipped_protocol().file(extra, text).file("log.yaml", CLEAN);
    let batch = t.args(&["batch", "log.yaml", "--protocol", "protocol", "--quiet", "--message-format", "plain"]).run();
    for out in [&check, &next, &batch] {
        no_panic(out);
    }
    [check, next, batch]
}

#[test]
fn unfinished_helper_header_is_a_syntax_error_not_a_panic() {
    for text in ["fn f(a", "fn f(a)", "fn f(a) {", "fn f(", "fn"] {
        let [check, next, batch] = every_verb("protocol/rules/zz.rhai", text);
        assert_eq!(check.status, 1, "{text}: {}", check.stderr);
        assert!(check.stderr.contains("rules/zz.rhai:1:"), "{text}: {}", check.stderr);
        assert_eq!(next.status, 3, "{text}: {}", next.stderr);
        assert_eq!(batch.status, 3, "{text}: {}", batch.stderr);
    }
}

#[test]
fn diagnostics_beyond_line_65535_do_not_panic() {
    // An unknown parameter far down a helper file (on line 65,536 a 16-bit line was zero):
    // located on its own line.
    for lines in [65_535, 70_000] {
        let pad = "\n".repeat(lines);
        let [check, ..] = every_verb("protocol/rules/zz.rhai", &format!("{pad}fn f(p) {{ p.x + params.nope }}\n"));
        assert_eq!(check.status, 1);
        assert!(check.stderr.contains(&format!("rules/zz.rhai:{}:", lines + 1)), "{}", check.stderr);
    }
    let pad = "\n".repeat(70_000);
    // A syntax error there: Rhai's 16-bit line saturates, the error still comes out.
    let [check, next, _] = every_verb("protocol/rules/zz.rhai", &format!("{pad}fn f(p) {{ p +* 1 }}\n"));
    assert_eq!(check.status, 1, "{}", check.stderr);
    assert!(check.stderr.contains("rules/zz.rhai:"), "{}", check.stderr);
    assert_eq!(next.status, 3);
    // And in a rule condition inside YAML.
    let body = "\n".repeat(70_000).replace('\n', "\n      ");
    let rule = format!(
        "rules:\n  - id: far\n    description: d\n    when: |\n      true{body}\n      && params.nope > 1\n    then: {{ decision: hold }}\n    source: s\n"
    );
    let [check, ..] = every_verb("protocol/rules/60-far.yaml", &rule);
    assert_eq!(check.status, 1, "{}", check.stderr);
    assert!(check.stderr.contains("unknown parameter `nope`"), "{}", check.stderr);
}

#[test]
fn a_helper_may_not_replace_a_built_in() {
    for (text, name) in [
        ("fn has_symptom(s, name) { false }\n", "has_symptom"),
        ("fn has_symptom(name) { false }\n", "has_symptom"),
        ("fn max(xs) { 0 }\n", "max"),
        ("fn len(x) { 0 }\n", "len"),
    ] {
        let [check, next, batch] = every_verb("protocol/rules/zz.rhai", text);
        assert_eq!(check.status, 1, "{}", check.stderr);
        assert!(check.stderr.contains(&format!("error[E0106]: function `{name}` has the name of a built-in function")), "{}", check.stderr);
        assert!(check.stderr.contains("rules/zz.rhai:1:4"), "{}", check.stderr);
        assert_eq!(next.status, 3, "{}", next.stderr);
        assert_eq!(batch.status, 3, "{}", batch.stderr);
        assert_eq!(batch.stdout, "");
    }
    // Inside a rule condition too.
    let rule = "rules:\n  - id: sneaky\n    description: d\n    when: |\n      fn did(s, x) { true }\n      false\n    then: { decision: hold }\n    source: s\n";
    let [check, ..] = every_verb("protocol/rules/60-sneaky.yaml", rule);
    assert!(check.stderr.contains("function `did` has the name of a built-in function"), "{}", check.stderr);
}

/// A referring rule that names a red flag but cannot fire on it is found by answering: `check`
/// warns (W0508, failing `--deny-warnings`), naming the symptom, the phases and the answers.
#[test]
fn a_red_flag_rule_that_cannot_fire_is_found_by_check() {
    let t = Test::new().shipped_protocol();
    let rules = t.path().join("protocol/rules/10-refer.yaml");
    let text = std::fs::read_to_string(&rules).expect("rules");
    let weakened = text.replacen("      last.has_symptom(\"fever\")", "      false && last.has_symptom(\"fever\")", 1);
    assert_ne!(weakened, text);
    std::fs::write(&rules, weakened).expect("write");
    let out = t.run_with(&["check", "--protocol", "protocol", "--message-format", "plain"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning[W0508]: a log whose last session reports red-flag symptom `fever` is not referred in phase `reintroduce` (hold, at a first session), `strengthen` (hold, at a first session), `return` (hold, at a first session)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(t.run_with(&["check", "--protocol", "protocol", "--deny-warnings"]).status, 1);
    // The shipped protocol refers on every red flag in every phase: no warning.
    let clean = Test::new().shipped_protocol().run_with(&["check", "--protocol", "protocol", "--deny-warnings"]);
    assert_eq!(clean.status, 0, "{}", clean.stderr);
}

/// `check` with the shipped protocol whose `rules/10-refer.yaml` has `from` replaced by `to`:
/// its plain diagnostics, after asserting that `--deny-warnings` fails on them.
fn check_weakened_refer_rules(from: &str, to: &str) -> String {
    let t = Test::new().shipped_protocol();
    let rules = t.path().join("protocol/rules/10-refer.yaml");
    let text = std::fs::read_to_string(&rules).expect("rules");
    let weakened = text.replacen(from, to, 1);
    assert_ne!(weakened, text, "{from} is not in rules/10-refer.yaml");
    std::fs::write(&rules, weakened).expect("write");
    let out = t.run_with(&["check", "--protocol", "protocol", "--message-format", "plain"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(t.run_with(&["check", "--protocol", "protocol", "--deny-warnings"]).status, 1);
    out.stderr
}

/// A red-flag rule that fires only on some logs is found too: the probe answers logs of several
/// shapes (a first session, a long history, a check-in, a painful session, no ratings), and the
/// warning names the shape that was not referred.
#[test]
fn a_red_flag_rule_that_fires_only_on_some_logs_is_found_by_check() {
    for (from, to, symptom, answer) in [
        (
            "      last.has_symptom(\"fever\")",
            "      log.session_count < 3 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"numbness\")",
            "      last.kind == \"exercise\" && last.has_symptom(\"numbness\")",
            "numbness",
            "hold, at a check-in",
        ),
        (
            "      last.has_symptom(\"giving_way\")",
            "      (last.pain.during ?? 0) < 5 && last.has_symptom(\"giving_way\")",
            "giving_way",
            "rest, with pain 7 during exercise",
        ),
        (
            "      last.has_symptom(\"fall_or_impact\")",
            "      last.pain.before != () && last.has_symptom(\"fall_or_impact\")",
            "fall_or_impact",
            "hold, with no ratings",
        ),
        // Conditions a fifth review tried: on the range of motion, the fatigue, the number of
        // sessions and the day.
        (
            "      last.has_symptom(\"fever\")",
            "      last.rom.is_empty() && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      (last.fatigue ?? 0) != 9 && last.has_symptom(\"fever\")",
            "fever",
            "rest, with pain 7 during exercise",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      log.sessions.len() < 40 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      last.day < 400 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        // Conditions a sixth review tried: on what a first visit leaves out (a filled-in intake,
        // measures, a pain-free rating, a second symptom), on the id, the count and the span.
        (
            "      last.has_symptom(\"fever\")",
            "      last.pain.before != 0 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      log.intake.onset == () && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      last.symptoms.len() == 1 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      last.measures.is_empty() && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      log.patient.starts_with(\"P-\") && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      log.session_count <= 50 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
        (
            "      last.has_symptom(\"fever\")",
            "      log.days_since_start < 500 && last.has_symptom(\"fever\")",
            "fever",
            "hold, after 59 settled sessions over 649 days",
        ),
    ] {
        let stderr = check_weakened_refer_rules(from, to);
        let phases = ["reintroduce", "strengthen", "return"].map(|p| format!("`{p}` ({answer})")).join(", ");
        let want =
            format!("warning[W0508]: a log whose last session reports red-flag symptom `{symptom}` is not referred in phase {phases}");
        assert!(stderr.contains(&want), "{to}: {stderr}");
    }
}

/// Deleting the rule that refers a patient no provider has cleared is found by answering a
/// log whose intake says `provider_cleared: false` (W0516).
#[test]
fn a_missing_not_cleared_referral_is_found_by_check() {
    let stderr = check_weakened_refer_rules("  - id: not-cleared\n", "  - id: not-cleared\n    phases: [return]\n");
    assert!(
        stderr.contains(
            "warning[W0516]: a log whose intake says `provider_cleared: false` is not referred in phase `reintroduce` (hold, at a first session), `strengthen` (hold, at a first session)\n"
        ),
        "{stderr}"
    );
    // A condition on what a first visit leaves out (the intake's onset) is found by the long
    // history, whose intake is filled in.
    let stderr = check_weakened_refer_rules(
        "|| (!cleared_by_review && (intake == () || intake.provider_cleared != true))",
        "|| (!cleared_by_review && (intake == () || intake.provider_cleared != true) && intake.onset == ())",
    );
    assert!(
        stderr.contains("warning[W0516]: a log whose intake says `provider_cleared: false` is not referred in phase `reintroduce` (hold, after 59 settled sessions over 649 days)"),
        "{stderr}"
    );
}

/// A closure that captures a scope variable (`last`, `params`) makes it a shared value in the
/// scope kept between sessions and logs; re-pointing it panicked on the next session.
#[test]
fn a_closure_capturing_last_or_params_does_not_panic() {
    let t = Test::new()
        .shipped_protocol()
        .file("fever.json", &json_log("P-1").replace("\"sessions\":[", "\"sessions\":[{\"date\":\"2026-09-01\"},"));
    let rules = t.path().join("protocol/rules/10-refer.yaml");
    let text = std::fs::read_to_string(&rules).expect("rules");
    let captured = text.replacen(
        "      last.has_symptom(\"fever\")",
        "      [\"fever\"].some(|s| last.has_symptom(s) && params.stop_zone_pain > 0 && log.session_count > 0)",
        1,
    );
    assert_ne!(captured, text);
    std::fs::write(&rules, captured).expect("write");
    let examples: Vec<String> = ["01-walking-progress.yaml", "07-fever-red-flag-refer.yaml", "13-runner-walk-jog-progress.yaml"]
        .iter()
        .map(|e| crate::support::root().join("examples").join(e).display().to_string())
        .collect();
    let mut args = vec!["batch", "--protocol", "protocol", "-q", "--jobs", "1"];
    args.extend(examples.iter().map(String::as_str));
    let out = t.run_with(&args);
    no_panic(&out);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let decisions: Vec<String> =
        batch_records(&out.stdout).iter().map(|r| r["decision"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(decisions, ["progress", "refer", "progress"], "{}", out.stdout);
    let out = t.run_with(&["next", "--protocol", "protocol", &examples[0]]);
    no_panic(&out);
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn a_helper_defined_in_two_files_names_both() {
    let t = Test::new().shipped_protocol().file("protocol/rules/zz.rhai", "// again\nfn clean_streak(log, params) { 99 }\n").args(&[
        "check",
        "--protocol",
        "protocol",
        "--format",
        "plain",
    ]);
    let out = t.run();
    no_panic(&out);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.contains("error[E0106]: function `clean_streak` is defined in two helper files"), "{}", out.stderr);
    assert!(out.stderr.contains("protocol/rules/zz.rhai:2:4"), "{}", out.stderr);
    assert!(out.stderr.contains("first defined at protocol/rules/helpers.rhai:113:4"), "{}", out.stderr);
}

/// `next` on a log, plain messages.
fn next_on(log: &str, name: &str) -> Output {
    let out = Test::new().file(name, log).args(&["next", name, "--message-format", "plain"]).run();
    no_panic(&out);
    out
}

#[test]
fn rom_and_measures_must_be_finite_and_plausible() {
    for (field, value, message) in [
        ("rom: { hip_flexion: VALUE }", ".nan", "`.nan` is not a finite number: expected a number"),
        ("rom: { hip_flexion: VALUE }", ".inf", "`.inf` is not a finite number: expected a number"),
        ("rom: { hip_flexion: VALUE }", "-.inf", "`-.inf` is not a finite number: expected a number"),
        ("rom: { hip_flexion: VALUE }", "1e9", "1000000000 is out of range: expected a number from -180 to 360"),
        ("rom: { hip_flexion: VALUE }", "-400", "-400 is out of range: expected a number from -180 to 360"),
        ("measures: { plank_s: VALUE }", ".nan", "`.nan` is not a finite number: expected a number"),
        ("measures: { plank_s: VALUE }", "1e12", "1000000000000 is out of range: expected a number from -1000000 to 1000000"),
        // A name rules would not read: the fall it records would go unseen.
        (
            "rom: { VALUE: 60 }",
            "Hip_Flexion",
            "`Hip_Flexion` is not a measure name: expected lower-case letters, digits and `_`, starting with a letter (as `hip_flexion`)",
        ),
        (
            "rom: { VALUE: 60 }",
            "\"hip-flexion \"",
            "`hip-flexion ` is not a measure name: expected lower-case letters, digits and `_`, starting with a letter (as `hip_flexion`)",
        ),
        ("measures: { VALUE: 60 }", "\"\"", "`` is not a measure name"),
    ] {
        let log = CLEAN.replace(
            "    fatigue: 3\n    exercises:\n      - { id: walking, minutes: 15 }\n  - date: 2026-09-04",
            &format!(
                "    fatigue: 3\n    {}\n    exercises:\n      - {{ id: walking, minutes: 15 }}\n  - date: 2026-09-04",
                field.replace("VALUE", value)
            ),
        );
        assert!(log.contains(value));
        let out = next_on(&log, "log.yaml");
        assert_eq!(out.status, 4, "{value}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("error[E0601]: {message}")), "{value}: {}", out.stderr);
        assert!(out.stderr.contains("log.yaml:8:"), "{value}: {}", out.stderr);
    }
    // In range: answered.
    let log = CLEAN
        .replace("    fatigue: 3\n    exercises", "    fatigue: 3\n    rom: { knee_extension: -5, hip_flexion: 120.5 }\n    exercises");
    assert_eq!(next_on(&log, "log.yaml").status, 0);
    // JSON too.
    let json = r#"{"patient":"P-1","start":"2026-09-01","intake":{"provider_cleared":true},"sessions":[{"date":"2026-09-02","rom":{"hip_flexion":1e300}}]}"#;
    let out = next_on(json, "log.json");
    assert_eq!(out.status, 4);
    // Quoted as written in short, not as its 301 digits.
    assert!(out.stderr.contains("error[E0601]: 1e300 is out of range: expected a number from -180 to 360"), "{}", out.stderr);
}

/// Intake goals are a bounded list: refused at the first goal too many, whatever the size.
#[test]
fn intake_goals_are_bounded() {
    let goals = vec!["\"running\""; 100_000].join(",");
    let json = format!(r#"{{"patient":"P-1","start":"2026-09-01","intake":{{"provider_cleared":true,"goals":[{goals}]}},"sessions":[]}}"#);
    let out = next_on(&json, "log.json");
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("error[E0601]: more than 50 entries are too many: expected at most 50"), "{}", out.stderr);
    let fifty = vec!["\"running\""; 50].join(",");
    let json = format!(r#"{{"patient":"P-1","start":"2026-09-01","intake":{{"provider_cleared":true,"goals":[{fifty}]}},"sessions":[]}}"#);
    assert_eq!(next_on(&json, "log.json").status, 0);
}

#[test]
fn exercise_numbers_have_plausible_ranges() {
    for (from, to, message) in [
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 100000 }\n  - date: 2026-09-04",
            "is out of range: expected a number from 0 to 1440",
        ),
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 15, sets: 4294967295 }\n  - date: 2026-09-04",
            "4294967295 is out of range: expected a whole number from 0 to 100",
        ),
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 15, reps: 100000 }\n  - date: 2026-09-04",
            "100000 is out of range: expected a whole number from 0 to 1000",
        ),
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 15, hold_s: 86400 }\n  - date: 2026-09-04",
            "86400 is out of range: expected a whole number from 0 to 3600",
        ),
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 15, load_kg: 5000 }\n  - date: 2026-09-04",
            "5000 is out of range: expected a number from 0 to 1000",
        ),
        ("minutes: 15 }\n  - date: 2026-09-04", "minutes: .nan }\n  - date: 2026-09-04", "`.nan` is not a finite number"),
        // Out of range, and said so, whatever its decimals (it was refused for its form).
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 1e308 }\n  - date: 2026-09-04",
            "error[E0601]: 1e308 is out of range: expected a number from 0 to 1440 with at most one decimal place",
        ),
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: -0.5 }\n  - date: 2026-09-04",
            "error[E0601]: -0.5 is out of range: expected a number from 0 to 1440 with at most one decimal place",
        ),
        (
            "minutes: 15 }\n  - date: 2026-09-04",
            "minutes: 15.25 }\n  - date: 2026-09-04",
            "error[E0601]: 15.25 is not allowed: expected a number from 0 to 1440 with at most one decimal place",
        ),
    ] {
        let log = CLEAN.replacen(from, to, 1);
        let out = next_on(&log, "log.yaml");
        assert_eq!(out.status, 4, "{to}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{to}: {}", out.stderr);
        assert!(out.stderr.contains("log.yaml:9:"), "{to}: {}", out.stderr);
    }
}

#[test]
fn yaml_budget_breach_is_worded_with_its_limit() {
    let mut log = String::from("patient: P-1\nstart: 2026-09-01\nintake: { provider_cleared: true }\nsessions:\n");
    for i in 0..100_000u32 {
        log.push_str(&format!("  - {{ date: {}-{:02}-{:02}, fatigue: 1 }}\n", 2027 + i / 300, (i / 25) % 12 + 1, i % 25 + 1));
    }
    let out = next_on(&log, "log.yaml");
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("the YAML document is too large: more than 250,000 values (nodes)"), "{}", out.stderr);
    assert!(!out.stderr.contains("Nodes {"), "{}", out.stderr);
}

#[test]
fn a_huge_unknown_exercise_id_is_refused_without_being_echoed() {
    let id = "x".repeat(10 * 1024 * 1024);
    let json = format!(
        r#"{{"patient":"P-1","start":"2026-09-01","intake":{{"provider_cleared":true}},"sessions":[{{"date":"2026-09-02","exercises":[{{"id":"{id}","minutes":5}}]}}]}}"#
    );
    let out = next_on(&json, "log.json");
    assert_eq!(out.status, 4, "{}", &out.stderr[..out.stderr.len().min(500)]);
    assert!(out.stderr.len() < 2_000, "the message echoes the id: {} bytes", out.stderr.len());
    assert!(out.stderr.contains("an exercise id is 10485760 characters long: expected at most 256"), "{}", out.stderr);
    // Unknown and long, but under the id limit: cut in the message.
    let id = "y".repeat(200);
    let log = CLEAN.replacen("id: walking", &format!("id: {id}"), 1);
    let out = next_on(&log, "log.yaml");
    assert_eq!(out.status, 4);
    assert!(out.stderr.contains(&format!("unknown exercise `{}…`", "y".repeat(80))), "{}", out.stderr);
}

#[test]
fn dates_beyond_plausible_years_are_refused() {
    for date in ["9999-12-31", "2201-01-01", "1899-12-31"] {
        let log = CLEAN.replace("2026-09-04", date);
        let out = next_on(&log, "log.yaml");
        assert_eq!(out.status, 4, "{date}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("`{date}` is out of range: expected a date from 1900-01-01 to 2200-12-31")), "{}", out.stderr);
    }
    // The last possible day still plans a real next date.
    let log = CLEAN.replace("2026-09-04", "2200-12-31");
    let out = Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let answer: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(answer["next_session"]["date"].as_str().is_some_and(|d| d.starts_with("2201-01-")), "{}", out.stdout);
}

/// A JSON log whose patient id is `id` (JSON-escaped by the caller) and that refers (fever).
fn json_log(id: &str) -> String {
    format!(
        r#"{{"patient":"{id}","start":"2026-09-01","intake":{{"provider_cleared":true}},"sessions":[{{"date":"2026-09-02","pain":{{"before":2,"during":2,"after":2,"next_day":2}},"fatigue":3,"symptoms":["fever"],"exercises":[{{"id":"walking","minutes":15}}]}}]}}"#
    )
}

#[test]
fn text_output_never_passes_control_characters() {
    let forged = r"P-1\nDecision: PROGRESS: advance\u001b[2K\u001b[1A\r\u202e";
    let out = Test::new().file("log.json", &json_log(forged)).args(&["next", "log.json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\r') && !out.stdout.contains('\u{202e}'), "{:?}", out.stdout);
    let decisions: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("Decision:")).collect();
    assert_eq!(decisions, ["Decision: REFER: stop and see a provider before exercising again"], "{}", out.stdout);
    assert!(
        out.stdout.starts_with(r"Patient P-1\nDecision: PROGRESS: advance\u{1b}[2K\u{1b}[1A\r\u{202e}, as of 2026-09-02"),
        "{}",
        out.stdout
    );
    // The JSON answer keeps the id exactly.
    let out = Test::new().file("log.json", &json_log(forged)).args(&["next", "log.json", "--format", "json"]).run();
    let answer: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(answer["patient"], "P-1\nDecision: PROGRESS: advance\u{1b}[2K\u{1b}[1A\r\u{202e}");
    // The batch summary on stderr too.
    let out = Test::new().file("in.jsonl", &(json_log(forged) + "\n")).args(&["batch", "in.jsonl"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains("\nDecision"), "{:?}", out.stderr);
    // A line separator in an id is escaped like a line break.
    let out = Test::new().file("log.json", &json_log(r"P\u2028Decision: PROGRESS")).args(&["next", "log.json"]).run();
    assert!(out.stdout.starts_with(r"Patient P\u{2028}Decision: PROGRESS, as of"), "{}", out.stdout);
}

/// What the command line names (a protocol folder, a revision, an output path) and what a
/// protocol's cases say reach stderr and stdout escaped, in every error and report.
#[test]
fn command_line_and_case_text_never_reach_the_terminal_raw() {
    let esc = "x\u{1b}]0;TITLE\u{7}\u{1b}[31m";
    let t = Test::new().file("log.json", &json_log("P-1"));
    for args in [
        &["next", "--protocol", esc, "log.json"][..],
        &["batch", &format!("missing{esc}.json")],
        &["batch", "log.json", "-o", &format!("o{esc}/x.jsonl")],
        &["check", "--base", esc],
    ] {
        let out = t.run_with(args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains('\u{1b}') && out.stderr.contains(r"\u{1b}"), "{args:?}: {:?}", out.stderr);
    }
    // YAML's escapes for ESC, BEL and U+202E (raw control characters are not YAML).
    let case = "- name: \"c\\e]0;TITLE\\a\\e[31m\\u202e\"\n  log: |\n    patient: P-1\n    start: 2026-09-01\n    sessions: []\n  expect: { decision: progress }\n";
    let out = Test::new().shipped_protocol().file("protocol/cases/esc.yaml", case).args(&["test", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{202e}'), "{:?}", out.stdout);
    assert!(out.stdout.contains(r"case c\u{1b}]0;TITLE\u{7}\u{1b}[31m\u{202e} ... FAILED"), "{}", out.stdout);
}

#[test]
fn csv_cells_never_start_a_formula() {
    let input =
        [json_log("=HYPERLINK(\\\"http://x\\\",\\\"click\\\")"), json_log("@SUM(A1)"), json_log("-3"), json_log("+cmd|' /C calc'!A0")]
            .join("\n")
            + "\n";
    let out = Test::new().file("in.jsonl", &input).args(&["batch", "in.jsonl", "--format", "csv", "--quiet"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let patients: Vec<String> = reader.records().map(|r| r.expect("csv row")[0].to_string()).collect();
    assert_eq!(patients, ["'=HYPERLINK(\"http://x\",\"click\")", "'@SUM(A1)", "-3", "'+cmd|' /C calc'!A0"]);
}

/// The shipped protocol plus a rule that runs for ages on patient `P-slow` only.
fn with_costly_rule(t: Test) -> Test {
    t.shipped_protocol().file(
        "protocol/rules/60-costly.yaml",
        "rules:\n  - id: costly\n    description: Pads a string for seconds.\n    when: |\n      if log.patient == \"P-slow\" {\n        let s = \"\";\n        for i in 0..70000 { s = \"\".pad(10000, \"x\"); }\n      }\n      false\n    then: { decision: hold }\n    source: test\n",
    )
}

#[test]
fn a_costly_rule_is_stopped_by_the_time_budget_and_fails_that_log_only() {
    let input = [json_log("P-1"), json_log("P-slow"), json_log("P-3")].join("\n") + "\n";
    let t = with_costly_rule(Test::new().file("in.jsonl", &input)).env("STEPWISE_SCRIPT_SECONDS", "1");
    let error = only_the_middle_log_fails(&t, "P-slow");
    assert!(error.contains("the scripts ran past the time budget for one log"), "{error}");
}

/// Runs `batch` on three logs whose middle one (`patient`) a runaway rule stops: the other two
/// are answered, and the middle one's error record is returned.
fn only_the_middle_log_fails(t: &Test, patient: &str) -> String {
    let out = t.run_with(&["batch", "in.jsonl", "--protocol", "protocol", "--quiet"]);
    no_panic(&out);
    assert_eq!(out.status, 4, "{}", out.stderr);
    let records: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["decision"], "refer");
    assert_eq!(records[1]["patient"], patient);
    assert_eq!(records[2]["decision"], "refer");
    records[1]["error"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_rule_holding_too_much_memory_is_stopped_and_fails_that_log_only() {
    // Each value is within Rhai's limits (an array of 9,999 strings, a map of 999 entries), but
    // the maps of arrays together held gigabytes: the memory budget stops the scripts.
    let rule = "rules:\n  - id: hoarder\n    description: Keeps maps of full arrays.\n    when: |\n      if log.patient == \"P-big\" {\n        let a = []; a.pad(9999, \"x\".pad(9999, \"y\"));\n        let ms = [];\n        for j in 0..16 { let m = #{}; for i in 0..999 { m[`k${i}`] = a; } ms.push(m); }\n      }\n      false\n    then: { decision: hold }\n    source: test\n";
    let input = [json_log("P-1"), json_log("P-big"), json_log("P-3")].join("\n") + "\n";
    let t = Test::new().file("in.jsonl", &input).shipped_protocol().file("protocol/rules/60-hoarder.yaml", rule);
    let error = only_the_middle_log_fails(&t, "P-big");
    assert!(error.contains("the scripts held more than 128 MiB for one log (the memory budget)"), "{error}");
}

#[test]
fn a_budget_that_is_not_a_number_of_seconds_is_named() {
    for value in ["abc", "0", "-5", "99999999999999999999"] {
        let out = Test::new().file("log.json", &json_log("P-1")).env("STEPWISE_SCRIPT_SECONDS", value).args(&["next", "log.json"]).run();
        assert_eq!(out.status, 0, "{}", out.stderr);
        assert_eq!(
            out.stderr,
            format!(
                "note: STEPWISE_SCRIPT_SECONDS=`{value}` is not a whole number of seconds from 1 to 86400: the default of 10 s applies\n"
            )
        );
    }
    let out = Test::new().file("log.json", &json_log("P-1")).env("STEPWISE_SCRIPT_SECONDS", "5").args(&["next", "log.json"]).run();
    assert_eq!((out.status, out.stderr.as_str()), (0, ""));
}

/// What a malformed file's shape is said in: no reader's advice (`use from_str_multiple`), no
/// internal type name (`struct RawLog`), said once, and a top-level key is not placed in the
/// session before it.
#[test]
fn a_files_shape_is_named_in_the_projects_words() {
    let t = Test::new()
        .file("two.yaml", "patient: P-1\nstart: 2026-03-02\n---\npatient: P-2\n")
        .file("dup.yaml", &(CLEAN.to_string() + "sessions: []\n"))
        .file("odd.jsonl", "[]\nnull\n42\n");
    let out = t.run_with(&["next", "two.yaml", "--message-format", "plain"]);
    assert_eq!(out.status, 4);
    assert_eq!(out.stderr.matches("error[E0601]: the file holds more than one YAML document").count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("remove the second `---` line"), "{}", out.stderr);
    let out = t.run_with(&["next", "dup.yaml", "--message-format", "plain"]);
    assert!(out.stderr.contains("error[E0105]: duplicate key `sessions`"), "{}", out.stderr);
    assert!(!out.stderr.contains("in session"), "{}", out.stderr);
    // A merge key could hide a red flag behind an empty list merged first.
    let merged = CLEAN.trim_end().to_string() + "\n    <<: [{symptoms: []}, {symptoms: [fever]}]\n";
    let out = next_on(&merged, "log.yaml");
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("error[E0601]: a merge key (`<<`) is not allowed in a patient log"), "{}", out.stderr);
    let out = t.run_with(&["batch", "odd.jsonl", "-q"]);
    let errors: Vec<String> = batch_records(&out.stdout).iter().map(|r| r["error"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(
        errors,
        [
            "expected one patient log (a JSON object), found a list",
            "expected a mapping of keys to values, found nothing",
            "expected a mapping of keys to values, found `42`"
        ]
    );
}

/// A bad `level:` is one error at the level (no second "has level 0" for the value set
/// aside), text is not a level, and a date off the calendar says why.
#[test]
fn levels_and_dates_are_refused_once_and_in_words() {
    let with_level = |v: &str| {
        CLEAN.replace(
            "      - { id: walking, minutes: 15 }\n  - date: 2026-09-04",
            &format!("      - {{ id: bridge, level: {v}, sets: 2, reps: 8, hold_s: 3 }}\n  - date: 2026-09-04"),
        )
    };
    for (v, message) in [
        ("-1", "-1 is out of range: expected a whole number from 0 to 1000"),
        ("\"2\"", "expected a whole number from 0 to 1000, found `2`"),
        ("0", "exercise `bridge` has level 0"),
    ] {
        let log = with_level(v);
        assert!(log.contains("level:"), "{log}");
        let out = next_on(&log, "log.yaml");
        assert_eq!(out.status, 4, "{}", out.stderr);
        assert_eq!(out.stderr.matches("error[").count(), 1, "{v}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("error[E0601]: {message}")), "{v}: {}", out.stderr);
    }
    let out = next_on(
        &CLEAN.replace("2026-09-04", "2026-02-29").replace("start: 2026-09-01", "start: 2026-01-01").replace("2026-09-02", "2026-02-02"),
        "log.yaml",
    );
    assert!(out.stderr.contains("`2026-02-29` is not a day of the calendar: that month has no such day"), "{}", out.stderr);
}

#[test]
fn jobs_are_capped() {
    let input = json_log("P-1") + "\n";
    let out = Test::new().file("in.jsonl", &input).args(&["batch", "in.jsonl", "--jobs", "18446744073709551615"]).run();
    no_panic(&out);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("note: --jobs is capped at"), "{}", out.stderr);
}

#[test]
fn protocol_days_have_sane_bounds() {
    let t = Test::new().shipped_protocol();
    let plan = t.path().join("protocol/plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("plan");
    let line = text.lines().find(|l| l.trim_start().starts_with("days_between_sessions:")).expect("days_between_sessions in the plan");
    let indent = &line[..line.len() - line.trim_start().len()];
    std::fs::write(&plan, text.replace(line, &format!("{indent}days_between_sessions: 4294967295"))).expect("write");
    let out = t.args(&["check", "--protocol", "protocol", "--format", "plain"]).run();
    no_panic(&out);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.contains("4294967295 is out of range: expected a whole number from 0 to 365"), "{}", out.stderr);
    assert!(out.stderr.contains("protocol/plans/protocol.yaml:"), "{}", out.stderr);
}

/// A protocol whose rules read every windowed value of the API on every session: a regression
/// guard that the engine's windows cost their own length, not the log's.
const WINDOWS_PLAN: &str = "\
protocol: { id: windows, version: 1.0.0, title: Windows, status: draft }
phases:
  - id: early
    title: Early
    exercises: [walking]
    exit:
      description: never
      when: |
        log.window_days(7).len() > 1000
  - id: late
    title: Late
    exercises: [walking]
exercises:
  - id: walking
    name: Walking
    category: cardio
    impact: low
    ladder:
      - name: easy walk
        dose: { minutes: 15 }
";

const WINDOWS_RULES: &str = "\
rules:
  - id: busy-week
    description: Reads the windows.
    when: |
      log.window_days(14).len() > 100 || log.weekly_minutes > 1000.0 || log.previous_weekly_minutes > 1000.0
        || (log.pain_baseline ?? 0) > 9 || (log.pain_trend ?? 0.0) > 5.0 || log.longest_recent_minutes > 1000.0
        || log.consecutive_training_days > 100 || log.recent(3).len() > 3 || log.days_since(\"walking\") == 0
    then: { decision: hold }
    source: test
  - id: steady
    description: Progress when calm.
    when: |
      (last.pain.after ?? 10) <= 3
    then: { decision: progress }
    source: test
";

#[test]
fn replay_of_ten_thousand_sessions_is_linear() {
    let mut sessions = Vec::new();
    for i in 0..10_000u32 {
        let date = format!("{}-{:02}-{:02}", 2000 + i / 300, (i / 25) % 12 + 1, i % 25 + 1);
        sessions.push(format!(
            r#"{{"date":"{date}","pain":{{"before":2,"during":2,"after":2,"next_day":2}},"fatigue":3,"exercises":[{{"id":"walking","minutes":15}}]}}"#
        ));
    }
    let log = format!(r#"{{"patient":"P-long","start":"2000-01-01","sessions":[{}]}}"#, sessions.join(","));
    let t = Test::new().file("p/plans/plan.yaml", WINDOWS_PLAN).file("p/rules/rules.yaml", WINDOWS_RULES).file("long.json", &log);
    let out = t.args(&["next", "long.json", "--protocol", "p", "--format", "json", "--timeline"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let answer: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(answer["timeline"].as_array().map(Vec::len), Some(10_000));
    assert_eq!(answer["decision"], "progress");
    // How long it takes is measured where timings belong, in the benches
    // (`replay_ten_thousand_sessions` in benches/evaluate.rs), not here: a timed test fails on
    // a loaded machine.
}

fn batch_records(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().map(|l| serde_json::from_str(l).expect("each record is JSON")).collect()
}

#[test]
fn folder_walk_does_not_loop_and_reads_each_file_once() {
    let t = Test::new().file("logs/a.yaml", CLEAN).file("logs/sub/b.yaml", &CLEAN.replace("P-1", "P-2"));
    let logs = t.path().join("logs");
    std::os::unix::fs::symlink(".", logs.join("self")).expect("link");
    std::os::unix::fs::symlink("..", logs.join("sub/up")).expect("link");
    std::os::unix::fs::symlink("a.yaml", logs.join("again.yaml")).expect("link");
    let out = t.args(&["batch", "logs", "--quiet"]).run();
    no_panic(&out);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let patients: Vec<String> = batch_records(&out.stdout).iter().map(|r| r["patient"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(patients, ["P-1", "P-2"]);
}

#[test]
fn a_file_named_twice_is_answered_once() {
    let t = Test::new().file("logs/a.yaml", CLEAN).file("logs/b.yaml", &CLEAN.replace("P-1", "P-2"));
    for args in [&["batch", "logs/a.yaml", "logs/a.yaml", "--quiet"][..], &["batch", "logs", "logs/a.yaml", "./logs/b.yaml", "--quiet"]] {
        let out = Test::new().file("logs/a.yaml", CLEAN).file("logs/b.yaml", &CLEAN.replace("P-1", "P-2")).args(args).run();
        assert_eq!(out.status, 0, "{}", out.stderr);
        let patients: Vec<String> =
            batch_records(&out.stdout).iter().map(|r| r["patient"].as_str().unwrap_or_default().to_string()).collect();
        let expected: &[&str] = if args.len() == 4 { &["P-1"] } else { &["P-1", "P-2"] };
        assert_eq!(patients, expected, "{args:?}");
    }
    // The cohort report, which reads its inputs the same way, lists the patient once.
    let page = |args: &[&str]| {
        let out = t.run_with(args);
        assert_eq!(out.status, 0, "{}", out.stderr);
        std::fs::read_to_string(t.path().join("cohort.html")).expect("the report")
    };
    let once = page(&["report", "logs/a.yaml", "--cohort", "-o", "cohort.html"]);
    let twice = page(&["report", "logs/a.yaml", "logs/a.yaml", "-o", "cohort.html"]);
    assert_eq!(once, twice);
}

#[test]
fn unreadable_entries_are_error_records_and_the_rest_is_answered() {
    let t = Test::new()
        .file("logs/a.yaml", CLEAN)
        .file("logs/c.yaml", &CLEAN.replace("P-1", "P-3"))
        .file("logs/d.json", "{\"patient\":\"P-4\"}");
    let logs = t.path().join("logs");
    std::os::unix::fs::symlink("nowhere.yaml", logs.join("b-dangling.yaml")).expect("link");
    let fifo = logs.join("b-fifo.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    std::fs::write(logs.join("b-latin1.yaml"), b"patient: P-\xe9\nstart: 2026-09-01\n").expect("write");
    let out = t.args(&["batch", "logs", "--quiet"]).run();
    no_panic(&out);
    assert_eq!(out.status, 4, "{}", out.stderr);
    let r = batch_records(&out.stdout);
    let summary: Vec<(String, String)> = r
        .iter()
        .map(|r| {
            let file =
                r["source"]["file"].as_str().map_or_else(|| r["patient"].to_string(), |f| f.rsplit('/').next().unwrap_or(f).to_string());
            (file, r["error"].as_str().map_or_else(|| r["decision"].to_string(), str::to_string))
        })
        .collect();
    assert_eq!(summary.len(), 6, "{summary:?}");
    assert_eq!(summary[0].1, "\"progress\"", "{summary:?}");
    assert_eq!(summary[1], ("b-dangling.yaml".into(), "cannot read the log: no such file (or a dangling link)".into()));
    assert_eq!(summary[2], ("b-fifo.yaml".into(), "cannot read the log: not a regular file (a FIFO): skipped".into()));
    assert_eq!(
        summary[3],
        ("b-latin1.yaml".into(), "cannot read the log: the log is not UTF-8 text (an invalid byte on line 1, column 12)".into())
    );
    assert_eq!(r[3]["errors"][0]["code"], "E0609");
    assert_eq!(summary[4].1, "\"progress\"", "{summary:?}");
    assert!(summary[5].1.contains("missing required key `start`"), "{summary:?}");
}

#[test]
fn non_utf8_log_is_refused_by_next_and_check_too() {
    let t = Test::new().file("ok.yaml", CLEAN);
    std::fs::write(t.path().join("bad.yaml"), b"patient: P-\xe9\nstart: 2026-09-01\n").expect("write");
    let out = t.args(&["next", "bad.yaml", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("error[E0609]: cannot read the log: the log is not UTF-8 text (an invalid byte on line 1, column 12)"),
        "{}",
        out.stderr
    );
    // UTF-16, as a spreadsheet's "Unicode text" export writes it, is named as such.
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(json_log("P-16").encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let t = Test::new();
    std::fs::write(t.path().join("wide.json"), utf16).expect("write");
    let out = t.args(&["next", "wide.json"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("the log is UTF-16 text (it starts with a UTF-16 byte-order mark"), "{}", out.stderr);
}

#[test]
fn a_json_log_with_a_byte_order_mark_is_read() {
    let json = format!("\u{feff}{}", json_log("P-BOM"));
    let out = Test::new().file("log.json", &json).args(&["next", "log.json", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let out = Test::new()
        .file("logs/log.json", &json)
        .file("in.jsonl", &(json.clone() + "\n"))
        .args(&["batch", "logs", "in.jsonl", "--quiet"])
        .run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(batch_records(&out.stdout).iter().all(|r| r["patient"] == "P-BOM"), "{}", out.stdout);
    // One mark is dropped, in `next` and in `batch` alike: a second one is the text's own
    // first character, refused by both at 1:1.
    let t = Test::new().file("two.json", &format!("\u{feff}{json}"));
    let next = t.run_with(&["next", "two.json"]);
    assert_eq!(next.status, 4, "{}", next.stderr);
    let batch = t.run_with(&["batch", "two.json", "-q"]);
    assert_eq!(batch.status, 4, "{}", batch.stderr);
    assert_eq!(batch_records(&batch.stdout)[0]["errors"][0]["code"], "E0606", "{}", batch.stdout);
}

#[test]
fn output_never_replaces_an_input_a_link_or_a_special_file() {
    // An input file.
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n"));
    let t = t.args(&["batch", "in.jsonl", "-o", "in.jsonl"]);
    let out = t.run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is both an input and an output"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(t.path().join("in.jsonl")).expect("input"), json_log("P-1") + "\n");
    // A link: refused, the link and its target left alone.
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n")).file("target.txt", "keep");
    std::os::unix::fs::symlink("target.txt", t.path().join("out.jsonl")).expect("link");
    let t = t.args(&["batch", "in.jsonl", "-o", "out.jsonl"]);
    let out = t.run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("the output `out.jsonl` is a symbolic link"), "{}", out.stderr);
    assert!(std::fs::symlink_metadata(t.path().join("out.jsonl")).expect("link").file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(t.path().join("target.txt")).expect("target"), "keep");
    // A FIFO and a device.
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n"));
    assert!(std::process::Command::new("mkfifo").arg(t.path().join("out.jsonl")).status().expect("mkfifo").success());
    let out = t.args(&["batch", "in.jsonl", "-o", "out.jsonl"]).run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is not a regular file"), "{}", out.stderr);
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n"));
    let out = t.args(&["batch", "in.jsonl", "-o", "/dev/null"]).run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is not a regular file"), "{}", out.stderr);
}

/// A protocol's own files are inputs too: `-o` or `--summary-json` into its `plans/`, `rules/`
/// or `cases/` is refused (the file left as it was), and `-o -` is standard output.
#[test]
fn output_never_replaces_a_protocol_file_and_dash_is_stdout() {
    let t = Test::new().shipped_protocol().file("in.jsonl", &(json_log("P-1") + "\n"));
    let rules = t.path().join("protocol/rules/10-refer.yaml");
    let before = std::fs::read_to_string(&rules).expect("rules");
    for args in [
        &["batch", "in.jsonl", "--protocol", "protocol", "-q", "-o", "protocol/rules/10-refer.yaml"][..],
        &["batch", "in.jsonl", "--protocol", "protocol", "-q", "--summary-json", "protocol/rules/helpers.rhai"],
        &["batch", "in.jsonl", "--protocol", "protocol", "-q", "-o", "protocol/rules/new.yaml"],
        &["report", "in.jsonl", "--protocol", "protocol", "-o", "protocol/plans/protocol.yaml"],
    ] {
        let out = t.run_with(args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("is inside the protocol folder"), "{}", out.stderr);
    }
    assert_eq!(std::fs::read_to_string(&rules).expect("rules"), before);
    assert!(!t.path().join("protocol/rules/new.yaml").exists());
    // `-o -`: the records on stdout, no file named `-`.
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n")).args(&["batch", "in.jsonl", "-q", "-o", "-"]);
    let out = t.run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(batch_records(&out.stdout).len(), 1, "{}", out.stdout);
    assert!(!t.path().join("-").exists());
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n")).args(&["report", "in.jsonl", "-o", "-"]);
    let out = t.run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("<!DOCTYPE html>"), "{}", out.stdout);
    assert!(!t.path().join("-").exists());
}

#[test]
fn the_output_file_is_left_out_of_the_input_walk() {
    let t = Test::new().file("logs/a.yaml", CLEAN);
    let t = t.args(&["batch", "logs", "-o", "logs/results.jsonl", "--quiet"]);
    let first = t.run();
    assert_eq!(first.status, 0, "{}", first.stderr);
    let second = t.run();
    assert_eq!(second.status, 0, "{}", second.stderr);
    let results = std::fs::read_to_string(t.path().join("logs/results.jsonl")).expect("results");
    assert_eq!(batch_records(&results).len(), 1, "{results}");
    // The summary too.
    let t = Test::new().file("logs/a.yaml", CLEAN).args(&["batch", "logs", "--summary-json", "logs/summary.json", "--quiet"]);
    assert_eq!(t.run().status, 0);
    let second = t.run();
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert_eq!(batch_records(&second.stdout).len(), 1, "{}", second.stdout);
    let t = Test::new().file("in.jsonl", &(json_log("P-1") + "\n")).args(&["batch", "in.jsonl", "--summary-json", "in.jsonl"]);
    let out = t.run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(t.path().join("in.jsonl")).expect("input"), json_log("P-1") + "\n");
}

/// An output named inside the walked folder, however it is spelt, never replaces a log there:
/// only a previous run's results (or an empty file) are left out of the walk and replaced.
#[test]
fn an_output_inside_the_walked_folder_never_replaces_a_log() {
    for output in ["logs/a.yaml", "logs/../logs/a.yaml", "./logs//a.yaml", "logs/sub/b.json"] {
        let t = Test::new()
            .file("logs/a.yaml", CLEAN)
            .file("logs/sub/b.json", &json_log("P-2"))
            .args(&["batch", "logs", "-o", output, "--quiet"]);
        let out = t.run();
        assert_eq!(out.status, 2, "{output}: {}", out.stderr);
        assert!(out.stderr.contains("is a log among the inputs, and the results would replace it"), "{output}: {}", out.stderr);
        assert_eq!(std::fs::read_to_string(t.path().join("logs/a.yaml")).expect("log"), CLEAN, "{output}");
        assert_eq!(std::fs::read_to_string(t.path().join("logs/sub/b.json")).expect("log"), json_log("P-2"), "{output}");
    }
    // `batch logs OPTION OUTPUT` over `logs/a.yaml` and one more file.
    let over = |name: &str, text: &str, option: &str, output: &str| {
        Test::new().file("logs/a.yaml", CLEAN).file(name, text).args(&["batch", "logs", option, output, "--quiet"])
    };
    // The summary's path too.
    let t = over("logs/b.json", &json_log("P-2"), "--summary-json", "logs/./b.json");
    let out = t.run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(t.path().join("logs/b.json")).expect("log"), json_log("P-2"));
    // A file of logs behind a first line that looks like a result is not results.
    let mixed = format!("{{\"patient\":\"P-0\",\"decision\":\"hold\"}}\n{}\n", json_log("P-3"));
    let t = over("logs/mixed.jsonl", &mixed, "-o", "logs/mixed.jsonl");
    assert_eq!(t.run().status, 2);
    assert_eq!(std::fs::read_to_string(t.path().join("logs/mixed.jsonl")).expect("kept"), mixed);
    // An empty file, and a previous run's results spelt another way, are replaced.
    let t = over("logs/empty.jsonl", "", "-o", "logs/../logs/empty.jsonl");
    let out = t.run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let again = t.run();
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(batch_records(&std::fs::read_to_string(t.path().join("logs/empty.jsonl")).expect("results")).len(), 1);
}

/// Nothing named like a protocol file is skipped in silence (a rule file gone missing would
/// switch its rules off), and no file outside the protocol folder is read through a link.
#[test]
fn a_protocol_file_that_cannot_be_read_as_one_is_an_error() {
    type Make = fn(&Path);
    let cases: [(&str, Make, &str); 4] = [
        (
            "dangling",
            |p| std::os::unix::fs::symlink("missing.yaml", p.join("protocol/rules/10-refer.yaml")).expect("link"),
            "it is a dangling link",
        ),
        (
            "outside",
            |p| std::os::unix::fs::symlink("/etc/passwd", p.join("protocol/rules/zz.yaml")).expect("link"),
            "outside the protocol folder",
        ),
        (
            "fifo",
            |p| assert!(std::process::Command::new("mkfifo").arg(p.join("protocol/rules/zz.yaml")).status().expect("mkfifo").success()),
            "not a regular file",
        ),
        ("folder", |p| std::fs::create_dir(p.join("protocol/rules/zz.yaml")).expect("mkdir"), "not a regular file"),
    ];
    for (what, make, expected) in cases {
        for verb in [&["check", "--protocol", "protocol"][..], &["next", "--protocol", "protocol", "log.yaml"][..]] {
            let t = Test::new().shipped_protocol().file("log.yaml", CLEAN);
            if what == "dangling" {
                std::fs::remove_file(t.path().join("protocol/rules/10-refer.yaml")).expect("remove");
            }
            make(t.path());
            let out = t.args(verb).run();
            assert_eq!(out.status, 2, "{what} {verb:?}: {}", out.stderr);
            assert!(out.stderr.contains(expected), "{what} {verb:?}: {}", out.stderr);
            assert!(!out.stderr.contains("root:"), "{what}: the outside file is not shown: {}", out.stderr);
        }
    }
    // A link inside the folder is read.
    let t = Test::new().shipped_protocol();
    std::fs::rename(t.path().join("protocol/rules/10-refer.yaml"), t.path().join("protocol/refer.yaml")).expect("move");
    std::os::unix::fs::symlink("../refer.yaml", t.path().join("protocol/rules/10-refer.yaml")).expect("link");
    let out = t.args(&["check", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
}

/// A protocol's cases read their logs from inside the protocol folder only: a hostile case
/// (or a link) naming a file elsewhere fails without showing it.
#[test]
fn case_logs_are_read_only_from_inside_the_protocol_folder() {
    let cases = "- name: leak\n  log_file: /etc/passwd\n  expect: { decision: hold }\n- name: climb\n  log_file: ../../../../../../etc/passwd\n  expect: { decision: hold }\n";
    let t = Test::new().shipped_protocol().file("protocol/cases/evil.yaml", cases);
    std::os::unix::fs::symlink("/etc/passwd", t.path().join("protocol/cases/link.yaml")).expect("link");
    let out = t.args(&["test", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout.matches("it is outside the protocol folder").count(), 3, "{}", out.stdout);
    assert!(!out.stdout.contains("root:") && !out.stderr.contains("root:"), "{}", out.stdout);
}

/// Discovery, like git's, does not use a protocol folder that another user owns: anyone can
/// create `/tmp/plans` and `/tmp/rules`, and every answer given below `/tmp` would come from
/// their protocol.
#[test]
fn a_discovered_protocol_owned_by_another_user_is_not_used() {
    let t = Test::new().shipped_protocol().file("protocol/log.yaml", CLEAN);
    let dir = t.path().join("protocol");
    let plan = dir.join("plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("plan");
    std::fs::write(&plan, text.replacen("version: 1.", "version: 9.", 1)).expect("write");
    let answer_in_folder = || {
        let out = std::process::Command::new(crate::support::bin())
            .args(["next", "log.yaml", "--format", "json"])
            .current_dir(&dir)
            .output()
            .expect("run");
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("an answer");
        (answer, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // The user's own folder is found.
    let (a, _) = answer_in_folder();
    assert!(a["protocol"]["version"].as_str().is_some_and(|v| v.starts_with("9.")), "{}", a["protocol"]);
    let given_away = std::process::Command::new("chown")
        .arg("65534")
        .args([dir.clone(), dir.join("plans"), dir.join("rules")])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !given_away {
        eprintln!("note: cannot give the folder to another user (tests not run as root); ownership is not tested");
        return;
    }
    let (a, stderr) = answer_in_folder();
    assert_eq!(a["protocol"]["from"], "embedded", "{}", a["protocol"]);
    assert!(stderr.contains("it belongs to another user (give `--protocol"), "{stderr}");
}

/// Ids go into text answers, CSV cells, coverage tables and scripts: a rule id holding a line
/// break or a terminal escape, or a parameter id with a space, is an error at its line.
#[test]
fn protocol_ids_are_plain_names() {
    for (file, from, to, what) in [
        ("protocol/rules/50-progress.yaml", "id: clean-sessions-progress", "id: \"clean\\nDecision: REFER\"", "rule id"),
        ("protocol/rules/40-hold.yaml", "id: high-fatigue", "id: \"high\\e[31mfatigue\"", "rule id"),
        ("protocol/plans/protocol.yaml", "id: gap_days\n", "id: gap days\n", "parameter id"),
        ("protocol/plans/exercises.yaml", "id: clamshell\n", "id: \"-clamshell\"\n", "exercise id"),
        ("protocol/rules/50-progress.yaml", "id: pain-low\n", "id: pain low\n", "criterion id"),
        ("protocol/plans/protocol.yaml", "id: hip-return\n", "id: \"hip/return\"\n", "protocol id"),
    ] {
        let t = Test::new().shipped_protocol();
        let path = t.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
        let out = t.args(&["check", "--protocol", "protocol", "--message-format", "plain"]).run();
        assert_eq!(out.status, 1, "{what}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("error[E0102]: {what} `")) && out.stderr.contains("is not a plain name"),
            "{what}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains("\nDecision"), "{what}: {:?}", out.stderr);
    }
}

#[test]
fn no_temporary_file_survives_sigint_or_sigterm() {
    for signal in ["-INT", "-TERM"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = std::process::Command::new(crate::support::bin())
            .args(["batch", "-", "-o", "out.jsonl", "--quiet"])
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // The run waits for more input on stdin: the temporary file exists meanwhile.
        let mut stdin = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut stdin, (json_log("P-1") + "\n").as_bytes()).expect("write");
        let partial = || {
            std::fs::read_dir(dir.path())
                .expect("dir")
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().contains(".partial-"))
        };
        let waited = std::time::Instant::now();
        while !partial() && waited.elapsed() < std::time::Duration::from_secs(60) {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(partial(), "the run never created its temporary file");
        let killed = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        drop(stdin);
        assert_eq!(status.code(), Some(130), "{signal}");
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(left.is_empty(), "{signal} left {left:?}");
    }
}

#[test]
fn size_limits_are_explicit_and_worded() {
    // Sessions: at most 10,000 per log.
    let mut sessions = Vec::new();
    for i in 0..10_001u32 {
        sessions.push(format!(r#"{{"date":"{}-{:02}-{:02}","kind":"rest"}}"#, 2000 + i / 300, (i / 25) % 12 + 1, i % 25 + 1));
    }
    let log = format!(r#"{{"patient":"P-many","start":"2000-01-01","sessions":[{}]}}"#, sessions.join(","));
    let out = next_on(&log, "log.json");
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("the log has 10001 sessions: at most 10000 are read"), "{}", out.stderr);
    // A long override note is cut, not echoed whole.
    let note = "n".repeat(100_000);
    let log = CLEAN.replacen(
        "    fatigue: 3\n    exercises",
        &format!("    fatigue: 3\n    override: {{ phase: reintroduce, note: {note} }}\n    exercises"),
        1,
    );
    let out = next_on(&log, "log.yaml");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.len() < 20_000, "{} bytes", out.stdout.len());
    assert!(out.stdout.contains(&format!("{}…", "n".repeat(2_000))), "{}", &out.stdout[..500]);
    // A log file over 64 MiB.
    let t = Test::new();
    let big = std::fs::File::create(t.path().join("big.yaml")).expect("create");
    big.set_len(64 * 1024 * 1024 + 2).expect("grow");
    let t = t.args(&["next", "big.yaml", "--message-format", "plain"]);
    let out = t.run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot read the log: the log is 67108866 bytes: at most 67108864 bytes (64 MiB) are read"),
        "{}",
        out.stderr
    );
    // A stream has no size: it is said to be over the limit, not one byte over it.
    let out = Test::new().args(&["next", "/dev/zero", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("the log is more than 67108864 bytes: at most 67108864 bytes (64 MiB) are read"), "{}", out.stderr);
}

#[test]
fn snippets_never_pass_terminal_escapes() {
    let log = "patient: \"P-1\u{1b}[31mRED\u{202e}\"\nstart: 2026-09-01\nintake: { provider_cleared: true }\nsessions: []\n";
    for format in ["human", "plain", "json"] {
        let out = Test::new().file("log.yaml", log).args(&["next", "log.yaml", "--message-format", format]).run();
        no_panic(&out);
        assert_eq!(out.status, 4, "{}", out.stderr);
        assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{202e}'), "{format}: {:?}", out.stderr);
    }
}

/// A minified JSON log is one line: a snippet shows the part around the error, with `…` where
/// the line was cut, and the caret under the value (a 200 KB line once came back twice over).
#[test]
fn a_snippet_of_a_long_line_shows_the_part_around_the_error() {
    let log = format!(
        r#"{{"patient":"P-1","start":"2026-09-01","intake":{{"provider_cleared":true}},"sessions":[{{"date":"2026-09-02","notes":"{}","pain":{{"before":99}}}}]}}"#,
        "x".repeat(200_000)
    );
    for format in ["human", "plain"] {
        let out = Test::new().file("log.json", &log).args(&["next", "log.json", "--message-format", format]).run();
        assert_eq!(out.status, 4, "{}", out.stderr);
        assert!(out.stderr.len() < 1_500, "{format}: {} bytes", out.stderr.len());
        let col = log.find("99").expect("the value") + 1;
        assert!(out.stderr.contains(&format!("log.json:1:{col}")), "{format}: {}", out.stderr);
        let shown = out.stderr.lines().find(|l| l.starts_with("1 | ")).expect("the snippet line");
        assert!(shown.starts_with("1 | …xxx") && shown.chars().count() < 200, "{format}: {shown}");
        let caret = out.stderr.lines().find(|l| l.contains('^')).expect("carets");
        let at = caret.chars().position(|c| c == '^').expect("caret");
        assert_eq!(shown.chars().skip(at).take(2).collect::<String>(), "99", "{format}:\n{shown}\n{caret}");
    }
}

#[test]
fn a_huge_protocol_file_is_refused_in_words() {
    let t = Test::new().shipped_protocol();
    let f = std::fs::File::create(t.path().join("protocol/rules/zz.yaml")).expect("create");
    f.set_len(16 * 1024 * 1024 + 1).expect("grow");
    let out = t.args(&["check", "--protocol", "protocol"]).run();
    no_panic(&out);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("a protocol file may hold at most 16777216 (16 MiB)"), "{}", out.stderr);
}

#[test]
fn lists_and_names_in_a_session_are_bounded() {
    let long_name = "k".repeat(300);
    let exercises: Vec<String> = (0..101).map(|_| r#"{"id":"walking","minutes":5}"#.to_string()).collect();
    let symptoms: Vec<&str> = (0..51).map(|_| r#""swelling""#).collect();
    for (session, message) in [
        (format!(r#""rom":{{"{long_name}":100}}"#), "a name of 300 characters is too long: expected at most 256"),
        (format!(r#""exercises":[{}]"#, exercises.join(",")), "more than 100 entries are too many: expected at most 100"),
        (format!(r#""symptoms":[{}]"#, symptoms.join(",")), "more than 50 entries are too many: expected at most 50"),
    ] {
        let log = format!(r#"{{"patient":"P-1","start":"2026-09-01","sessions":[{{"date":"2026-09-02",{session}}}]}}"#);
        let out = next_on(&log, "log.json");
        assert_eq!(out.status, 4, "{}", out.stderr);
        assert!(out.stderr.contains(message), "{}", out.stderr);
    }
}

#[test]
fn next_reads_a_log_from_a_pipe_it_is_given() {
    let out = Test::new().stdin(CLEAN).args(&["next", "/dev/stdin", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("\"patient\":\"P-1\""), "{}", out.stdout);
    // A folder is not a log.
    let out = Test::new().file("logs/a.yaml", CLEAN).args(&["next", "logs"]).run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert_eq!(out.stderr, "error: cannot read `logs`: a folder, not a log file (`stepwise batch` answers every log in a folder)\n");
}

#[test]
fn check_log_is_bounded_by_the_time_budget_too() {
    let input = json_log("P-slow");
    let t = with_costly_rule(Test::new().file("log.json", &input)).env("STEPWISE_SCRIPT_SECONDS", "1");
    let out = t.args(&["check", "--protocol", "protocol", "--log", "log.json", "--format", "plain"]).run();
    no_panic(&out);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.contains("the scripts ran past the time budget for one log"), "{}", out.stderr);
}

#[test]
fn a_log_ending_on_the_last_date_answers_a_real_next_date() {
    let log =
        CLEAN.replace("start: 2026-09-01", "start: 2200-12-01").replace("2026-09-02", "2200-12-30").replace("2026-09-04", "2200-12-31");
    assert!(log.contains("2200-12-31"), "{log}");
    let out = Test::new().file("log.yaml", &log).args(&["next", "log.yaml", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(a["next_session"]["date"], "2201-01-01", "{a}");
}

#[test]
fn a_log_file_given_on_stdin_is_never_replaced_by_the_output() {
    // `batch - -o logs.jsonl < logs.jsonl` (and `report`): standard input is the output file.
    let log = "{\"patient\":\"P-1\",\"start\":\"2026-09-01\",\"intake\":{\"provider_cleared\":true},\"sessions\":[]}\n";
    let t = Test::new().file("logs.jsonl", log);
    for args in [["batch", "-q", "-", "-o", "logs.jsonl"], ["report", "-", "-o", "logs.jsonl", "--cohort"]] {
        let stdin = std::fs::File::open(t.path().join("logs.jsonl")).expect("open");
        let out = std::process::Command::new(crate::support::bin()).args(args).current_dir(t.path()).stdin(stdin).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "error: standard input is `logs.jsonl`, named as an output too: name another output file\n", "{args:?}");
        assert_eq!(std::fs::read_to_string(t.path().join("logs.jsonl")).expect("read"), log, "{args:?}");
    }
}

#[test]
fn a_device_named_as_input_is_an_error_record_not_an_endless_read() {
    // `/dev/zero` is one endless line: it was read for ever, with no record.
    let out = Test::new().args(&["batch", "-q", "/dev/zero"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    let record: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("one record");
    assert_eq!(record["error"], "cannot read the log: not a regular file (a device): skipped");
    assert_eq!(record["source"]["file"], "/dev/zero");
    // The same device on standard input (`batch - < /dev/zero`) was read for ever too.
    let zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
    let out = std::process::Command::new(crate::support::bin()).args(["batch", "-q", "-"]).stdin(zero).output().expect("run");
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one record");
    assert_eq!(record["error"], "cannot read the log: not a regular file (a device): skipped");
    assert_eq!(record["source"]["file"], "<stdin>");
}

#[test]
fn csv_cells_carry_no_control_characters() {
    // A patient id with a terminal escape, a bell, a bidi override, a line break and a NUL.
    let id = "P\\u001b]0;title\\u0007\\u202e\\n\\u0000=1";
    let log = format!("{{\"patient\":\"{id}\",\"start\":\"2026-09-01\",\"intake\":{{\"provider_cleared\":true}},\"sessions\":[]}}\n");
    let out = Test::new().file("in.jsonl", &log).args(&["batch", "-q", "--format", "csv", "in.jsonl"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = out.stdout.lines().nth(1).expect("a row");
    assert!(row.starts_with("P\\u{1b}]0;title\\u{7}\\u{202e}\\n\\u{0}=1,"), "{row}");
    assert!(!out.stdout.chars().any(|c| c.is_control() && c != '\n'), "{:?}", out.stdout);
}

#[test]
fn a_yaml_budget_breached_through_aliases_is_worded_like_any_other() {
    // 40,000 aliases of one session: the node budget is met while the aliases are replayed
    // (before: `budget breached: Nodes { nodes: 250001 }`, E0601, and "in session 1").
    let mut log = String::from(
        "patient: P-1\nstart: 2026-09-01\nintake: { provider_cleared: true }\nsessions:\n  - &s { date: 2026-09-02, pain: { before: 1 } }\n",
    );
    for _ in 0..40_000 {
        log.push_str("  - *s\n");
    }
    let out = next_on(&log, "log.yaml");
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("E0606"), "{}", out.stderr);
    assert!(out.stderr.contains("the YAML document is too large: more than 250,000 values (nodes)"), "{}", out.stderr);
    assert!(!out.stderr.contains("Nodes {") && !out.stderr.contains("in session"), "{}", out.stderr);
}

/// A blank patient id cannot be told from another blank one in a batch's results: refused at
/// its line, as any other invalid value.
#[test]
fn an_empty_or_blank_patient_id_is_refused() {
    // Blank, or only invisible characters (a variation selector, the blank Braille pattern).
    for id in ["\"\"", "\"   \"", "\"\\t\"", "\"\\uFE0F\"", "\"\\u2800 \\u200B\""] {
        let log = CLEAN.replacen("patient: P-1", &format!("patient: {id}"), 1);
        assert_ne!(log, CLEAN);
        let out = next_on(&log, "log.yaml");
        assert_eq!(out.status, 4, "{id}: {}", out.stderr);
        assert!(out.stderr.contains("error[E0601]: the patient id is empty\n  --> log.yaml:1:10"), "{id}: {}", out.stderr);
    }
}

/// A parameter off its scale by hundreds of digits is quoted in exponent form, not in full.
#[test]
fn a_huge_parameter_is_quoted_short() {
    let t = Test::new().shipped_protocol();
    let plan = t.path().join("protocol/plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("protocol.yaml");
    let changed = text.replacen("  - id: stop_zone_pain\n    value: 6\n", "  - id: stop_zone_pain\n    value: 1e308\n", 1);
    assert_ne!(changed, text);
    std::fs::write(&plan, changed).expect("write");
    let out = t.run_with(&["check", "--protocol", "protocol", "--message-format", "plain"]);
    assert!(out.stderr.contains("warning[W0514]: parameter `stop_zone_pain` is 1e308, off its scale `points (0-10)`"), "{}", out.stderr);
    assert!(!out.stderr.contains("100000000000000000000"), "{}", out.stderr);
}

/// A red-flag rule that throws on its symptom leaves the patient with an error, not a referral:
/// `check` answers its probe logs and reports the failure as an error (E0304), naming the probe.
#[test]
fn a_red_flag_rule_that_throws_is_an_error_in_check() {
    let t = Test::new().shipped_protocol();
    let rules = t.path().join("protocol/rules/10-refer.yaml");
    let text = std::fs::read_to_string(&rules).expect("rules");
    let thrown = text.replacen(
        "      last.has_symptom(\"fever\")",
        "      (if last.has_symptom(\"fever\") { throw \"no\" } else { false }) || last.has_symptom(\"fever\")",
        1,
    );
    assert_ne!(thrown, text);
    std::fs::write(&rules, thrown).expect("write");
    let out = t.run_with(&["check", "--protocol", "protocol", "--message-format", "plain"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.contains("error[E0304]: error while evaluating rule `infection-signs`"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("= note: while answering check's probe log reporting red flag `fever`, at a first session, in phase `reintroduce`"),
        "{}",
        out.stderr
    );
}

/// A red-flag referral that is not sticky ends at the next session without a review.
#[test]
fn a_red_flag_rule_that_is_not_sticky_is_warned_about() {
    let when = "|| measured_fever(last)\n    then:\n";
    let stderr = check_weakened_refer_rules(when, &format!("{when}      sticky: false\n"));
    assert!(
        stderr.contains("warning[W0508]: rule `infection-signs` refers on red-flag symptom `fever` but is not sticky: the referral ends at the next session, without a review"),
        "{stderr}"
    );
}

/// A standard error or output that cannot be written loses the message, never the run: no
/// panic (exit 101), the command's own exit code.
#[test]
fn unwritable_stderr_or_a_closed_pipe_does_not_panic() {
    use std::process::{Command, Stdio};
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("note: no /dev/full on this machine: test skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, CLEAN.replacen("before: 2", "before: 12", 1)).expect("write");
    let out = Command::new(crate::support::bin()).args(["next", bad.to_str().expect("utf-8")]).stderr(full).output().expect("run");
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stdout));
    // Completions into a pipe closed after one byte.
    let mut child = Command::new(crate::support::bin())
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut one = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut one).expect("one byte");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert_ne!(out.status.code(), Some(101), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Invisible characters (a zero-width space, a byte-order mark, a tag character, a Hangul
/// filler) make two ids look alike: text and CSV output write them as escapes.
#[test]
fn invisible_characters_in_ids_are_escaped() {
    let log = concat!(
        r#"{"patient":"P\u200b-1\ufeff\u3164\udb40\udc41","start":"2026-09-01","intake":{"provider_cleared":true},"sessions":[]}"#,
        "\n"
    );
    let out = Test::new().file("in.jsonl", log).args(&["batch", "-q", "--format", "csv", "in.jsonl"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = out.stdout.lines().nth(1).expect("a row");
    assert!(row.starts_with("P\\u{200b}-1\\u{feff}\\u{3164}\\u{e0041},"), "{row}");
    let out = Test::new().file("in.json", log).args(&["next", "in.json", "--format", "text"]).run();
    assert!(out.stdout.starts_with("Patient P\\u{200b}-1\\u{feff}\\u{3164}\\u{e0041}, as of"), "{}", out.stdout);
}

/// A call of 20,000 arguments sent Rhai's function search into a spin the time budget never
/// saw: `check` refuses more than 32 arguments. A call nested 40,000 deep is a syntax error
/// (found in linear time: each call no longer scans to its own closing bracket).
#[test]
fn calls_with_too_many_arguments_or_nested_too_deep_are_refused() {
    let args = vec!["1"; 20_000].join(", ");
    let rule = format!(
        "rules:\n  - id: wide\n    description: d\n    when: |\n      max({args}) > 0\n    then: {{ decision: hold }}\n    source: s\n"
    );
    let [check, next, _] = every_verb("protocol/rules/60-wide.yaml", &rule);
    assert_eq!(check.status, 1, "{}", check.stderr);
    assert!(check.stderr.contains("a call of `max` with 20000 arguments: at most 32"), "{}", check.stderr);
    assert!(check.stderr.contains("rules/60-wide.yaml:5:7"), "{}", check.stderr);
    assert_eq!(next.status, 3);
    let deep = format!("{}1{}", "abs(".repeat(40_000), ")".repeat(40_000));
    let rule =
        format!("rules:\n  - id: deep\n    description: d\n    when: |\n      {deep} > 0\n    then: {{ decision: hold }}\n    source: s\n");
    let [check, ..] = every_verb("protocol/rules/60-deep.yaml", &rule);
    assert_eq!(check.status, 1, "{}", check.stderr);
    assert!(check.stderr.contains("error[E0301]"), "{}", check.stderr);
}

/// A rule file in a sub-folder of `rules/`, a JSON file or a name with a trailing space was
/// skipped without a word, and its rules silently switched off: each is refused, named.
#[test]
fn a_protocol_file_that_would_not_be_read_is_refused() {
    let flare = "rules:\n  - id: extra\n    description: d\n    when: |\n      false\n    then: { decision: hold }\n    source: s\n";
    for (path, why) in [
        ("protocol/rules/rest/21-extra.yaml", "a sub-folder holding protocol files, which are not read there"),
        ("protocol/rules/60-extra.yaml ", "its name starts or ends with a space"),
        ("protocol/rules/60-extra.json", "a .json file is not read"),
    ] {
        let out = Test::new().shipped_protocol().file(path, flare).args(&["check", "--protocol", "protocol"]).run();
        no_panic(&out);
        assert_eq!(out.status, 2, "{path}: {}", out.stderr);
        assert!(out.stderr.contains(why), "{path}: {}", out.stderr);
    }
    // A README or an editor's backup is no protocol file: skipped.
    for path in ["protocol/rules/README.md", "protocol/rules/10-refer.yaml.bak", "protocol/rules/.10-refer.yaml.swp"] {
        let out = Test::new().shipped_protocol().file(path, flare).args(&["check", "--protocol", "protocol"]).run();
        assert_eq!(out.status, 0, "{path}: {}", out.stderr);
    }
}

/// A threshold in quotes without a `unit:` was text, and the referral it guards never fired:
/// a number written as text is E0405 with or without a unit.
#[test]
fn a_quoted_number_parameter_without_a_unit_is_refused() {
    let t = Test::new().shipped_protocol();
    let plan = t.path().join("protocol/plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("protocol.yaml");
    let changed =
        text.replacen("  - id: stop_zone_pain\n    value: 6\n    unit: points (0-10)\n", "  - id: stop_zone_pain\n    value: \"6\"\n", 1);
    assert_ne!(changed, text);
    std::fs::write(&plan, changed).expect("write");
    let out = t.run_with(&["check", "--protocol", "protocol", "--message-format", "plain"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.contains("error[E0405]: parameter `stop_zone_pain` is a number written as text"), "{}", out.stderr);
}

/// An output in a folder that does not exist is refused before any log is answered, named as
/// the user wrote it (not the temporary file it would be written to first).
#[test]
fn an_output_in_a_missing_folder_is_refused_up_front() {
    for flag in ["-o", "--summary-json"] {
        let out = Test::new().file("log.yaml", CLEAN).args(&["batch", "log.yaml", "-q", flag, "nowhere/out.json"]).run();
        no_panic(&out);
        assert_eq!(out.status, 2, "{flag}: {}", out.stderr);
        assert_eq!(out.stderr, "error: cannot write `nowhere/out.json`: its folder does not exist\n", "{flag}");
        assert_eq!(out.stdout, "", "{flag}: nothing answered");
    }
}

/// A JSON file holding a list of logs is named as such, not as a problem inside its first log.
#[test]
fn a_json_list_of_logs_is_named_as_a_list() {
    let json = r#"[{"patient":"P-1","start":"2026-09-01","sessions":[]},{"patient":"P-2","start":"2026-09-01","sessions":[]}]"#;
    let out = next_on(json, "logs.json");
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("error[E0606]: expected one patient log (a JSON object), found a list\n  --> logs.json:1:1"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("JSON Lines"), "{}", out.stderr);
}

/// A session at the log format's limits (100 exercises) is answered: Rhai counts a map's size
/// with the maps nested in it, and a limit of 1,000 failed such a log, red flag and all.
#[test]
fn a_session_of_a_hundred_exercises_with_a_red_flag_is_referred() {
    let exercises: Vec<String> =
        (0..100).map(|i| format!("{{\"id\":\"{}\",\"minutes\":20}}", ["walking", "bridge", "clamshell"][i % 3])).collect();
    let session = |date: &str| {
        format!(
            "{{\"date\":\"{date}\",\"pain\":{{\"before\":1,\"during\":1,\"after\":1,\"next_day\":1}},\"fatigue\":3,\"symptoms\":[\"fever\"],\"exercises\":[{}]}}",
            exercises.join(",")
        )
    };
    let log = format!(
        "{{\"patient\":\"P\",\"start\":\"2026-01-01\",\"intake\":{{\"provider_cleared\":true}},\"sessions\":[{},{}]}}",
        session("2026-01-02"),
        session("2026-01-03")
    );
    let out = Test::new().file("log.json", &log).args(&["next", "log.json", "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(a["decision"], "refer");
}

/// `detraining_days_per_level` divides the days off: 0 is refused where it is written, as the
/// schema says, not raised to 1 in silence.
#[test]
fn detraining_days_per_level_of_zero_is_refused() {
    let t = Test::new().shipped_protocol();
    let plan = t.path().join("protocol/plans/protocol.yaml");
    let text = std::fs::read_to_string(&plan).expect("plan");
    std::fs::write(&plan, text.replacen("detraining_days_per_level: 5", "detraining_days_per_level: 0", 1)).expect("write");
    let out = t.run_with(&["check", "--protocol", "protocol", "--format", "plain"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error[E0102]: 0 is out of range: expected a whole number from 1 to 365\n"), "{}", out.stderr);
}

/// A stop-zone threshold out of reach is seen whatever the unit says: blank (a zero-width
/// space), a rating without its range, or a range written with an en dash or in words.
#[test]
fn a_threshold_out_of_reach_is_seen_whatever_the_unit() {
    for (unit, code) in
        [("\"\\u200b\"", "W0517"), ("points", "W0517"), ("\"points (0\u{2013}10)\"", "W0514"), ("\"points (0 to 10)\"", "W0514")]
    {
        let t = Test::new().shipped_protocol();
        let plan = t.path().join("protocol/plans/protocol.yaml");
        let text = std::fs::read_to_string(&plan).expect("plan");
        let edited = text.replacen(
            "  - id: stop_zone_pain\n    value: 6\n    unit: points (0-10)\n",
            &format!("  - id: stop_zone_pain\n    value: 99\n    unit: {unit}\n"),
            1,
        );
        assert_ne!(edited, text);
        std::fs::write(&plan, edited).expect("write");
        let out = t.run_with(&["check", "--protocol", "protocol", "--deny-warnings", "--format", "plain"]);
        assert_eq!(out.status, 1, "{unit}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("warning[{code}]: parameter `stop_zone_pain`")), "{unit}: {}", out.stderr);
    }
}

/// A symptom name with a Cyrillic letter looks like the real one: the error names the letter.
#[test]
fn a_lookalike_letter_in_a_name_is_named() {
    let log = "patient: P\nstart: 2026-03-02\nintake: { provider_cleared: true }\nsessions:\n  - { date: 2026-03-03, symptoms: [f\u{435}ver], pain: { before: 1 } }\n";
    let out = Test::new().file("log.yaml", log).args(&["next", "log.yaml", "--message-format", "plain"]).run();
    assert_eq!(out.status, 4, "{}", out.stderr);
    assert!(out.stderr.contains("note: `f\u{435}ver` holds characters that are not ASCII (U+0435): retype the name"), "{}", out.stderr);
}
