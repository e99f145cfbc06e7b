//! `stepwise diff`: two protocol folders, and two revisions of a git repository made in the
//! test (skipped with a note when `git` is missing), answer the same logs; every changed
//! patient is listed, then the summary; text, JSON and Markdown; `--fail-on-change`.

use std::path::Path;
use std::process::Command;

use crate::support::{Test, mask_digest};

const TWO_CLEAN_WALKS: &str = "patient: P-1\nstart: 2026-03-02\nintake: { onset: gradual, cause: overuse, provider_cleared: true }\nsessions:\n  - { date: 2026-03-02, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }\n  - { date: 2026-03-04, pain: { before: 2, during: 2, after: 2, next_day: 2 }, fatigue: 3, exercises: [{ id: walking, minutes: 15 }] }\n";
const NOT_CLEARED: &str = "patient: P-2\nstart: 2026-03-02\n";

/// Makes the copied protocol in `dir` ask for three clean sessions before progressing.
fn three_clean_sessions(dir: &Path) {
    let path = dir.join("plans/protocol.yaml");
    let text = std::fs::read_to_string(&path).expect("read");
    let changed = text.replace("  - id: clean_sessions_to_progress\n    value: 2\n", "  - id: clean_sessions_to_progress\n    value: 3\n");
    assert_ne!(changed, text, "the parameter is where the test expects it");
    std::fs::write(&path, changed).expect("write");
}

fn with_logs(t: Test) -> Test {
    t.file("logs/a.yaml", TWO_CLEAN_WALKS).file("logs/b.yaml", NOT_CLEARED)
}

/// Two copies of the shipped protocol: `protocol/` as shipped, `changed/` with the change.
fn two_folders() -> Test {
    let t = with_logs(Test::new().shipped_protocol());
    let changed = t.path().join("changed");
    for sub in ["plans", "rules"] {
        std::fs::create_dir_all(changed.join(sub)).expect("mkdir");
        for e in std::fs::read_dir(t.path().join("protocol").join(sub)).expect("read") {
            let e = e.expect("entry");
            std::fs::copy(e.path(), changed.join(sub).join(e.file_name())).expect("copy");
        }
    }
    three_clean_sessions(&changed);
    t
}

const CHANGED_TEXT: &str = "\
old: protocol hip-return 1.6.0 (sha256:DIGEST), from protocol
new: protocol hip-return 1.6.0 (sha256:DIGEST), from changed

P-1 (logs/a.yaml)
  decision: progress -> hold
  rules fired: no longer clean-sessions-progress
  walking: 16.5 min -> 15 min
  hip_mobility: level 1: 10 min -> not listed
  bridge: level 1: 2 x 8, hold 3 s -> not listed
  clamshell: level 1: 2 x 10 -> not listed
  side_lying_leg_lift: level 1: 2 x 5, hold 5 s -> not listed
  band_walk: level 1: 2 x 10 -> not listed

Summary: 1 of 2 patients changed
  1 of 2 patients: progress -> hold
  1 of 2 patients: rules fired changed
  1 of 2 patients: next session changed
";

#[test]
fn two_folders_list_each_changed_patient_then_the_summary() {
    two_folders().args(&["diff", "protocol", "changed", "logs"]).expect(0, CHANGED_TEXT, "");
}

#[test]
fn fail_on_change_exits_1_when_an_answer_changed_and_0_when_none_did() {
    two_folders().args(&["diff", "protocol", "changed", "logs", "--fail-on-change"]).expect(1, CHANGED_TEXT, "");
    two_folders().args(&["diff", "protocol", "protocol", "logs/b.yaml", "logs/a.yaml", "--fail-on-change"]).expect(
        0,
        "old: protocol hip-return 1.6.0 (sha256:DIGEST), from protocol\nnew: protocol hip-return 1.6.0 (sha256:DIGEST), from protocol\n\nNo changes: all 2 patients get the same answer.\n",
        "",
    );
}

