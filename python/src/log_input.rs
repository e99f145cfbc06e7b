//! What Python may pass as a log, read while holding the interpreter: a dict (or any
//! mapping; written as compact JSON), a string of JSON (starting with `{`) or of YAML (with a
//! line break), or a path (`os.PathLike`, or for `answer` a `str` that is neither). In
//! `answer_many` every `str` is log text (JSON without a line break, like a JSON Lines line),
//! so a partition of a JSON Lines file gives the records `stepwise batch` gives. Everything becomes owned Rust data, so
//! the evaluation that follows runs with the interpreter released.

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use stepwise::LogFormat;

/// A log ready to be answered without Python.
pub enum LogInput {
    /// The log's text; `name` is what its errors name (`<dict>`, `<string>`, `<iterable>`).
    Text { name: String, text: String, format: LogFormat },
    /// A file, read as `stepwise next FILE` reads it.
    Path(PathBuf),
}

/// Reads one Python log argument. `name` names text logs in errors; `lines`: a `str` is
/// always text, never a path: a JSON Lines line (its own line break aside) unless it holds a
/// line break, and a blank one is skipped (`None`), as `stepwise batch` skips blank lines.
pub fn extract(obj: &Bound<'_, PyAny>, name: &str, lines: bool) -> PyResult<Option<LogInput>> {
    let py = obj.py();
    if let Ok(s) = obj.cast::<PyString>() {
        let s: String = s.extract()?;
        let s = s.as_str();
        if lines && s.trim().is_empty() {
            return Ok(None);
        }
        let start = s.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        let body = if lines { s.strip_suffix('\n').map_or(s, |l| l.strip_suffix('\r').unwrap_or(l)) } else { s };
        return Ok(Some(if start.starts_with('{') {
            LogInput::Text { name: name.to_string(), text: s.to_string(), format: LogFormat::Json }
        } else if body.contains('\n') {
            LogInput::Text { name: name.to_string(), text: s.to_string(), format: LogFormat::Yaml }
        } else if lines {
            LogInput::Text { name: name.to_string(), text: s.to_string(), format: LogFormat::Json }
        } else {
            LogInput::Path(PathBuf::from(s))
        }));
    }
    let is_mapping = obj.is_instance_of::<PyDict>() || obj.is_instance(&py.import("collections.abc")?.getattr("Mapping")?)?;
    if is_mapping {
        // Compact JSON, keys in the dict's order, non-ASCII kept; a date or datetime value
        // (a Spark row's) becomes its ISO text.
        let json = py.import("json")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("separators", (",", ":"))?;
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("default", py.eval(c"lambda v: v.isoformat() if hasattr(v, 'isoformat') else str(v)", None, None)?)?;
        let text: String = json.call_method("dumps", (obj,), Some(&kwargs))?.extract()?;
        return Ok(Some(LogInput::Text { name: name.to_string(), text, format: LogFormat::Json }));
    }
    match obj.extract::<PathBuf>() {
        Ok(path) => Ok(Some(LogInput::Path(path))),
        Err(_) => Err(PyTypeError::new_err(format!(
            "a log is a dict, a JSON or YAML string, or a path (str or os.PathLike), not {}",
            obj.get_type().name()?
        ))),
    }
}
