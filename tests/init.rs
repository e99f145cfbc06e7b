//! `stepwise init DIR`: a new protocol repository holding a copy of the default protocol, its
//! cases and examples (the same bytes as this repository's), the editor schemas, a README,
//! a .gitignore and a CI workflow; it checks clean and passes its own cases; a non-empty
//! folder is refused.

use crate::support::{Test, root};

const CREATED: &str = "Created protocol hip-return 1.6.0 in clinic: 46 files (plans/, rules/, cases/, examples/, docs/schema/, README.md, .gitignore, .github/workflows/protocol.yml)
Next:
  cd clinic
  git init && git add . && git commit -m \"Start from the default protocol\"
  stepwise check
  stepwise test --coverage
";

/// Every file under `dir`, relative, sorted.
fn tree(dir: &std::path::Path) -> Vec<String> {
    fn walk(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn init_writes_a_protocol_repository_that_checks_and_passes_its_cases() {
    let t = Test::new().args(&["init", "clinic"]);
    t.expect(0, CREATED, "");
    let dir = t.path().join("clinic");
    let files = tree(&dir);
    assert_eq!(files.len(), 46);
    // The protocol, its cases and the examples are this repository's files, byte for byte.
    for sub in ["plans", "rules", "cases", "examples"] {
        let shipped = tree(&root().join(sub));
        for f in &shipped {
            let a = std::fs::read(root().join(sub).join(f)).expect("shipped file");
            let b = std::fs::read(dir.join(sub).join(f)).unwrap_or_else(|_| panic!("{sub}/{f} was not copied"));
            assert!(a == b, "{sub}/{f} differs from the shipped file");
        }
        assert_eq!(files.iter().filter(|f| f.starts_with(&format!("{sub}/"))).count(), shipped.len(), "{sub}/");
    }
    for extra in
        ["README.md", ".gitignore", ".github/workflows/protocol.yml", "docs/schema/case.schema.json", "docs/schema/plan.schema.json"]
    {
        assert!(files.contains(&extra.to_string()), "{extra} missing: {files:?}");
    }
    let committed = std::fs::read_to_string(root().join("docs/schema/rule.schema.json")).expect("schema");
    assert_eq!(std::fs::read_to_string(dir.join("docs/schema/rule.schema.json")).expect("copied"), committed);
    // The CI workflow is YAML and runs check, test with full coverage, and diff on a pull request.
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/protocol.yml")).expect("workflow");
    let v: serde_json::Value = serde_saphyr::from_str(&workflow).expect("the workflow is YAML");
    let runs: Vec<&str> = v["jobs"]["protocol"]["steps"].as_array().expect("steps").iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.contains(&"stepwise check --protocol . --deny-warnings"), "{runs:?}");
    assert!(runs.contains(&"stepwise test --protocol . --coverage --min-coverage 100"), "{runs:?}");
    assert!(runs.iter().any(|r| r.starts_with("stepwise diff --protocol . --base ")), "{runs:?}");
    // The new folder checks clean (warnings too) and passes every case with full coverage.
    let check = Test::new().args(&["check", "--deny-warnings", "--protocol", dir.to_str().unwrap()]).run();
    assert_eq!(check.status, 0, "{}{}", check.stdout, check.stderr);
    let test = Test::new().args(&["test", "--coverage", "--min-coverage", "100", "--protocol", dir.to_str().unwrap()]).run();
    assert_eq!(test.status, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stdout.ends_with("test result: ok. 302 passed, 0 failed, 0 filtered out\n"), "{}", test.stdout);
}

#[test]
fn init_accepts_an_empty_folder_and_refuses_anything_else() {
    let t = Test::new().args(&["init", "empty"]);
    std::fs::create_dir(t.path().join("empty")).expect("mkdir");
    let out = t.run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    Test::new().file("taken/notes.txt", "mine\n").args(&["init", "taken"]).expect(
        2,
        "",
        "error: `taken` is not empty: give a new or empty folder\n",
    );
    let t = Test::new().file("file", "x").args(&["init", "file"]);
    t.expect(2, "", "error: `file` exists and is not a folder: give a new or empty folder\n");
    assert_eq!(std::fs::read_to_string(t.path().join("file")).expect("untouched"), "x");
}
