//! `Protocol.answer_many`'s iterator: pulls logs from any Python iterable in chunks, answers
//! each chunk on a thread pool with the interpreter released, and yields the results in input
//! order. Memory holds one chunk, however long the iterable (a Spark partition, a file).

use std::collections::VecDeque;
use std::sync::Arc;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::PyIterator;
use rayon::prelude::*;
use stepwise::{Options, Protocol};

use crate::errors::{json_loads, log_error};
use crate::evaluate::{Evaluated, evaluate};
use crate::log_input::{LogInput, extract};

/// Logs per chunk: as in `stepwise batch`, enough to keep the threads busy.
const CHUNK: usize = 512;

/// An iterator of answers (dicts): the `next --format json` answer of each log, or, for a log
/// that cannot be answered, the error record `stepwise batch` writes (`errors="record"`), or a
/// raised `LogError` (`errors="raise"`).
#[pyclass(module = "stepwise")]
pub struct AnswerStream {
    protocol: Protocol,
    logs: Option<Py<PyIterator>>,
    pool: Arc<rayon::ThreadPool>,
    options: Options,
    raise: bool,
    ready: VecDeque<Evaluated>,
    /// Logs taken so far: the next one's 1-based position is `taken + 1`.
    taken: u32,
    /// An error raised by the iterable, kept until the logs before it are yielded.
    pending: Option<PyErr>,
}

impl AnswerStream {
    pub fn new(protocol: Protocol, logs: Py<PyIterator>, pool: Arc<rayon::ThreadPool>, options: Options, raise: bool) -> AnswerStream {
        AnswerStream { protocol, logs: Some(logs), pool, options, raise, ready: VecDeque::new(), taken: 0, pending: None }
    }

    /// Takes the next chunk from the iterable and answers it.
    fn fill(&mut self, py: Python<'_>) {
        let Some(logs) = &self.logs else { return };
        let mut jobs: Vec<(LogInput, Option<u32>)> = Vec::with_capacity(CHUNK);
        let mut iter = logs.bind(py).clone();
        while jobs.len() < CHUNK {
            match iter.next() {
                None => {
                    self.logs = None;
                    break;
                }
                Some(item) => {
                    self.taken = self.taken.saturating_add(1);
                    match item.and_then(|log| extract(&log, "<iterable>", true)) {
                        Ok(Some(input)) => jobs.push((input, Some(self.taken))),
                        Ok(None) => {}
                        Err(e) => {
                            self.pending = Some(e);
                            self.logs = None;
                            break;
                        }
                    }
                }
            }
        }
        let (protocol, options, pool) = (&self.protocol, &self.options, &self.pool);
        let done: Vec<Evaluated> =
            py.detach(|| pool.install(|| jobs.into_par_iter().map(|(input, line)| evaluate(protocol, input, line, options)).collect()));
        self.ready.extend(done);
    }
}

#[pymethods]
impl AnswerStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.ready.is_empty() && self.pending.is_none() {
            self.fill(py);
        }
        let Some(next) = self.ready.pop_front() else {
            return match self.pending.take() {
                Some(e) => Err(e),
                None => Ok(None),
            };
        };
        let next = match next {
            Evaluated::Io { message, .. } if self.raise => return Err(PyOSError::new_err(message)),
            Evaluated::Io { failed, .. } => *failed,
            other => other,
        };
        match next {
            Evaluated::Answer(json) => json_loads(py, &json).map(Some),
            Evaluated::Failed { message, diagnostics, record } => {
                if self.raise {
                    Err(log_error(py, &message, &diagnostics, &record))
                } else {
                    json_loads(py, &record).map(Some)
                }
            }
            Evaluated::Io { message, .. } => Err(PyOSError::new_err(message)),
        }
    }
}
