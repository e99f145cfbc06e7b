"""stepwise: a rule engine for rehabilitation exercise progression, for Python.

The same engine as the ``stepwise`` command line (one Rust library behind both), so an
answer here is the ``stepwise next --format json`` answer, value for value::

    import stepwise

    protocol = stepwise.Protocol.load()              # the embedded hip protocol
    answer = protocol.answer("examples/01-walking-progress.yaml")
    answer["decision"]                               # 'progress'

    for record in protocol.answer_many(lines_of_a_jsonl_file, jobs=4):
        ...                                          # answers (or error records), in order

A log is a dict, a JSON string (starting with ``{``), a YAML string (with a line break) or a
path. A log that cannot be answered raises :class:`LogError`, which carries every problem
found as :class:`Diagnostic` objects and the error record ``stepwise batch`` writes.
"""

from ._stepwise import (
    AnswerStream,
    Diagnostic,
    LogError,
    Protocol,
    ProtocolError,
    StepwiseError,
    __version__,
    check,
)

__all__ = [
    "AnswerStream",
    "Diagnostic",
    "LogError",
    "Protocol",
    "ProtocolError",
    "StepwiseError",
    "__version__",
    "check",
]
