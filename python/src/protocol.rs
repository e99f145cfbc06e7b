//! `stepwise.Protocol`: a protocol loaded and compiled once (embedded or from a folder), its
//! provenance, its diagnostics, and answers to logs, one (`answer`) or a stream
//! (`answer_many`). The interpreter is released while a protocol loads and a log is answered.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use stepwise::{Checked, DiagnosticFormat, LoadError, Options, ProtocolSource};

use crate::errors::{diagnostic_list, json_loads, log_error, parse_json_lines, protocol_error};
use crate::evaluate::{Evaluated, evaluate};
use crate::log_input::extract;
use crate::stream::AnswerStream;

/// A protocol ready to answer patient logs, from any number of threads.
#[pyclass(frozen, module = "stepwise", name = "Protocol")]
pub struct PyProtocol {
    inner: stepwise::Protocol,
    source: ProtocolSource,
}

fn source_of(path: Option<PathBuf>) -> ProtocolSource {
    path.map_or(ProtocolSource::Embedded, ProtocolSource::Folder)
}

/// Every diagnostic of a protocol, warnings included (what `stepwise check` reports).
fn diagnostics_of(py: Python<'_>, source: &ProtocolSource) -> PyResult<Vec<serde_json::Value>> {
    let checked = py.detach(|| Checked::load(source, true)).map_err(|e| PyOSError::new_err(e.to_string()))?;
    Ok(parse_json_lines(&checked.render(checked.diagnostics(), DiagnosticFormat::Json, false)))
}

/// check(path=None) -> list[Diagnostic]: every problem of the protocol in the folder `path`
/// (None: the embedded protocol), errors and warnings, as `stepwise check` reports them.
#[pyfunction]
#[pyo3(signature = (path=None))]
pub fn check<'py>(py: Python<'py>, path: Option<PathBuf>) -> PyResult<Bound<'py, PyList>> {
    let diagnostics = diagnostics_of(py, &source_of(path))?;
    diagnostic_list(py, &diagnostics)
}

/// `answer(..., explain=, timeline=)`.
fn options(explain: bool, timeline: bool) -> Options {
    Options { timeline, explain, max_errors: None }
}

#[pymethods]
impl PyProtocol {
    /// Protocol.load(path=None): the protocol in the folder `path` (holding `plans/` and
    /// `rules/`), or the embedded hip protocol when None.
    #[staticmethod]
    #[pyo3(signature = (path=None))]
    fn load(py: Python<'_>, path: Option<PathBuf>) -> PyResult<PyProtocol> {
        let source = source_of(path);
        match py.detach(|| stepwise::Protocol::load(&source)) {
            Ok(inner) => Ok(PyProtocol { inner, source }),
            Err(LoadError::Io(e)) => Err(PyOSError::new_err(e.to_string())),
            Err(LoadError::Invalid(checked)) => {
                let diagnostics = parse_json_lines(&checked.render(checked.diagnostics(), DiagnosticFormat::Json, false));
                Err(protocol_error(py, &format!("the protocol has {} error(s)", checked.error_count()), &diagnostics))
            }
        }
    }

    /// The protocol's id (e.g. `hip-return`).
    #[getter]
    fn id(&self) -> String {
        self.inner.reference().id
    }

    /// The protocol's version.
    #[getter]
    fn version(&self) -> String {
        self.inner.reference().version
    }

    /// sha256 over the protocol's files: the same on every machine.
    #[getter]
    fn digest(&self) -> String {
        self.inner.reference().digest
    }

    /// Where it was loaded from: `embedded`, or the folder (an answer's `protocol.from`).
    #[getter]
    fn origin(&self) -> String {
        self.inner.reference().from
    }

    /// Every diagnostic of the protocol, warnings included (a loaded protocol has no errors).
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let diagnostics = diagnostics_of(py, &self.source)?;
        diagnostic_list(py, &diagnostics)
    }

    /// answer(log, *, explain=False, timeline=False) -> dict: the `next --format json` answer.
    #[pyo3(signature = (log, *, explain=false, timeline=false))]
    fn answer<'py>(&self, py: Python<'py>, log: &Bound<'py, PyAny>, explain: bool, timeline: bool) -> PyResult<Bound<'py, PyAny>> {
        let json = self.answer_json(py, log, explain, timeline)?;
        json_loads(py, &json)
    }

    /// answer_json(log, *, explain=False, timeline=False) -> str: the `next --format json`
    /// line itself (with its final newline), byte for byte.
    #[pyo3(signature = (log, *, explain=false, timeline=false))]
    fn answer_json(&self, py: Python<'_>, log: &Bound<'_, PyAny>, explain: bool, timeline: bool) -> PyResult<String> {
        let input = extract(log, if log.is_instance_of::<pyo3::types::PyString>() { "<string>" } else { "<dict>" }, false)?
            .ok_or_else(|| pyo3::exceptions::PyTypeError::new_err("a log is a dict, a JSON or YAML string, or a path"))?;
        let opts = options(explain, timeline);
        match py.detach(|| evaluate(&self.inner, input, None, &opts)) {
            Evaluated::Answer(json) => Ok(json),
            Evaluated::Failed { message, diagnostics, record } => Err(log_error(py, &message, &diagnostics, &record)),
            Evaluated::Io { message, .. } => Err(PyOSError::new_err(message)),
        }
    }

    /// answer_many(logs, jobs=None, *, explain=False, timeline=False, errors="record"):
    /// an iterator of answers, in input order, evaluated in chunks on `jobs` threads.
    #[pyo3(signature = (logs, jobs=None, *, explain=false, timeline=false, errors="record"))]
    fn answer_many(
        &self,
        logs: &Bound<'_, PyAny>,
        jobs: Option<usize>,
        explain: bool,
        timeline: bool,
        errors: &str,
    ) -> PyResult<AnswerStream> {
        let raise = match errors {
            "record" => false,
            "raise" => true,
            other => return Err(PyValueError::new_err(format!("errors must be \"record\" or \"raise\", not {other:?}"))),
        };
        if jobs == Some(0) {
            return Err(PyValueError::new_err("jobs must be at least 1 (None: one per core)"));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.unwrap_or(0))
            .build()
            .map_err(|e| PyOSError::new_err(format!("cannot start worker threads: {e}")))?;
        Ok(AnswerStream::new(self.inner.clone(), logs.try_iter()?.unbind(), Arc::new(pool), options(explain, timeline), raise))
    }

    fn __repr__(&self) -> String {
        let r = self.inner.reference();
        format!("<Protocol {} {} ({}) from {}>", r.id, r.version, r.digest, r.from)
    }
}
