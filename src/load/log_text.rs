//! Reading a patient log's text: where it came from ([`Origin`]), the one size limit and
//! UTF-8 rule ([`read_log_text`], [`decode_slice`]) and why a file is no readable log
//! ([`TextError`]). It sits with `load` (below every stage) because `next`, `check --log`,
//! `batch` and the library API all read logs this one way.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

/// Where a log came from: a file, and the line for JSON Lines.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Origin {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Origin {
    /// `file`, or `file:line` for a JSON Lines record.
    pub fn place(&self) -> String {
        self.line.map_or_else(|| self.file.clone(), |l| format!("{}:{l}", self.file))
    }
}

/// Largest log file (or JSON Lines line) read: 64 MiB. A longer one is an error, not an
/// out-of-memory abort.
pub const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;

/// Why a log file cannot be read as text.
#[derive(Debug)]
pub enum TextError {
    Io(std::io::Error),
    NotRegular(&'static str),
    TooLarge(u64),
    NotUtf8 {
        line: usize,
        column: usize,
    },
    /// UTF-16 text (a UTF-16 byte-order mark first), as spreadsheets' "Unicode text" exports.
    Utf16,
}

impl TextError {
    /// The problem in words (the file is named by the caller).
    pub fn message(&self) -> String {
        match self {
            TextError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file (or a dangling link)".into(),
            TextError::Io(e) => e.to_string(),
            TextError::NotRegular("a folder") => "a folder, not a log file (`stepwise batch` answers every log in a folder)".into(),
            TextError::NotRegular(kind) => format!("not a regular file ({kind})"),
            // A stream (a pipe, a device) is read up to one byte past the limit: its size is
            // not known, only that it is over.
            TextError::TooLarge(n) if *n == MAX_LOG_BYTES + 1 => {
                format!("the log is more than {MAX_LOG_BYTES} bytes: at most {MAX_LOG_BYTES} bytes (64 MiB) are read")
            }
            TextError::TooLarge(n) => format!("the log is {n} bytes: at most {MAX_LOG_BYTES} bytes (64 MiB) are read"),
            TextError::NotUtf8 { line, column } => format!("the log is not UTF-8 text (an invalid byte on line {line}, column {column})"),
            TextError::Utf16 => {
                "the log is UTF-16 text (it starts with a UTF-16 byte-order mark, as \"Unicode text\" exports do): save it as UTF-8".into()
            }
        }
    }

    /// The problem as an I/O error (the original one when there is one).
    pub fn into_io(self) -> std::io::Error {
        match self {
            TextError::Io(e) => e,
            other => std::io::Error::other(other.message()),
        }
    }

    /// An I/O problem (a missing or unreadable file) rather than a problem of the log's text.
    pub fn is_io(&self) -> bool {
        matches!(self, TextError::Io(_) | TextError::NotRegular(_))
    }
}

/// What a path that is no regular file is, in words, for [`TextError::NotRegular`]; shared
/// with the batch folder walk, which reports such files the same way.
pub fn kind_of(ft: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else if ft.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// Log text from bytes: UTF-8 (never silently replaced), a leading byte-order mark dropped.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, TextError> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error()))
}

const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// [`decode`] without a copy: the text of `bytes`, a leading byte-order mark dropped.
pub fn decode_slice(bytes: &[u8]) -> Result<&str, TextError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e))
}

/// Where the first invalid byte is, as a line and a column of the valid text before it.
fn not_utf8(bytes: &[u8], e: std::str::Utf8Error) -> TextError {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return TextError::Utf16;
    }
    let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
    let line = memchr::memchr_iter(b'\n', valid).count() + 1;
    let start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let column = std::str::from_utf8(valid.get(start..).unwrap_or_default()).map_or(1, |t| t.chars().count() + 1);
    TextError::NotUtf8 { line, column }
}

/// Reads a log file: at most [`MAX_LOG_BYTES`], UTF-8. The same in `next`, `check --log` and
/// `batch`. Only a regular file is read unless `special` allows a pipe or device the user named
/// (`next /dev/stdin`); a folder walk never does (a FIFO would block, a device never ends).
pub fn read_log_text(path: &Path, special: bool) -> Result<String, TextError> {
    // `-` is standard input (YAML or JSON: the YAML reader reads both), with the same limit.
    if special && path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes).map_err(TextError::Io)?;
        if bytes.len() as u64 > MAX_LOG_BYTES {
            return Err(TextError::TooLarge(bytes.len() as u64));
        }
        return decode(bytes);
    }
    let meta = std::fs::metadata(path).map_err(TextError::Io)?;
    if meta.is_dir() || (!meta.is_file() && !special) {
        return Err(TextError::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > MAX_LOG_BYTES {
        return Err(TextError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_LOG_BYTES) as usize);
    File::open(path).and_then(|f| f.take(MAX_LOG_BYTES + 1).read_to_end(&mut bytes)).map_err(TextError::Io)?;
    if bytes.len() as u64 > MAX_LOG_BYTES {
        return Err(TextError::TooLarge(bytes.len() as u64));
    }
    decode(bytes)
}
