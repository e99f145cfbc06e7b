//! The check corpus: each folder under `tests/fixtures/check/` is one authoring mistake, a
//! small broken protocol (`plans/`, `rules/`) or a patient log (`log.yaml`, `log.json`)
//! checked against the shipped protocol, or both. `expected.txt` holds the exact stderr of
//!
//! ```text
//! stepwise check --format plain [--protocol .] [--log <log file>...]
//! ```
//!
//! run inside the folder, so paths are relative and the output is stable. The exit status
//! must be 1 when the output holds an error and 0 otherwise. `UPDATE_EXPECT=1 cargo test`
//! rewrites the expected files; review the diff before committing.
//!
//! Every diagnostic code must appear in some expected file, and be documented in
//! docs/diagnostics.md with what it means, why it matters and an example.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use stepwise::Code;

use crate::support::{bin, root};

/// The issue asks for at least 40 broken protocols and logs.
const MIN_CASES: usize = 40;
/// Worker threads running cases; each is a short process.
const WORKERS: usize = 4;

fn corpus() -> PathBuf {
    root().join("tests/fixtures/check")
}

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/fixtures/check")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn is_log(name: &str) -> bool {
    name.starts_with("log") && [".yaml", ".yml", ".json", ".jsonl"].iter().any(|ext| name.ends_with(ext))
}

/// The command line for a case folder.
fn args(case: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["check", "--format", "plain"].map(String::from).to_vec();
    if case.join("plans").is_dir() || case.join("rules").is_dir() {
        args.extend(["--protocol".into(), ".".into()]);
    }
    let mut logs: Vec<String> = std::fs::read_dir(case)
        .expect("case folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| is_log(n))
        .collect();
    logs.sort();
    for log in logs {
        args.extend(["--log".into(), log]);
    }
    args
}

struct Outcome {
    case: PathBuf,
    stdout: String,
    stderr: String,
    status: i32,
}

/// A case with a `base/` folder is checked against that protocol as a git revision: in a new
/// repository, `base/` is committed, then the case's own `plans/` and `rules/` replace it in the
/// working tree, and `check --base HEAD` runs there.
fn in_git_repository(case: &Path) -> Option<tempfile::TempDir> {
    fn copy(from: &Path, to: &Path) {
        for sub in ["plans", "rules"] {
            let _ = std::fs::remove_dir_all(to.join(sub));
            std::fs::create_dir_all(to.join(sub)).expect("mkdir");
            for e in std::fs::read_dir(from.join(sub)).expect("case folder") {
                let e = e.expect("entry");
                std::fs::copy(e.path(), to.join(sub).join(e.file_name())).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-c", "user.name=corpus", "-c", "user.email=corpus@example.org", "-c", "init.defaultBranch=main"])
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !git(&["init", "-q"]) {
        return None;
    }
    copy(&case.join("base"), dir.path());
    assert!(git(&["add", "."]) && git(&["commit", "-q", "-m", "base"]), "git commit in {}", dir.path().display());
    copy(case, dir.path());
    Some(dir)
}

fn run(case: &Path) -> Outcome {
    let repo = if case.join("base").is_dir() { in_git_repository(case) } else { None };
    if case.join("base").is_dir() && repo.is_none() {
        eprintln!("note: git is not available: case {} is not run", case.display());
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
        return Outcome { case: case.to_path_buf(), stdout: String::new(), stderr: expected, status: 0 };
    }
    let mut args = args(case);
    if repo.is_some() {
        args.extend(["--base".into(), "HEAD".into()]);
    }
    let dir = repo.as_ref().map_or(case.to_path_buf(), |r| r.path().to_path_buf());
    let out = Command::new(bin()).args(args).current_dir(&dir).env("NO_COLOR", "1").stdin(Stdio::null()).output().expect("run stepwise");
    Outcome {
        case: case.to_path_buf(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or(-1),
    }
}

fn run_all() -> Vec<Outcome> {
    let cases = cases();
    let chunk = cases.len().div_ceil(WORKERS).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = cases.chunks(chunk).map(|part| s.spawn(move || part.iter().map(|c| run(c)).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    })
}

fn name(case: &Path) -> String {
    case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn expected_files() -> Vec<(String, String)> {
    cases().iter().map(|c| (name(c), std::fs::read_to_string(c.join("expected.txt")).unwrap_or_default())).collect()
}

#[test]
fn corpus_output_is_exactly_as_expected() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for o in run_all() {
        let path = o.case.join("expected.txt");
        let has_error = o.stderr.lines().any(|l| l.starts_with("error"));
        let want_status = i32::from(has_error);
        if o.status != want_status {
            failures.push(format!("{}: exit status {} (expected {want_status})\n{}", name(&o.case), o.status, o.stderr));
        }
        if has_error && !o.stdout.is_empty() {
            failures.push(format!("{}: stdout should be empty on errors, got {:?}", name(&o.case), o.stdout));
        }
        if update {
            std::fs::write(&path, &o.stderr).expect("write expected.txt");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if o.stderr != expected {
            failures.push(format!(
                "{}: stderr differs (UPDATE_EXPECT=1 rewrites it)\n--- expected\n{expected}--- actual\n{}",
                name(&o.case),
                o.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn corpus_is_large_enough() {
    let n = cases().len();
    assert!(n >= MIN_CASES, "only {n} cases under tests/fixtures/check (at least {MIN_CASES})");
}

#[test]
fn every_code_appears_in_the_corpus() {
    let expected = expected_files();
    let missing: Vec<&str> =
        Code::ALL.iter().map(|c| c.id()).filter(|id| !expected.iter().any(|(_, text)| text.contains(&format!("[{id}]")))).collect();
    assert!(missing.is_empty(), "codes with no case under tests/fixtures/check: {missing:?}");
}

#[test]
fn every_case_is_named_after_a_code_it_shows() {
    // `e0201-...` must show E0201; cases named otherwise (`clean-...`, `several-...`) are free.
    for (case, text) in expected_files() {
        let Some(prefix) = case.split('-').next().filter(|p| p.len() == 5 && p[1..].chars().all(|c| c.is_ascii_digit())) else {
            continue;
        };
        let id = prefix.to_uppercase();
        assert!(text.contains(&format!("[{id}]")), "case `{case}` does not show {id}:\n{text}");
    }
}

#[test]
fn every_code_is_documented() {
    let expected = expected_files();
    let docs = std::fs::read_to_string(root().join("docs/diagnostics.md")).expect("docs/diagnostics.md");
    for code in Code::ALL {
        let heading = format!("## {} {}", code.id(), code.name());
        let Some(start) = docs.find(&heading) else {
            panic!("docs/diagnostics.md has no section `{heading}`");
        };
        let section = &docs[start + heading.len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        for part in ["**What it means.**", "**Why it matters.**", "**Example.**", "```yaml", "```text"] {
            assert!(section.contains(part), "the section of {} in docs/diagnostics.md lacks {part}", code.id());
        }
        assert!(section.contains(&format!("[{}]", code.id())), "the example of {} does not show the code", code.id());
        // The rendered example is the corpus's own output, so it cannot go stale.
        let rendered = section.split("```text\n").nth(1).and_then(|r| r.split("\n```").next()).unwrap_or_default();
        assert!(
            expected.iter().any(|(_, text)| text.contains(rendered)),
            "the example of {} in docs/diagnostics.md is not the output of any case:\n{rendered}",
            code.id()
        );
    }
}
