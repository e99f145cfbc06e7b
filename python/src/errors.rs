//! What goes wrong, as Python sees it: `Diagnostic` (one problem, the JSON shape of
//! `check --message-format json` as attributes), `LogError` (a log that cannot be answered,
//! carrying its diagnostics and the error record `batch` writes) and `ProtocolError` (a
//! protocol with errors, carrying its diagnostics).

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

create_exception!(stepwise, StepwiseError, PyValueError, "Base class of stepwise's errors.");
create_exception!(
    stepwise,
    LogError,
    StepwiseError,
    "A log that cannot be answered. `diagnostics`: every problem found in it (list of \
     Diagnostic); `record`: the error record `stepwise batch` writes for it (dict)."
);
create_exception!(
    stepwise,
    ProtocolError,
    StepwiseError,
    "A protocol with errors: nothing can be answered with it. `diagnostics`: every problem \
     (list of Diagnostic), as `stepwise check` reports them."
);

/// One problem found in a protocol or a log: the fields of `check --message-format json`.
#[pyclass(frozen, get_all, module = "stepwise")]
pub struct Diagnostic {
    /// The code, e.g. `E0601` (`stepwise explain CODE` explains it).
    code: String,
    /// The code's name, e.g. `out-of-range`.
    name: String,
    /// `error` or `warning`.
    severity: String,
    message: String,
    /// The file it is in (`None`: the protocol as a whole).
    file: Option<String>,
    /// 1-based line and column (`None` when not known).
    line: Option<u64>,
    column: Option<u64>,
    label: Option<String>,
    help: Option<String>,
    notes: Vec<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

impl Diagnostic {
    /// From the one JSON shape of a diagnostic (`stepwise::Protocol::log_error_json`).
    pub fn from_json(v: &Value) -> Diagnostic {
        Diagnostic {
            code: text(v, "code").unwrap_or_default(),
            name: text(v, "name").unwrap_or_default(),
            severity: text(v, "severity").unwrap_or_default(),
            message: text(v, "message").unwrap_or_default(),
            file: text(v, "file"),
            line: v.get("line").and_then(Value::as_u64),
            column: v.get("column").and_then(Value::as_u64),
            label: text(v, "label"),
            help: text(v, "help"),
            notes: v
                .get("notes")
                .and_then(Value::as_array)
                .map(|n| n.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }
}

#[pymethods]
impl Diagnostic {
    /// The diagnostic as a dict (the JSON object `check --message-format json` prints).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", &self.code)?;
        d.set_item("name", &self.name)?;
        d.set_item("severity", &self.severity)?;
        d.set_item("message", &self.message)?;
        d.set_item("file", &self.file)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("label", &self.label)?;
        d.set_item("help", &self.help)?;
        d.set_item("notes", &self.notes)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let at = match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!(" at {f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!(" at {f}:{l}"),
            (Some(f), None, _) => format!(" in {f}"),
            _ => String::new(),
        };
        format!("<Diagnostic {} {}[{}]{}: {:?}>", self.severity, self.code, self.name, at, self.message)
    }

    fn __str__(&self) -> String {
        let at = match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            (Some(f), Some(l), None) => format!("{f}:{l}: "),
            (Some(f), None, _) => format!("{f}: "),
            _ => String::new(),
        };
        format!("{at}{}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Diagnostics in their JSON shape → a Python list of `Diagnostic`.
pub fn diagnostic_list<'py>(py: Python<'py>, diagnostics: &[Value]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, diagnostics.iter().map(Diagnostic::from_json))
}

/// Diagnostics rendered as JSON Lines (`Checked::render` with `DiagnosticFormat::Json`) →
/// their JSON values.
pub fn parse_json_lines(text: &str) -> Vec<Value> {
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

/// `json.loads(text)`: answers and records become plain dicts, lists, strings and numbers.
pub fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// A `LogError` carrying its diagnostics and error record.
pub fn log_error(py: Python<'_>, message: &str, diagnostics: &[Value], record: &str) -> PyErr {
    let err = LogError::new_err(message.to_string());
    let value = err.value(py);
    let attached = diagnostic_list(py, diagnostics)
        .and_then(|d| value.setattr("diagnostics", d))
        .and_then(|()| json_loads(py, record))
        .and_then(|r| value.setattr("record", r));
    match attached {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// A `ProtocolError` carrying the protocol's diagnostics.
pub fn protocol_error(py: Python<'_>, message: &str, diagnostics: &[Value]) -> PyErr {
    let err = ProtocolError::new_err(message.to_string());
    match diagnostic_list(py, diagnostics).and_then(|d| err.value(py).setattr("diagnostics", d)) {
        Ok(()) => err,
        Err(e) => e,
    }
}
