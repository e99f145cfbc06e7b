//! Snapshot tests (insta): every example's answer, in text and in JSON, exactly as the library
//! API renders it (`Protocol::embedded()`, `answer_text`, `render_answer`). The snapshots live in
//! `tests/snapshots/`; a change in any answer fails here with a diff. After a deliberate change,
//! review and accept the new answers with `cargo insta review` (or `INSTA_UPDATE=always cargo
//! test --test main snapshots::` and read `git diff tests/snapshots`). In CI (`CI` set) insta
//! never writes a snapshot: a mismatch fails.
//!
//! The protocol digest is masked as `[digest]` in the answers: it is a hash of every protocol
//! file, so any protocol edit (a typo in one cue) would otherwise churn all 44 snapshots and
//! bury the answers that really changed. The digest is still pinned, once, by
//! `the_protocol_reference_is_pinned`. The mask replaces exactly the protocol's own digest
//! (a plain string replacement, not a pattern), so nothing else can be hidden by it.

use stepwise::{Answer, AnswerFormat, Options, Protocol};

/// Every example log, sorted by name: (file name, text).
fn examples() -> Vec<(String, String)> {
    let dir = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    names.sort();
    names.into_iter().map(|n| (n.clone(), std::fs::read_to_string(format!("{dir}/{n}")).expect("example"))).collect()
}

fn answer(p: &Protocol, name: &str, text: &str) -> Answer {
    p.answer_text(name, text, &Options::default())
        .unwrap_or_else(|e| panic!("{name}: {}", p.render_log_error(&e, stepwise::DiagnosticFormat::Plain, false)))
}

fn masked(p: &Protocol, s: &str) -> String {
    s.replace(&p.reference().digest, "[digest]")
}

/// The snapshot name of an example: its file name without the extension.
fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// JSON without the whitespace outside strings: turns the pretty snapshot back into the one
/// line `render_answer` writes, so the snapshot pins those bytes exactly (key order included).
fn compact(pretty: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::with_capacity(pretty.len()), false, false);
    for c in pretty.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_example_answers_as_its_text_snapshot() {
    let p = Protocol::embedded().expect("valid");
    let all = examples();
    assert!(all.len() >= 22, "examples went missing: {}", all.len());
    for (name, text) in &all {
        let shown = p.render_answer(&answer(&p, name, text), AnswerFormat::Text);
        insta::assert_snapshot!(format!("text-{}", stem(name)), masked(&p, &shown));
    }
}

#[test]
fn every_example_answers_as_its_json_snapshot() {
    let p = Protocol::embedded().expect("valid");
    for (name, text) in &examples() {
        let a = answer(&p, name, text);
        // Snapshotted pretty, so a change reads as a diff of a few lines, not of one long line.
        let pretty = serde_json::to_string_pretty(&a).expect("an answer serializes");
        let line = p.render_answer(&a, AnswerFormat::Json);
        assert_eq!(format!("{}\n", compact(&pretty)), line, "{name}: the snapshot is not what `--format json` writes");
        insta::assert_snapshot!(format!("json-{}", stem(name)), masked(&p, &pretty));
    }
}

#[test]
fn the_protocol_reference_is_pinned() {
    let p = Protocol::embedded().expect("valid");
    let r = p.reference();
    insta::assert_snapshot!(
        "protocol-reference",
        format!("id: {}\nversion: {}\ndigest: {}\nfrom: {}\n", r.id, r.version, r.digest, r.from)
    );
}

#[test]
fn compact_keeps_whitespace_inside_strings() {
    assert_eq!(compact("{\n  \"a b\": \"c \\\" d\",\n  \"e\": [\n    1,\n    2\n  ]\n}"), "{\"a b\":\"c \\\" d\",\"e\":[1,2]}");
}
