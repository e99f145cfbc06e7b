//! Where a protocol folder stands in git: the commit checked out and whether its protocol files
//! (`plans/`, `rules/`) differ from it. Answers record it beside the digest, so that a clinician
//! can find the reviewed revision that made a decision, and see when it was not a committed one.
//!
//! Asked only of a folder inside a git working tree (found by looking for `.git`, no process
//! started otherwise), with one `git status` run; without git, or outside a repository, there is
//! no provenance and nothing fails.

use std::path::Path;
use std::process::{Command, Stdio};

/// The git revision a protocol folder was loaded from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GitRef {
    /// The commit checked out (`HEAD`), in full.
    pub commit: String,
    /// The protocol's files differ from that commit (changed, added, deleted or untracked).
    pub dirty: bool,
}

impl GitRef {
    /// `commit 1a2b3c4d5e6f` or `commit 1a2b3c4d5e6f with uncommitted changes`.
    pub fn words(&self) -> String {
        let short: String = self.commit.chars().take(12).collect();
        if self.dirty { format!("commit {short} with uncommitted changes") } else { format!("commit {short}") }
    }
}

/// The provenance of the protocol folder `dir`, when it is inside a git working tree and git
/// can tell.
pub fn of_folder(dir: &Path) -> Option<GitRef> {
    let absolute = std::path::absolute(dir).ok()?;
    if !absolute.ancestors().any(|a| a.join(".git").exists()) {
        return None;
    }
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain=v2", "--branch", "--untracked-files=all", "--", "plans", "rules"])
        // Read only: `git status` may otherwise refresh the index and take its lock, writing
        // into the clinic's repository (and failing another git command running beside it).
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    parse_status(&String::from_utf8_lossy(&out.stdout))
}

/// Reads `git status --porcelain=v2 --branch`: the `# branch.oid` header gives the commit (a
/// repository without commits has none), any entry line means a change.
fn parse_status(text: &str) -> Option<GitRef> {
    let commit = text.lines().find_map(|l| l.strip_prefix("# branch.oid "))?.trim();
    if commit == "(initial)" || commit.is_empty() {
        return None;
    }
    let dirty = text.lines().any(|l| !l.starts_with('#') && !l.trim().is_empty());
    Some(GitRef { commit: commit.to_string(), dirty })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_gives_the_commit_and_whether_the_protocol_changed() {
        let clean = "# branch.oid 0123456789abcdef0123456789abcdef01234567\n# branch.head main\n";
        assert_eq!(parse_status(clean), Some(GitRef { commit: "0123456789abcdef0123456789abcdef01234567".into(), dirty: false }));
        let dirty = format!("{clean}1 .M N... 100644 100644 100644 a b rules/40-hold.yaml\n");
        assert!(parse_status(&dirty).is_some_and(|g| g.dirty));
        assert_eq!(parse_status("# branch.oid (initial)\n# branch.head main\n"), None);
        assert_eq!(parse_status(""), None);
        let g = parse_status(&dirty).unwrap_or_else(|| GitRef { commit: String::new(), dirty: false });
        assert_eq!(g.words(), "commit 0123456789ab with uncommitted changes");
    }
}