#[test]
fn markdown_and_json_carry_the_same_changes() {
    let out = two_folders().args(&["diff", "protocol", "changed", "logs", "--format", "markdown"]).run();
    assert_eq!(out.status, 0);
    let md = mask_digest(&out.stdout);
    assert!(md.starts_with("## Protocol diff\n\n| | protocol | version | digest | from |\n|---|---|---|---|---|\n| old | hip-return | 1.6.0 | `sha256:DIGEST` | protocol |\n"), "{md}");
    assert!(
        md.contains("\n### Summary: 1 of 2 patients changed\n\n| change | patients |\n|---|---|\n| progress -> hold | 1 of 2 |\n"),
        "{md}"
    );
    assert!(md.contains("| P-1 | logs/a.yaml | walking | 16.5 min | 15 min |\n"), "{md}");
    let out = two_folders().args(&["diff", "protocol", "changed", "logs", "--format", "json"]).run();
    assert_eq!(out.status, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON object");
    assert_eq!((v["old"]["from"].as_str(), v["new"]["from"].as_str()), (Some("protocol"), Some("changed")));
    assert_ne!(v["old"]["digest"], v["new"]["digest"]);
    assert_eq!(v["summary"]["decisions"], serde_json::json!([{"from": "progress", "to": "hold", "patients": 1}]));
    assert_eq!((v["summary"]["patients"].as_u64(), v["summary"]["changed"].as_u64()), (Some(2), Some(1)));
    let p = &v["patients"][0];
    assert_eq!((p["patient"].as_str(), p["source"]["file"].as_str()), (Some("P-1"), Some("logs/a.yaml")));
    assert_eq!(p["changes"][0], serde_json::json!({"what": "decision", "old": "progress", "new": "hold"}));
}

#[test]
fn markdown_cells_show_a_hostile_patient_id_as_text() {
    let hostile = TWO_CLEAN_WALKS
        .replace("patient: P-1", "patient: \"<img src=x onerror=alert(1)> [pay](javascript:x) `code` | y @octocat #1 &amp;\"");
    assert_ne!(hostile, TWO_CLEAN_WALKS, "the patient line is where the test expects it");
    let out = two_folders().file("logs/a.yaml", &hostile).args(&["diff", "protocol", "changed", "logs", "--format", "markdown"]).run();
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "\n| &lt;img src=x onerror=alert(1)> \\[pay\\](javascript:x) \\`code\\` \\| y &#64;octocat &#35;1 &amp;amp; | logs/a.yaml | walking |"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("<img"), "{}", out.stdout);
}

#[test]
fn diff_needs_old_new_and_logs() {
    Test::new().shipped_protocol().args(&["diff", "protocol", "protocol"]).expect(
        2,
        "",
        "error: give OLD and NEW (protocol folders or git revisions), then the logs: `stepwise diff OLD NEW LOGS...`, or `stepwise diff --base REV LOGS...`\n",
    );
}

