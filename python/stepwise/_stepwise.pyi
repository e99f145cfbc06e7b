"""Type stubs of the native module ``stepwise._stepwise`` (re-exported by ``stepwise``)."""

import os
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Union

__version__: str
"""The engine's version: the ``stepwise`` field of every answer."""

Log = Union[Mapping[str, Any], str, "os.PathLike[str]"]
"""A patient log: a dict (the data contract as JSON values), a JSON string (starting with
``{``), a YAML string (containing a line break), or the path of a ``.yaml``/``.yml``/``.json``
file (a ``str`` without line break, or an ``os.PathLike``)."""

class Diagnostic:
    """One problem found in a protocol or a log: the fields ``stepwise check
    --message-format json`` prints."""

    code: str
    """The code, e.g. ``E0601`` (``stepwise explain CODE`` explains it)."""
    name: str
    """The code's name, e.g. ``out-of-range``."""
    severity: str
    """``error`` or ``warning``."""
    message: str
    file: Optional[str]
    """The file it is in (``None``: the protocol as a whole)."""
    line: Optional[int]
    """1-based line, when known."""
    column: Optional[int]
    """1-based column, when known."""
    label: Optional[str]
    help: Optional[str]
    """How to fix it."""
    notes: List[str]
    def to_dict(self) -> Dict[str, Any]:
        """The diagnostic as the JSON object ``check --message-format json`` prints."""

class StepwiseError(ValueError):
    """Base class of stepwise's errors."""

    diagnostics: List[Diagnostic]

class LogError(StepwiseError):
    """A log that cannot be answered (invalid, or a script failed on it)."""

    diagnostics: List[Diagnostic]
    """Every problem found in the log."""
    record: Dict[str, Any]
    """The error record ``stepwise batch`` (and ``next --format json``) writes for it:
    ``{patient, protocol, source, error, errors}``."""

class ProtocolError(StepwiseError):
    """A protocol with errors: nothing can be answered with it."""

    diagnostics: List[Diagnostic]
    """Every problem, as ``stepwise check`` reports them."""

class AnswerStream(Iterator[Dict[str, Any]]):
    """The iterator :meth:`Protocol.answer_many` returns: one dict per log, in input order."""

    def __iter__(self) -> "AnswerStream": ...
    def __next__(self) -> Dict[str, Any]: ...

class Protocol:
    """A protocol loaded, checked and compiled once; answers any number of logs, from any
    number of threads. Loading and answering release the GIL."""

    @staticmethod
    def load(path: Union[str, "os.PathLike[str]", None] = None) -> "Protocol":
        """The protocol in the folder ``path`` (holding ``plans/`` and ``rules/``), or the
        embedded hip protocol when ``None``.

        Raises :class:`ProtocolError` (with its diagnostics) when the protocol has errors,
        ``OSError`` when the folder cannot be read."""
    @property
    def id(self) -> str:
        """The protocol's id, e.g. ``hip-return``."""
    @property
    def version(self) -> str:
        """The protocol's version."""
    @property
    def digest(self) -> str:
        """``sha256:...`` over the protocol's files, the same on every machine."""
    @property
    def origin(self) -> str:
        """``embedded``, or the folder it was loaded from (an answer's ``protocol.from``)."""
    def check(self) -> List[Diagnostic]:
        """Every diagnostic of the protocol, warnings included, as ``stepwise check``
        reports them (a loaded protocol has no errors)."""
    def answer(self, log: Log, *, explain: bool = False, timeline: bool = False) -> Dict[str, Any]:
        """The answer to one log: the ``stepwise next --format json`` answer as a dict
        (``explain``: with ``trace``; ``timeline``: with the decision after every session).

        Raises :class:`LogError` when the log cannot be answered, ``OSError`` when a path
        cannot be read, ``TypeError`` for anything that is not a log."""
    def answer_json(self, log: Log, *, explain: bool = False, timeline: bool = False) -> str:
        """The same answer as the JSON line ``stepwise next --format json`` prints, byte for
        byte (with its final newline)."""
    def answer_many(
        self,
        logs: Iterable[Log],
        jobs: Optional[int] = None,
        *,
        explain: bool = False,
        timeline: bool = False,
        errors: Literal["record", "raise"] = "record",
    ) -> AnswerStream:
        """Answers logs streamed from any iterable (a list, a file's lines, a Spark
        partition), in input order: chunks of 512 are answered on ``jobs`` threads (``None``:
        one per core) with the GIL released, so memory holds one chunk.

        Every ``str`` item is log text, never a path: a JSON Lines line (its own line break
        aside; a blank one is skipped, as ``stepwise batch`` skips blank lines) or a YAML
        document (with a line break inside); pass paths as ``pathlib.Path``.

        A log that cannot be answered yields the error record ``stepwise batch`` writes
        (``source`` is ``{"file": "<iterable>", "line": its 1-based position}`` for a dict or
        string, the path for a path), or, with ``errors="raise"``, raises :class:`LogError`."""

def check(path: Union[str, "os.PathLike[str]", None] = None) -> List[Diagnostic]:
    """Every problem of the protocol in the folder ``path`` (``None``: the embedded one),
    errors and warnings, as ``stepwise check`` reports them; unlike :meth:`Protocol.load` it
    also works on a protocol with errors."""
