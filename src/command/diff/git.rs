//! A protocol as it was at a git revision, read with the `git` command (`ls-tree`, `cat-file`)
//! without touching the working tree, and held in memory as [`ProtocolSource::Files`].

use std::path::Path;

use crate::engine::ProtocolSource;
use crate::error::Error;
use crate::load::MAX_PROTOCOL_FILE_BYTES;

/// Runs `git -C dir ARGS` and returns its stdout; git's own message when it fails.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Error> {
    // A repository may come from anyone: its config could name programs git runs (the
    // file-system monitor; textconv and filter drivers). Only plumbing that reads objects runs
    // here (`rev-parse`, `ls-tree`, `cat-file blob`, which applies no filter), set up by
    // `read_only_git` to run nothing the repository names and fetch nothing.
    let out = crate::provenance::read_only_git(dir)
        .args(args)
        .output()
        .map_err(|e| Error::Usage(format!("cannot run `git` to read a revision: {e} (is git installed?)")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Usage(format!("`git {}` failed in `{}`: {}", args.join(" "), dir.display(), msg.trim())));
    }
    Ok(out.stdout)
}

/// Most files a protocol at a git revision may hold under `plans/` and `rules/`.
const MAX_REVISION_FILES: usize = 1_000;

/// Most bytes they may hold together (each file also at most 16 MiB).
const MAX_REVISION_BYTES: u64 = 64 << 20;

/// The protocol files (`plans/`, `rules/`) of the folder `dir` as they were at `rev`, named
/// `git:REV`. `dir` is the protocol folder inside a git working tree (the repository root or
/// a subfolder); paths are read relative to it.
pub fn protocol_at(dir: &Path, rev: &str) -> Result<ProtocolSource, Error> {
    // A revision is never an option: `--output=x` must not reach git as one.
    if rev.starts_with('-') || rev.is_empty() {
        return Err(Error::Usage(format!("`{rev}` is not a folder or a git revision")));
    }
    let commit = format!("{rev}^{{commit}}");
    git(dir, &["rev-parse", "--verify", "--quiet", &commit])
        .map_err(|_| Error::Usage(format!("`{rev}` is neither a protocol folder nor a git revision of `{}`", dir.display())))?;
    // `-l` lists each blob's size: a file too large is refused before it is read (a 3 GB
    // rules file in an old commit aborted the run when read whole).
    let listing = git(dir, &["ls-tree", "-r", "-l", "-z", rev, "--", "plans", "rules"])?;
    let listing = String::from_utf8_lossy(&listing).into_owned();
    // Every entry is listed and sized before any is read: a revision of 150 files of 15 MB
    // each (one blob, a small repository) held 1.8 GB and aborted; 200,000 tiny files ran a
    // git process each.
    let mut blobs = Vec::new();
    let mut total = 0u64;
    for entry in listing.split('\0').filter(|l| !l.is_empty()) {
        // `<mode> <type> <object> <size>\t<path>`
        let Some((meta, path)) = entry.split_once('\t') else { continue };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let shown = crate::diagnostic::escape_controls(path);
        if let Some(why) = fields.first().and_then(|mode| crate::load::revision_entry_refusal(path, mode)) {
            return Err(Error::Usage(format!("`{shown}` at {rev} cannot be read: {why}")));
        }
        let [_, "blob", object, size] = fields.as_slice() else { continue };
        let Some(size) = size.parse::<u64>().ok().filter(|n| *n <= MAX_PROTOCOL_FILE_BYTES) else {
            return Err(Error::Usage(format!("`{shown}` at {rev} is {size} bytes: larger than a protocol file may be (16 MiB)")));
        };
        total = total.saturating_add(size);
        if blobs.len() >= MAX_REVISION_FILES || total > MAX_REVISION_BYTES {
            return Err(Error::Usage(format!(
                "`{}` at {rev} holds more than {MAX_REVISION_FILES} files or {} MiB under plans/ and rules/: not read",
                dir.display(),
                MAX_REVISION_BYTES >> 20
            )));
        }
        blobs.push((path, *object));
    }
    let mut files = Vec::new();
    for (path, object) in blobs {
        let bytes = git(dir, &["cat-file", "blob", object])?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Usage(format!("`{}` at {rev} is not UTF-8 text", crate::diagnostic::escape_controls(path))))?;
        files.push((path.to_string(), text));
    }
    if files.is_empty() {
        return Err(Error::Usage(format!("`{}` at {rev} has no plans/ or rules/: not a protocol at that revision", dir.display())));
    }
    Ok(ProtocolSource::Files { name: format!("git:{rev}"), files })
}
