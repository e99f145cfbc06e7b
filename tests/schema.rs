//! The editor schemas: `docs/schema/*.schema.json` are exactly what `stepwise schema` prints
//! (`UPDATE_EXPECT=1` rewrites them), they accept every shipped plan, rule file and example
//! log, and they reject a sample of the broken corpus: the mistakes a schema can see (unknown
//! keys, missing keys, wrong types, values out of range), so an editor underlines them while
//! the therapist types.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{bin, root};

const KINDS: [&str; 4] = ["plan", "rule", "log", "case"];

fn schema_output(kind: &str) -> String {
    let out = Command::new(bin()).args(["schema", kind]).output().expect("run stepwise schema");
    assert!(out.status.success(), "schema {kind} failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn committed(kind: &str) -> std::path::PathBuf {
    root().join(format!("docs/schema/{kind}.schema.json"))
}

fn validator(kind: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(committed(kind)).expect("committed schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

/// A YAML file as JSON, read the way the loader reads it (YAML 1.2 booleans); JSON as it is.
fn instance(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read");
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&text).expect("JSON");
    }
    serde_saphyr::from_str_with_options(&text, serde_saphyr::options! { strict_booleans: true })
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(v: &jsonschema::Validator, path: &Path) -> Vec<String> {
    let inst = instance(path);
    v.iter_errors(&inst).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn yaml_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(root().join(dir))
        .expect("folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

#[test]
fn committed_schemas_are_what_the_command_prints() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    for kind in KINDS {
        let printed = schema_output(kind);
        if update {
            std::fs::create_dir_all(root().join("docs/schema")).expect("mkdir");
            std::fs::write(committed(kind), &printed).expect("write schema");
            continue;
        }
        let file = std::fs::read_to_string(committed(kind)).unwrap_or_default();
        assert!(file == printed, "docs/schema/{kind}.schema.json is stale: run `UPDATE_EXPECT=1 cargo test --test main schema`");
    }
}

#[test]
fn shipped_files_name_the_committed_schemas() {
    for (dir, kind) in [("plans", "plan"), ("rules", "rule")] {
        for path in yaml_files(dir) {
            let first = std::fs::read_to_string(&path).expect("read").lines().next().unwrap_or_default().to_string();
            assert_eq!(first, format!("# yaml-language-server: $schema=../docs/schema/{kind}.schema.json"), "{}", path.display());
        }
    }
}

#[test]
fn schemas_accept_every_shipped_plan_rule_file_and_example_log() {
    let mut checked = 0;
    for (dir, kind) in [("plans", "plan"), ("rules", "rule"), ("examples", "log")] {
        let v = validator(kind);
        for path in yaml_files(dir) {
            assert_eq!(errors(&v, &path), Vec::<String>::new(), "{} against the {kind} schema", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} files checked");
}

/// Cases of the check corpus whose mistake a schema sees: (case, file, schema).
const REJECTED: &[(&str, &str, &str)] = &[
    ("e0102-wrong-type", "plans/plan.yaml", "plan"),
    ("e0102-invalid-value", "plans/plan.yaml", "plan"),
    ("e0102-invalid-decision", "rules/rules.yaml", "rule"),
    ("e0103-unknown-key-near-miss", "plans/plan.yaml", "plan"),
    ("e0103-unknown-key", "rules/rules.yaml", "rule"),
    ("e0104-missing-field", "rules/rules.yaml", "rule"),
    ("e0402-empty-ladder", "plans/plan.yaml", "plan"),
    ("e0601-pain-out-of-range", "log.yaml", "log"),
    ("e0601-unknown-symptom", "log.yaml", "log"),
    ("e0601-wrong-type", "log.yaml", "log"),
    ("e0607-log-unknown-field", "log.yaml", "log"),
    ("e0607-json-unknown-field", "log.json", "log"),
    ("e0608-log-missing-field", "log.yaml", "log"),
];

#[test]
fn schemas_reject_a_sample_of_the_broken_corpus() {
    for (case, file, kind) in REJECTED {
        let path = root().join("tests/fixtures/check").join(case).join(file);
        assert!(!errors(&validator(kind), &path).is_empty(), "the {kind} schema accepts {case}/{file}");
    }
}

#[test]
fn schemas_accept_the_corpus_files_that_are_only_semantically_wrong() {
    // A schema cannot see references or scripts: these files are well-formed.
    for (case, file, kind) in
        [("e0201-unknown-exercise", "plans/plan.yaml", "plan"), ("e0204-unknown-function", "rules/rules.yaml", "rule")]
    {
        let path = root().join("tests/fixtures/check").join(case).join(file);
        assert_eq!(errors(&validator(kind), &path), Vec::<String>::new(), "{case}/{file}");
    }
}

/// A second validator, Python's `jsonschema` (check-jsonschema, pre-commit), accepts every
/// shipped file: decimals such as `minutes: 18.2` pass (no `multipleOf: 0.1`, which fails in
/// binary floating point). `.ci/run` installs `jsonschema` and `PyYAML` and sets
/// `STEPWISE_REQUIRE_PYTHON_SCHEMA=1`; elsewhere the test says plainly when they are missing.
#[test]
fn python_jsonschema_accepts_every_shipped_file() {
    let root = crate::support::root();
    let have = std::process::Command::new("python3").args(["-c", "import jsonschema, yaml"]).output().is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("STEPWISE_REQUIRE_PYTHON_SCHEMA").is_none(),
            "python3 with jsonschema and PyYAML is required here (pip install jsonschema pyyaml)"
        );
        eprintln!("skipped: python3 with jsonschema and PyYAML is not installed (pip install jsonschema pyyaml)");
        return;
    }
    let out = std::process::Command::new("python3").arg(root.join("tests/python_schema_check.py")).arg(&root).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0 error(s)\n");
}
