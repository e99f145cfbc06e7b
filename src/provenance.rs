//! Where a protocol folder stands in git: the commit checked out and whether its protocol files
//! (`plans/`, `rules/`) differ from it. Answers record it beside the digest, so that a clinician
//! can find the reviewed revision that made a decision, and see when it was not a committed one.
//!
//! Asked only of a folder inside a git working tree (found by looking for `.git`, no process
//! started otherwise), with two read-only git commands (never `git status`: a hostile
//! repository's config could make it run a program); without git, or outside a repository,
//! there is no provenance and nothing fails.

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

/// Runs one read-only git command in `dir` and returns its stdout, or `None` when git is
/// missing or fails. A protocol folder may come from anyone, with its own `.git/config`, and a
/// repository's config can name programs git runs: `core.fsmonitor` on any index refresh (as
/// `git status` does), filter drivers when files are hashed through the index. So only
/// plumbing that reads objects is run (`rev-parse`, `ls-tree`), never a command that refreshes
/// the index, with the file-system monitor switched off on top.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = read_only_git(dir).args(args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then_some(out.stdout)
}

/// `git -C dir` set up to only read the objects already there, in a repository that may come
/// from anyone: the file-system monitor off; no fetch of a missing object (a repository set up
/// as a partial clone fetches one from its "promisor" remote, running the transport its config
/// names, `core.sshCommand` included), with every transport forbidden as well; no index lock
/// taken in the clinic's repository; no prompt; nothing read from standard input.
pub(crate) fn read_only_git(dir: &Path) -> Command {
    let mut git = Command::new("git");
    git.arg("-C")
        .arg(dir)
        .args(["-c", "core.fsmonitor=false", "-c", "protocol.allow=never", "-c", "core.sshCommand=false"])
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_PROTOCOL_FROM_USER", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    git
}

/// The provenance of the protocol folder `dir`, when it is inside a git working tree and git
/// can tell: the commit checked out, and whether the protocol's files on disk differ from that
/// commit's (each file's git object id computed here, from its bytes, and compared with the
/// commit's tree).
pub fn of_folder(dir: &Path) -> Option<GitRef> {
    let absolute = std::path::absolute(dir).ok()?;
    if !absolute.ancestors().any(|a| a.join(".git").exists()) {
        return None;
    }
    let head = git(dir, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])?;
    let commit = String::from_utf8(head).ok()?.trim().to_string();
    if commit.is_empty() {
        return None;
    }
    let listing = git(dir, &["ls-tree", "-r", "-z", "HEAD", "--", "plans", "rules"])?;
    let committed = parse_tree(&listing);
    let on_disk = protocol_files_on_disk(dir);
    let dirty = committed.keys().ne(on_disk.iter())
        || on_disk.iter().any(|rel| committed.get(rel).is_none_or(|id| object_id(&dir.join(rel), id.len()).as_deref() != Some(id)));
    Some(GitRef { commit, dirty })
}

/// The protocol files of a commit's tree (`ls-tree -r -z` output): path relative to the
/// protocol folder, and object id.
fn parse_tree(listing: &[u8]) -> std::collections::BTreeMap<String, String> {
    let text = String::from_utf8_lossy(listing);
    text.split('\0')
        .filter_map(|entry| {
            let (meta, path) = entry.split_once('\t')?;
            let mut fields = meta.split(' ');
            let (_mode, kind, id) = (fields.next()?, fields.next()?, fields.next()?);
            (kind == "blob" && crate::load::kind_of(path).is_some()).then(|| (path.to_string(), id.to_string()))
        })
        .collect()
}

/// The protocol files in the folder (those the loader reads), sorted.
fn protocol_files_on_disk(dir: &Path) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for sub in ["plans", "rules"] {
        let Ok(read) = std::fs::read_dir(dir.join(sub)) else { continue };
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{sub}/{name}");
            if crate::load::kind_of(&rel).is_some() {
                out.insert(rel);
            }
        }
    }
    out
}

/// The git object id of a file as it would be committed without filters: the hash of
/// `blob LEN\0` and its bytes (a link's bytes are its target), SHA-1 or, for a repository
/// with 64-digit ids, SHA-256. `None` when the file cannot be read.
fn object_id(path: &Path, digits: usize) -> Option<String> {
    use sha2::Digest as _;
    let link = std::fs::symlink_metadata(path).ok()?.file_type().is_symlink();
    let bytes = if link { std::fs::read_link(path).ok()?.to_string_lossy().into_owned().into_bytes() } else { std::fs::read(path).ok()? };
    let header = format!("blob {}\0", bytes.len());
    let hex = crate::digest::hex;
    Some(if digits == 64 {
        hex(&sha2::Sha256::new().chain_update(header.as_bytes()).chain_update(&bytes).finalize())
    } else {
        hex(&sha1::Sha1::new().chain_update(header.as_bytes()).chain_update(&bytes).finalize())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_listing_gives_the_protocol_files_and_their_ids() {
        let entries = [
            "100644 blob 1111111111111111111111111111111111111111\tplans/protocol.yaml",
            "100644 blob 2222222222222222222222222222222222222222\trules/README.md",
            "040000 tree 3333333333333333333333333333333333333333\trules/old",
        ];
        let tree = parse_tree(entries.join("\0").as_bytes());
        assert_eq!(tree.len(), 1);
        assert_eq!(tree.get("plans/protocol.yaml").map(String::as_str), Some("1111111111111111111111111111111111111111"));
    }

    #[test]
    fn object_ids_are_git_blob_ids() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("x.yaml");
        std::fs::write(&path, "hello\n").unwrap_or_else(|e| panic!("{e}"));
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(object_id(&path, 40).as_deref(), Some("ce013625030ba8dba906f756967f9e9ca394464a"));
        assert_eq!(object_id(&dir.path().join("missing"), 40), None);
        let g = GitRef { commit: "0123456789abcdef0123456789abcdef01234567".into(), dirty: true };
        assert_eq!(g.words(), "commit 0123456789ab with uncommitted changes");
    }
}
