//! Hostile inputs (issue 10): protocols, logs, folders and output paths that once crashed,
//! hung or weakened a safety rule. Each case runs the real binary and expects a clear error or
//! an answer, never a panic.

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
    assert!(out.stderr.contains("first defined at protocol/rules/helpers.rhai:50:4"), "{}", out.stderr);
}
