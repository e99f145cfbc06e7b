//! Batch input read in chunks: one buffer of a few MiB holds many logs, and each log is a
//! byte range of it. The reader thread only copies bytes and finds line ends (memchr); the
//! workers check each log's UTF-8 and parse it, so reading never waits on one thread's
//! parsing, no log costs an allocation of its own, and memory is a few chunks, whatever
//! the number of patients.

use std::io::Read;
use std::ops::Range;

use crate::check::log::LogFormat;
use crate::load::log_text::{MAX_LOG_BYTES, Origin, TextError};

/// A chunk is handed to the workers once it holds this many bytes per worker (a 26 KB log:
/// about 20 logs each, so every thread stays busy while the chunk is answered)...
const BYTES_PER_WORKER: usize = 512 << 10;
/// ... within these bounds (three chunks are alive at a time: memory stays small and flat)...
const MIN_CHUNK_BYTES: usize = 1 << 20;
const MAX_CHUNK_BYTES: usize = 8 << 20;
/// ... or once it holds this many logs, whichever comes first.
pub const CHUNK_LOGS: usize = 512;
/// Bytes asked of the input per read.
const READ_BLOCK: usize = 256 << 10;

/// Logs read together, and the bytes they are ranges of.
pub struct Chunk {
    data: Vec<u8>,
    pub items: Vec<Item>,
    /// Bytes that make the chunk full.
    limit: usize,
}

/// One log of a chunk.
pub struct Item {
    pub origin: Origin,
    /// The log's bytes in the chunk (a JSON Lines record with its newline).
    range: Range<usize>,
    pub format: LogFormat,
    /// Input bytes this item accounts for (drives the progress bar).
    pub bytes: u64,
    /// Why the log could not be read at all (a missing file, an overlong line): an error record.
    problem: Option<String>,
    /// The bytes are text already decoded (a whole file, its byte-order mark dropped): a second
    /// mark is the log's own first character, as `next` reads it.
    decoded: bool,
}

impl Chunk {
    /// An empty chunk sized for `workers` threads.
    pub fn for_workers(workers: usize) -> Chunk {
        let limit = workers.saturating_mul(BYTES_PER_WORKER).clamp(MIN_CHUNK_BYTES, MAX_CHUNK_BYTES);
        Chunk { data: Vec::with_capacity(limit + READ_BLOCK), items: Vec::new(), limit }
    }

    /// Empties the chunk for reuse, keeping its buffer.
    pub fn clear(&mut self) {
        self.data.clear();
        self.items.clear();
    }

    pub fn is_full(&self) -> bool {
        self.data.len() >= self.limit || self.items.len() >= CHUNK_LOGS
    }

    /// The log's text, or why it cannot be read as text (not UTF-8, unreadable). Decoding is
    /// the worker's job: it is per-log work.
    pub fn text(&self, item: &Item) -> Result<&str, String> {
        if let Some(problem) = &item.problem {
            return Err(problem.clone());
        }
        let bytes = self.data.get(item.range.clone()).unwrap_or_default();
        if item.decoded {
            return std::str::from_utf8(bytes).map_err(|e| e.to_string());
        }
        crate::load::log_text::decode_slice(bytes).map_err(|e| e.message())
    }

    /// A log whose text is in `bytes` (a JSON Lines record, decoded by the worker).
    pub fn push_text(&mut self, origin: Origin, bytes: &[u8], format: LogFormat, counted: u64) {
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        self.items.push(Item { origin, range: start..self.data.len(), format, bytes: counted, problem: None, decoded: false });
    }

    /// A whole file's log, already decoded as `next` decodes it.
    pub fn push_decoded(&mut self, origin: Origin, text: &str, format: LogFormat, counted: u64) {
        let start = self.data.len();
        self.data.extend_from_slice(text.as_bytes());
        self.items.push(Item { origin, range: start..self.data.len(), format, bytes: counted, problem: None, decoded: true });
    }

    /// A log that cannot be read: an error record with this problem.
    pub fn push_problem(&mut self, origin: Origin, problem: String, counted: u64) {
        self.items.push(Item { origin, range: 0..0, format: LogFormat::Json, bytes: counted, problem: Some(problem), decoded: false });
    }
}

/// A JSON Lines input, read block by block: each non-blank line is a log.
pub struct Lines {
    name: String,
    source: Box<dyn Read + Send>,
    /// Lines read so far (blank ones too): each record knows its line in the file.
    line: u32,
    /// The start of a line whose end has not been read yet.
    partial: Vec<u8>,
    /// Bytes of an overlong line being skipped: it is never held whole.
    skipping: Option<u64>,
}

/// `true` for a line of whitespace only (given no record). A line starting with anything
/// else is known not blank at its first byte.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace() || *b >= 0x80) && std::str::from_utf8(line).is_ok_and(|t| t.trim().is_empty())
}

impl Lines {
    pub fn new(name: String, source: Box<dyn Read + Send>) -> Lines {
        Lines { name, source, line: 0, partial: Vec::new(), skipping: None }
    }

    fn origin(&self) -> Origin {
        Origin { file: self.name.clone(), line: Some(self.line) }
    }

