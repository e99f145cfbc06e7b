//! Finds a protocol's files (a folder holding `plans/` and `rules/`, or the copy embedded in
//! the binary), registers them in the [`SourceMap`] and computes the protocol digest.

use std::path::{Path, PathBuf};

pub mod log_text;

use crate::error::Error;
use crate::source::{SourceId, SourceMap};

/// The default protocol (the project's own `plans/` and `rules/`), embedded at build time so
/// that `stepwise next` works from any folder.
static EMBEDDED_PLANS: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/plans");
static EMBEDDED_RULES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/rules");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Plan,
    Rules,
    Helper,
}

/// One protocol file: its path relative to the protocol root (with `/`), kind and source.
#[derive(Debug, Clone)]
pub struct ProtocolFile {
    pub relative: String,
    pub kind: FileKind,
    pub source: SourceId,
}

#[derive(Debug)]
pub struct LoadedFiles {
    pub files: Vec<ProtocolFile>,
    pub digest: String,
}

use crate::source::has_extension;

pub(crate) fn kind_of(relative: &str) -> Option<FileKind> {
    let (dir, name) = relative.split_once('/')?;
    if name.contains('/') {
        return None;
    }
    let yaml = has_extension(name, "yaml") || has_extension(name, "yml");
    match dir {
        "plans" if yaml => Some(FileKind::Plan),
        "rules" if yaml => Some(FileKind::Rules),
        "rules" | "plans" if has_extension(name, "rhai") => Some(FileKind::Helper),
        _ => None,
    }
}

pub use crate::digest::digest;

fn register(sources: &mut SourceMap, mut entries: Vec<(String, String, String)>) -> LoadedFiles {
    entries.sort();
    let digest = digest(entries.iter().map(|(rel, _, text)| (rel.as_str(), text.as_str())));
    let files = entries
        .into_iter()
        .filter_map(|(relative, display, text)| {
            let kind = kind_of(&relative)?;
            let source = sources.add(display, text);
            Some(ProtocolFile { relative, kind, source })
        })
        .collect();
    LoadedFiles { files, digest }
}

/// The embedded default protocol's files: (relative path, text), sorted.
pub fn embedded_files() -> Vec<(String, String)> {
    let mut entries = Vec::new();
    for (sub, dir) in [("plans", &EMBEDDED_PLANS), ("rules", &EMBEDDED_RULES)] {
        for file in dir.files() {
            let relative = format!("{sub}/{}", file.path().to_string_lossy());
            if kind_of(&relative).is_some()
                && let Some(text) = file.contents_utf8()
            {
                entries.push((relative, text.to_string()));
            }
        }
    }
    entries.sort();
    entries
}

/// The embedded default protocol.
pub fn embedded(sources: &mut SourceMap) -> LoadedFiles {
    in_memory(sources, "embedded", embedded_files())
}

/// A protocol held in memory (read from a git revision, built by a test or a binding): each
/// file as (path relative to the protocol root, text), shown as `PREFIX:path`. Paths that are
/// not a plan, rule or helper file are left out, as in a folder.
pub fn in_memory(sources: &mut SourceMap, prefix: &str, files: Vec<(String, String)>) -> LoadedFiles {
    let entries = files.into_iter().map(|(relative, text)| (relative.clone(), format!("{prefix}:{relative}"), text)).collect();
    register(sources, entries)
}

/// Largest protocol file read (plans, rules and helpers are a few kilobytes each).
pub const MAX_PROTOCOL_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A protocol file that cannot be read as one, in words.
fn refused(path: &Path, why: &str) -> Error {
    Error::io(path, std::io::Error::other(why.to_string()))
}

/// The metadata of a file the protocol is made of, or why it cannot be one. A rule file that
/// silently went missing would switch its rules off, so nothing named like a protocol file is
/// skipped: a dangling link, a folder, a FIFO or a device is an error, and so is a link to a
/// file outside the protocol folder (a shared protocol could otherwise print any readable file
/// of the machine that checks it, in a diagnostic's snippet).
fn protocol_file_meta(path: &Path, inside: &Path) -> Result<std::fs::Metadata, Error> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => refused(path, "it is a dangling link: fix or remove it"),
        _ => Error::io(path, e),
    })?;
    if !meta.is_file() {
        return Err(refused(path, "it is not a regular file (a folder, a FIFO, a socket or a device)"));
    }
    let real = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    if !real.starts_with(inside) {
        let why = format!("it links to `{}`, outside the protocol folder: copy the file into the folder", real.display());
        return Err(refused(path, &why));
    }
    Ok(meta)
}