fn git_available() -> bool {
    Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A repository holding the protocol in `protocol/`: the shipped one committed, then the
/// change committed (two revisions).
fn repository() -> Option<Test> {
    if !git_available() {
        eprintln!("note: git is not installed: the git revision tests of `stepwise diff` are skipped");
        return None;
    }
    let t = with_logs(Test::new().shipped_protocol());
    git(t.path(), &["init", "--quiet"]);
    git(t.path(), &["add", "protocol"]);
    git(t.path(), &["commit", "--quiet", "-m", "shipped"]);
    git(t.path(), &["tag", "v1"]);
    three_clean_sessions(&t.path().join("protocol"));
    git(t.path(), &["commit", "--quiet", "-am", "three clean sessions"]);
    Some(t)
}

#[test]
fn two_git_revisions_are_read_without_touching_the_working_tree() {
    let Some(t) = repository() else { return };
    // The working tree is changed again (not committed): revisions never read it.
    std::fs::write(t.path().join("protocol/rules/99-extra.yaml"), "not: [valid").expect("write");
    let expected = CHANGED_TEXT.replace("from protocol\n", "from git:HEAD~1\n").replace("from changed\n", "from git:HEAD\n");
    let t = t.args(&["diff", "HEAD~1", "HEAD", "logs", "--protocol", "protocol"]);
    t.expect(0, &expected, "");
    let tree = std::fs::read_to_string(t.path().join("protocol/rules/99-extra.yaml")).expect("still there");
    assert_eq!(tree, "not: [valid");
}

#[test]
fn base_compares_the_working_tree_with_a_revision() {
    let Some(t) = repository() else { return };
    // A tag and the working tree, found from the folder the command runs in.
    let expected = CHANGED_TEXT.replace("from protocol\n", "from git:v1\n").replace("from changed\n", "from protocol\n");
    t.args(&["diff", "--base", "v1", "logs", "--protocol", "protocol", "--fail-on-change"]).expect(1, &expected, "");
}

#[test]
fn an_unknown_revision_is_a_usage_error() {
    let Some(t) = repository() else { return };
    t.args(&["diff", "no-such-branch", "HEAD", "logs", "--protocol", "protocol"]).expect(
        2,
        "",
        "error: `no-such-branch` is neither a protocol folder nor a git revision of `protocol`\n",
    );
}

#[test]
fn a_log_both_protocols_refuse_alike_is_no_change_and_markdown_says_so() {
    let t =
        two_folders().file("bad/typo.yaml", "patient: P-3\nstart: 2026-03-02\nsessions:\n  - { date: 2026-03-02, pian: { before: 2 } }\n");
    t.args(&["diff", "protocol", "changed", "bad", "--format", "markdown", "--fail-on-change"]).expect(
        0,
        "## Protocol diff\n\n| | protocol | version | digest | from |\n|---|---|---|---|---|\n| old | hip-return | 1.6.0 | `sha256:DIGEST` | protocol |\n| new | hip-return | 1.6.0 | `sha256:DIGEST` | changed |\n\nNo changes: the patient gets the same answer.\n",
        "",
    );
}

/// A revision holding a rules file over the 16 MiB limit is refused from its listed size,
/// before the file is read (a 3 GB file in an old commit aborted the run).
#[test]
fn a_huge_file_at_a_revision_is_refused_before_it_is_read() {
    let Some(t) = repository() else { return };
    std::fs::write(t.path().join("protocol/rules/99-huge.yaml"), vec![b'#'; 17 * 1024 * 1024]).expect("write");
    git(t.path(), &["add", "protocol"]);
    git(t.path(), &["commit", "--quiet", "-m", "huge"]);
    let out = t.args(&["diff", "HEAD", "HEAD~1", "logs", "--protocol", "protocol"]).run();
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert_eq!(out.stderr, "error: `rules/99-huge.yaml` at HEAD is 17825792 bytes: larger than a protocol file may be (16 MiB)\n");
}

/// At a revision, what a folder would refuse is refused too (a rule file moved into a
/// sub-folder, a `.json` file), and so is a link named like a protocol file: its blob is the
/// target's path, not the rules.
#[test]
fn odd_entries_at_a_revision_are_refused_as_in_a_folder() {
    let cases: [(&str, &str); 3] = [
        (
            "rules/rest/21-flare.yaml",
            "`rules/rest/21-flare.yaml` at HEAD cannot be read: a sub-folder holding protocol files, which are not read there: move them up into the folder",
        ),
        (
            "rules/extra.json",
            "`rules/extra.json` at HEAD cannot be read: protocol files are YAML (.yaml, .yml) or Rhai (.rhai): a .json file is not read",
        ),
        (
            "rules/99-link.yaml",
            "`rules/99-link.yaml` at HEAD cannot be read: it is a symbolic link: at a revision only regular files are read; commit the file itself",
        ),
    ];
    for (path, message) in cases {
        let Some(t) = repository() else { return };
        let file = t.path().join("protocol").join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        if path.ends_with("link.yaml") {
            std::os::unix::fs::symlink("10-refer.yaml", &file).expect("symlink");
        } else {
            std::fs::write(&file, "rules: []\n").expect("write");
        }
        git(t.path(), &["add", "protocol"]);
        git(t.path(), &["commit", "--quiet", "-m", "odd entry"]);
        let out = t.args(&["diff", "HEAD", "HEAD~1", "logs", "--protocol", "protocol"]).run();
        assert_eq!(out.status, 2, "{path}: {}", out.stderr);
        assert_eq!(out.stderr, format!("error: {message}\n"), "{path}");
    }
}

/// A repository set up as a partial clone fetches a missing object from its "promisor" remote,
/// running the transport its config names: reading the protocol's git history must fetch
/// nothing and run nothing (`check` reads the commit for provenance, `diff` reads revisions).
#[test]
fn a_partial_clone_missing_an_object_runs_nothing() {
    let Some(t) = repository() else { return };
    let marker = t.path().join("ran");
    let out = Command::new("git").args(["rev-parse", "HEAD:protocol/rules"]).current_dir(t.path()).output().expect("git");
    let tree = String::from_utf8_lossy(&out.stdout).trim().to_string();
    std::fs::remove_file(t.path().join(".git/objects").join(&tree[..2]).join(&tree[2..])).expect("remove the tree object");
    for (key, value) in [
        ("core.repositoryformatversion", "1".to_string()),
        ("extensions.partialClone", "origin".to_string()),
        ("remote.origin.url", "ssh://example.invalid/x".to_string()),
        ("remote.origin.promisor", "true".to_string()),
        ("core.sshCommand", format!("sh -c 'touch {}; exit 1' --", marker.display())),
    ] {
        git(t.path(), &["config", key, &value]);
    }
    let check = t.run_with(&["check", "--protocol", "protocol"]);
    assert!(!marker.exists(), "check ran the repository's ssh command: {}", check.stderr);
    let diff = t.run_with(&["diff", "HEAD~1", "HEAD", "logs", "--protocol", "protocol"]);
    assert!(!marker.exists(), "diff ran the repository's ssh command: {}", diff.stderr);
    assert_eq!(diff.status, 2, "{}", diff.stderr);
}
