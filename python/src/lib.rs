//! The native module `stepwise._stepwise`: the Python face of the stepwise library. The
//! pure-Python package `stepwise` (python/stepwise/) re-exports it; every answer comes from
//! the same library calls as the CLI (`stepwise::Protocol`), so the bytes are the same.

mod errors;
mod evaluate;
mod log_input;
mod protocol;
mod stream;

use pyo3::prelude::*;

/// stepwise: a rule engine for rehabilitation exercise progression (native module).
#[pymodule]
fn _stepwise(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<protocol::PyProtocol>()?;
    m.add_class::<errors::Diagnostic>()?;
    m.add_class::<stream::AnswerStream>()?;
    m.add("StepwiseError", py.get_type::<errors::StepwiseError>())?;
    m.add("LogError", py.get_type::<errors::LogError>())?;
    m.add("ProtocolError", py.get_type::<errors::ProtocolError>())?;
    m.add_function(wrap_pyfunction!(protocol::check, m)?)?;
    // The engine's version: the `stepwise` field of every answer.
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