    /// Ends the line `bytes` (with its newline, if any) as a record of `chunk`.
    fn record(&mut self, chunk: &mut Chunk, at: Range<usize>, scratch: &[u8]) {
        self.line += 1;
        let Some(bytes) = scratch.get(at) else { return };
        let content = bytes.strip_suffix(b"\n").unwrap_or(bytes).len() as u64;
        if self.skipping.is_some() || content > MAX_LOG_BYTES {
            let total = self.skipping.take().unwrap_or(0) + bytes.len() as u64;
            // The log's size is its line's, without the newline that ends it.
            let size = total - u64::from(bytes.ends_with(b"\n"));
            chunk.push_problem(self.origin(), TextError::TooLarge(size).message(), total);
        } else if !is_blank(bytes) {
            chunk.push_text(self.origin(), bytes, LogFormat::Json, bytes.len() as u64);
        }
    }

    /// Reads one block into `chunk`: every line it completes becomes a log. `false` once the
    /// input has ended (its last line, even without a newline, is then in the chunk).
    pub fn fill(&mut self, chunk: &mut Chunk) -> bool {
        // The block is read after the partial line, so a line is always contiguous; a long
        // partial line makes the read as long, so an overlong line costs linear time.
        let mut block = std::mem::take(&mut self.partial);
        let held = block.len();
        let want = READ_BLOCK.max(held);
        block.resize(held + want, 0);
        let n = loop {
            match block.get_mut(held..).map_or(Ok(0), |spare| self.source.read(spare)) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {} // read again
                Err(e) => {
                    // An input that fails part-way ends here, as an error record.
                    self.line += 1;
                    chunk.push_problem(self.origin(), TextError::Io(e).message(), 0);
                    return false;
                }
            }
        };
        block.truncate(held + n);
        let mut start = 0;
        // Lines end in the new bytes only: the partial line held no newline.
        for end in memchr::memchr_iter(b'\n', block.get(held..).unwrap_or_default()) {
            let end = held + end + 1;
            self.record(chunk, start..end, &block);
            start = end;
        }
        if n == 0 {
            if start < block.len() || self.skipping.is_some() {
                self.record(chunk, start..block.len(), &block);
            }
            return false;
        }
        let rest = block.len() - start;
        if self.skipping.is_some() || rest as u64 > MAX_LOG_BYTES {
            // Skip the rest of the overlong line without holding it.
            *self.skipping.get_or_insert(0) += rest as u64;
        } else {
            block.drain(..start);
            self.partial = block;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8]) -> Vec<(Option<u32>, Result<String, String>, u64)> {
        let mut lines = Lines::new("in".into(), Box::new(std::io::Cursor::new(text.to_vec())));
        let mut chunk = Chunk::for_workers(1);
        while lines.fill(&mut chunk) {}
        chunk.items.iter().map(|i| (i.origin.line, chunk.text(i).map(str::to_string), i.bytes)).collect()
    }

    #[test]
    fn every_non_blank_line_is_a_log_with_its_line_number() {
        let got = read_all(b"{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}");
        assert_eq!(
            got,
            vec![(Some(1), Ok("{\"a\":1}\n".into()), 8), (Some(4), Ok("{\"b\":2}\r\n".into()), 9), (Some(5), Ok("{\"c\":3}".into()), 7)]
        );
    }

    #[test]
    fn a_bad_byte_is_that_line_s_problem_only() {
        let got = read_all(b"{\"a\":1}\n{\"b\":\"\xff\"}\n{\"c\":3}\n");
        assert_eq!(got[1].1, Err("the log is not UTF-8 text (an invalid byte on line 1, column 7)".into()));
        assert_eq!(got[2].1, Ok("{\"c\":3}\n".into()));
    }

    #[test]
    fn lines_longer_than_a_block_are_whole() {
        let long = format!("{{\"x\":\"{}\"}}\n", "y".repeat(3 * READ_BLOCK));
        let text = format!("{long}{{\"z\":1}}\n");
        let got = read_all(text.as_bytes());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.as_deref().map(str::len), Ok(long.len()));
        assert_eq!(got[1], (Some(2), Ok("{\"z\":1}\n".into()), 8));
    }

    #[test]
    fn an_overlong_line_is_an_error_record_and_the_next_line_is_read() {
        let over = usize::try_from(MAX_LOG_BYTES).unwrap() + 10;
        let mut text = vec![b'x'; over];
        text.extend_from_slice(b"\n{\"z\":1}\n");
        let got = read_all(&text);
        let expected = format!("the log is {over} bytes: at most {MAX_LOG_BYTES} bytes (64 MiB) are read");
        assert_eq!(got, vec![(Some(1), Err(expected), over as u64 + 1), (Some(2), Ok("{\"z\":1}\n".into()), 8)]);
        // Cut off at the end of the input, it is still a record.
        let got = read_all(&vec![b'y'; over]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, Some(1));
        assert!(got[0].1.as_ref().is_err_and(|e| e.starts_with(&format!("the log is {over} bytes"))), "{:?}", got[0].1);
    }
}
