//! Operational errors: I/O, bad command-line input, internal bugs. Never used for authoring
//! mistakes in protocols or logs, which are [`crate::diagnostic::Diagnostic`]s. Every variant
//! names the path or input it is about.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write `{}`: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("`{}` is not a protocol folder: expected a folder holding plans/ and rules/ with .yaml files", path.display())]
    ProtocolFolder { path: PathBuf },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Read { path: path.to_path_buf(), source }
    }
}
