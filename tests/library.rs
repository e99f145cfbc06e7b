//! The library API as a caller outside the crate uses it: load, check, answer one log from
//! text or a value, answer many, errors with snippets and in JSON, in-memory protocols.

use crate::support::Test;
use stepwise::{AnswerFormat, Checked, DiagnosticFormat, Options, Protocol, ProtocolSource};

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))).expect("example")
}

#[test]
fn the_api_answers_every_example_byte_for_byte_as_the_cli_does() {
    let p = Protocol::embedded().expect("valid");
    for entry in std::fs::read_dir(format!("{}/examples", env!("CARGO_MANIFEST_DIR"))).expect("examples") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let text = example(&name);
        let answer = p.answer_text(&name, &text, &Options::default()).expect("answers");
        let out = Test::new().file(&name, &text).args(&["next", &name, "--format", "json"]).run();
        assert_eq!(out.status, 0, "{name}: {}", out.stderr);
        assert_eq!(p.render_answer(&answer, AnswerFormat::Json), out.stdout, "{name}");
    }
}

#[test]
fn a_value_answers_like_its_text() {
    let p = Protocol::embedded().expect("valid");
    let text = example("01-walking-progress.yaml");
    let from_text = p.answer_text("a.yaml", &text, &Options::default()).expect("answers");
    let value: serde_json::Value = serde_saphyr::from_str(&text).expect("yaml");
    let from_value = p.answer_value(&value, &Options::default()).expect("answers");
    assert_eq!(from_text, from_value);
}

#[test]
fn many_logs_answer_in_input_order_and_a_bad_one_stays_alone() {
    let p = Protocol::embedded().expect("valid");
    let good = example("01-walking-progress.yaml");
    let logs = vec![("a.yaml", good.as_str()), ("bad.yaml", "patient: [\n"), ("c.yaml", good.as_str())];
    let results = p.answer_many(logs, Some(2), &Options::default()).expect("pool");
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[2].is_ok());
    let e = results[1].as_ref().expect_err("bad log");
    assert_eq!(e.name, "bad.yaml");
    let shown = p.render_log_error(e, DiagnosticFormat::Plain, false);
    assert!(shown.contains("bad.yaml:"), "{shown}");
    let json = p.log_error_json(e);
    assert_eq!(json[0]["file"], "bad.yaml");
    assert!(json[0]["code"].as_str().is_some_and(|c| c.starts_with('E')), "{json:?}");
}

#[test]
fn an_in_memory_protocol_reports_its_errors_by_name() {
    let mut files = ProtocolSource::embedded_files();
    files.push(("rules/zz.yaml".into(), "rules:\n  - id: broken\n    decision: maybe\n".into()));
    let checked = Checked::load(&ProtocolSource::Files { name: "rev:HEAD".into(), files }, true).expect("no I/O");
    assert!(checked.error_count() > 0);
    assert!(checked.protocol().is_none());
    let shown = checked.render(checked.diagnostics(), DiagnosticFormat::Plain, false);
    assert!(shown.contains("rev:HEAD:rules/zz.yaml:3"), "{shown}");
    let fine = Protocol::load(&ProtocolSource::Files { name: "rev:HEAD".into(), files: ProtocolSource::embedded_files() }).expect("valid");
    assert_eq!(fine.reference().from, "rev:HEAD");
    assert_eq!(fine.reference().digest, Protocol::embedded().expect("valid").reference().digest);
}

#[test]
fn version_names_the_embedded_protocol_exactly() {
    let p = Protocol::embedded().expect("valid").reference();
    let out = Test::new().args(&["--version"]).run();
    assert_eq!(out.status, 0);
    assert_eq!(out.stdout, format!("stepwise {} (embedded protocol {} {} {})\n", env!("CARGO_PKG_VERSION"), p.id, p.version, p.digest));
    // `--version` alone is answered before the parser is built: `-V` says the same, and so does
    // clap where the flag comes with other arguments (`--color never --version`).
    assert_eq!(Test::new().args(&["-V"]).run().stdout, out.stdout);
    let via_clap = Test::new().args(&["--color", "never", "--version"]).run();
    assert_eq!((via_clap.status, via_clap.stdout), (0, out.stdout));
}
