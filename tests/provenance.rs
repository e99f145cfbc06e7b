//! Provenance: an answer from a protocol folder in a git repository records the commit and
//! whether the protocol's files differ from it; outside git it records neither.

use std::process::{Command, Stdio};

use crate::support::{Test, root};

fn git(dir: &std::path::Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Makes `dir` a repository with everything in it committed; its commit, or `None` (with a
/// note) when git is not available.
fn commit_all(dir: &std::path::Path) -> Option<String> {
    if git(dir, &["init", "-q"]).is_none() {
        eprintln!("note: git is not available; provenance is not tested");
        return None;
    }
    git(dir, &["add", "."])?;
    git(dir, &["commit", "-q", "-m", "protocol"])?;
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn answers_record_the_commit_and_uncommitted_changes() {
    let t = Test::new().shipped_protocol();
    let dir = t.path().join("protocol");
    // Outside a repository there is no provenance to record.
    assert!(answer_in(&dir).get("git").is_none());
    let Some(head) = commit_all(&dir) else { return };
    let a = answer_in(&dir);
    assert_eq!(a["protocol"]["git"], serde_json::json!({"commit": head, "dirty": false}));
    // An edited rule, not yet committed: the answer says so, in JSON and in words.
    let rules = dir.join("rules/40-hold.yaml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, text.replacen("description:", "description: (edited)", 1)).unwrap();
    assert_eq!(answer_in(&dir)["protocol"]["git"]["dirty"], true);
    let log = root().join("examples/01-walking-progress.yaml");
    let out = Test::new().args(&["next", log.to_str().unwrap(), "--protocol", dir.to_str().unwrap()]).run();
    let short: String = head.chars().take(12).collect();
    assert!(out.stdout.lines().nth(1).unwrap().ends_with(&format!(", commit {short} with uncommitted changes")), "{}", out.stdout);
    drop(t);
}

fn answer_in(dir: &std::path::Path) -> serde_json::Value {
    let log = root().join("examples/01-walking-progress.yaml");
    let out = Test::new().args(&["next", log.to_str().unwrap(), "--protocol", dir.to_str().unwrap(), "--format", "json"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn the_embedded_protocol_has_no_git_provenance() {
    let a = crate::support::answer(&std::fs::read_to_string(root().join("examples/01-walking-progress.yaml")).unwrap(), &[]);
    assert!(a["protocol"].get("git").is_none(), "{}", a["protocol"]);
}

/// A protocol folder may come with its own `.git/config`, and git runs programs a config names
/// (`core.fsmonitor` on any index refresh, filter drivers when it hashes files through the
/// index). Reading provenance must run none of them, and still tell a changed file, an added
/// one and a removed one.
#[test]
fn a_hostile_repository_config_runs_nothing() {
    let t = Test::new().shipped_protocol();
    let dir = t.path().join("protocol");
    let Some(head) = commit_all(&dir) else { return };
    let planted = t.path().join("planted");
    let touch = format!("touch '{}'; false", planted.display());
    git(&dir, &["config", "core.fsmonitor", &touch]).unwrap();
    git(&dir, &["config", "filter.evil.clean", &touch]).unwrap();
    std::fs::write(dir.join(".gitattributes"), "* filter=evil\n").unwrap();
    assert!(!planted.exists());
    assert_eq!(answer_in(&dir)["protocol"]["git"], serde_json::json!({"commit": head, "dirty": false}));
    assert!(!planted.exists(), "a program named by the repository's config ran");
    let extra = dir.join("rules/zz.rhai");
    std::fs::write(&extra, "fn zz() { 1 }\n").unwrap();
    assert_eq!(answer_in(&dir)["protocol"]["git"]["dirty"], true, "an added file");
    std::fs::remove_file(&extra).unwrap();
    let moved = t.path().join("40-hold.yaml");
    std::fs::rename(dir.join("rules/40-hold.yaml"), &moved).unwrap();
    let out = Test::new().args(&["check", "--protocol", dir.to_str().unwrap()]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let a = answer_in(&dir);
    assert_eq!(a["protocol"]["git"]["dirty"], true, "a removed file");
    assert!(!planted.exists(), "a program named by the repository's config ran");
}