/// Why an entry of `plans/` or `rules/` that is not read looks like a file meant to be: a
/// sub-folder holding protocol files, a name with a space around it, a JSON file. A rule left
/// out without a word changes answers unseen (a flare rule moved into `rules/rest/`). Other
/// entries (a README, an editor's backup) are not protocol files and are skipped.
fn looks_like_protocol_file(sub: &str, name: &str, path: &Path) -> Option<&'static str> {
    if path.is_dir() {
        let inner = std::fs::read_dir(path).ok()?;
        let holds = inner.flatten().any(|e| kind_of(&format!("{sub}/{}", e.file_name().to_string_lossy())).is_some());
        return holds.then_some(IN_SUB_FOLDER);
    }
    misnamed(sub, name)
}

const IN_SUB_FOLDER: &str = "a sub-folder holding protocol files, which are not read there: move them up into the folder";

/// A name that is nearly a protocol file's: a space around it, or `.json`.
fn misnamed(sub: &str, name: &str) -> Option<&'static str> {
    if name.trim() != name && kind_of(&format!("{sub}/{}", name.trim())).is_some() {
        return Some("its name starts or ends with a space, so it is not read as a protocol file: rename it");
    }
    crate::source::has_extension(name, "json").then_some("protocol files are YAML (.yaml, .yml) or Rhai (.rhai): a .json file is not read")
}

/// Why an entry of `plans/` or `rules/` at a git revision (`path` relative to the protocol,
/// `mode` as `git ls-tree` gives it) would not be read as the same file in a folder is, when
/// it is meant to be: the refusals of [`folder`], and a link or a submodule named like a
/// protocol file (at a revision a link's target is not read: its text would be the target's
/// path).
pub fn revision_entry_refusal(path: &str, mode: &str) -> Option<&'static str> {
    let (sub, rest) = path.split_once('/')?;
    let name = rest.rsplit('/').next()?;
    if rest.contains('/') {
        return kind_of(&format!("{sub}/{name}")).is_some().then_some(IN_SUB_FOLDER);
    }
    if kind_of(path).is_some() {
        return match mode {
            "120000" => Some("it is a symbolic link: at a revision only regular files are read; commit the file itself"),
            "160000" => Some("it is a submodule, not a file"),
            _ => None,
        };
    }
    misnamed(sub, name)
}

/// A protocol folder on disk.
pub fn folder(sources: &mut SourceMap, root: &Path) -> Result<LoadedFiles, Error> {
    if !root.is_dir() {
        return Err(Error::ProtocolFolder { path: root.to_path_buf() });
    }
    let inside = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut entries = Vec::new();
    for sub in ["plans", "rules"] {
        let dir = root.join(sub);
        if !dir.is_dir() {
            continue;
        }
        let read = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in read {
            paths.push(entry.map_err(|e| Error::io(&dir, e))?.path());
        }
        paths.sort();
        for path in paths {
            let shown = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
            if kind_of(&format!("{sub}/{shown}")).is_none() {
                if let Some(why) = looks_like_protocol_file(sub, &shown, &path) {
                    return Err(refused(&path, why));
                }
                continue;
            }
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                return Err(refused(&path, "its name is not valid UTF-8: rename it"));
            };
            let relative = format!("{sub}/{name}");
            let size = protocol_file_meta(&path, &inside)?.len();
            if size > MAX_PROTOCOL_FILE_BYTES {
                let msg = format!("the file is {size} bytes: a protocol file may hold at most {MAX_PROTOCOL_FILE_BYTES} (16 MiB)");
                return Err(Error::io(&path, std::io::Error::other(msg)));
            }
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            entries.push((relative, path.display().to_string(), text));
        }
    }
    if entries.is_empty() {
        return Err(Error::ProtocolFolder { path: root.to_path_buf() });
    }
    Ok(register(sources, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ignores_order_and_line_endings() {
        let a = digest([("plans/a.yaml", "x: 1\n"), ("rules/b.yaml", "rules: []\n")]);
        let b = digest([("rules/b.yaml", "rules: []\r\n"), ("plans/a.yaml", "x: 1\n")]);
        assert_eq!(a, b);
        assert_ne!(a, digest([("plans/a.yaml", "x: 2\n"), ("rules/b.yaml", "rules: []\n")]));
        assert!(a.starts_with("sha256:") && a.len() == 7 + 64);
    }

    #[test]
    fn only_plan_rule_and_helper_files_count() {
        assert_eq!(kind_of("plans/hip.yaml"), Some(FileKind::Plan));
        assert_eq!(kind_of("rules/red-flags.yml"), Some(FileKind::Rules));
        assert_eq!(kind_of("rules/helpers.rhai"), Some(FileKind::Helper));
        // The extension in any case, as a file saved on Windows or macOS may have it.
        assert_eq!(kind_of("plans/HIP.YAML"), Some(FileKind::Plan));
        assert_eq!(kind_of("rules/x.Yml"), Some(FileKind::Rules));
        assert_eq!(kind_of("rules/H.RHAI"), Some(FileKind::Helper));
        assert_eq!(kind_of("README.md"), None);
        assert_eq!(kind_of("plans/old/x.yaml"), None);
    }
}
