//! `stepwise init DIR`: a new protocol repository to start from: a copy of the embedded
//! default protocol (plans/, rules/) with its test cases (cases/) and the example logs they
//! name (examples/), the editor schemas, a README for clinicians, a .gitignore and a CI
//! workflow running check, test --coverage and diff against the base branch.

use std::io::Write;
use std::path::Path;

use crate::cli::{InitArgs, SchemaKind};
use crate::engine::ProtocolSource;
use crate::error::Error;
use crate::exit::Status;

/// The shipped protocol's cases and the example logs they name, embedded like the protocol.
static CASES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/cases");
static EXAMPLES: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/examples");

const README: &str = include_str!("init/README.md");
const GITIGNORE: &str = include_str!("init/gitignore");
const WORKFLOW: &str = include_str!("init/protocol.yml");

/// Every file of an embedded folder, as (path under `prefix`, text), sorted.
fn embedded(prefix: &str, dir: &include_dir::Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((format!("{prefix}/{}", file.path().to_string_lossy()), text.to_string()));
        }
    }
    for sub in dir.dirs() {
        embedded(prefix, sub, out);
    }
}

/// The files of a new protocol repository: (relative path, text), sorted.
pub fn files() -> Vec<(String, String)> {
    let mut out = ProtocolSource::embedded_files();
    embedded("cases", &CASES, &mut out);
    embedded("examples", &EXAMPLES, &mut out);
    for (kind, name) in [(SchemaKind::Plan, "plan"), (SchemaKind::Rule, "rule"), (SchemaKind::Log, "log"), (SchemaKind::Case, "case")] {
        let text = serde_json::to_string_pretty(&super::schema::schema_for(kind)).unwrap_or_default();
        out.push((format!("docs/schema/{name}.schema.json"), format!("{text}\n")));
    }
    out.push(("README.md".into(), README.into()));
    out.push((".gitignore".into(), GITIGNORE.into()));
    out.push((".github/workflows/protocol.yml".into(), WORKFLOW.into()));
    out.sort();
    out
}

pub fn run(args: &InitArgs) -> Result<Status, Error> {
    let dir = &args.dir;
    refuse_non_empty(dir)?;
    let files = files();
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Write { path: parent.to_path_buf(), source: e })?;
        }
        // Created new: a file that appeared meanwhile is never overwritten.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::Write { path: path.clone(), source: e })?;
        f.write_all(text.as_bytes()).map_err(|e| Error::Write { path: path.clone(), source: e })?;
    }
    let reference = crate::Protocol::embedded().map(|p| p.reference());
    let what = reference.map_or_else(|_| "the default protocol".into(), |r| format!("protocol {} {}", r.id, r.version));
    let shown = crate::diagnostic::escape_controls(&dir.display().to_string()).into_owned();
    let out = format!(
        "Created {what} in {shown}: {} files (plans/, rules/, cases/, examples/, docs/schema/, README.md, .gitignore, .github/workflows/protocol.yml)\n\
         Next:\n  cd {shown}\n  git init && git add . && git commit -m \"Start from the default protocol\"\n  stepwise check\n  stepwise test --coverage\n",
        files.len()
    );
    super::write_stdout(out.as_bytes())?;
    Ok(Status::Ok)
}

/// `DIR` must not exist, or be an empty folder: init never mixes its files with others.
fn refuse_non_empty(dir: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
        Ok(m) if !m.is_dir() => Err(Error::Usage(format!("`{}` exists and is not a folder: give a new or empty folder", dir.display()))),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
            if entries.next().is_some() {
                return Err(Error::Usage(format!("`{}` is not empty: give a new or empty folder", dir.display())));
            }
            Ok(())
        }
    }
}
