"""Logs that cannot be answered raise LogError with every diagnostic and the CLI's error
record; protocols with errors raise ProtocolError; anything else that is not a log is a
TypeError or an OSError."""

import json
import shutil

import pytest
import stepwise

from conftest import REFERENCE_PROTOCOL

BAD_LOG = """patient: P-7
start: 2026-01-05
sessions:
  - date: 2026-01-06
    kind: exercise
    pain: { before: 2, during: 12, after: 2, next_day: 1 }
    pian: 3
    exercises: []
"""


@pytest.fixture(scope="module")
def protocol():
    return stepwise.Protocol.load()


def test_bad_log_file_raises_log_error_like_next(protocol, cli, tmp_path):
    log = tmp_path / "bad.yaml"
    log.write_text(BAD_LOG, encoding="utf-8")
    out = cli(["next", log, "--format", "json"])
    assert out.returncode == 4
    with pytest.raises(stepwise.LogError) as caught:
        protocol.answer(log)
    e = caught.value
    assert isinstance(e, stepwise.StepwiseError) and isinstance(e, ValueError)
    assert e.record == json.loads(out.stdout)
    assert str(e) == f"{log}: 12 is out of range: expected a whole number from 0 to 10"
    assert [(d.code, d.name, d.severity, d.file, d.line, d.column) for d in e.diagnostics] == [
        ("E0601", "log-invalid-value", "error", str(log), 6, 32),
        # Every error of the log at once: the misspelt key after the bad value too.
        ("E0607", "log-unknown-field", "error", str(log), 7, 5),
    ]
    assert [d.to_dict() for d in e.diagnostics] == e.record["errors"]
    assert str(e.diagnostics[0]) == f"{log}:6:32: error[E0601]: 12 is out of range: expected a whole number from 0 to 10"
    assert repr(e.diagnostics[0]) == (
        f'<Diagnostic error E0601[log-invalid-value] at {log}:6:32: "12 is out of range: expected a whole number from 0 to 10">'
    )


def test_unknown_key_says_did_you_mean(protocol):
    with pytest.raises(stepwise.LogError) as caught:
        protocol.answer(BAD_LOG.replace("during: 12", "during: 2"))
    (d,) = caught.value.diagnostics
    assert (d.code, d.name, d.file, d.line, d.column) == ("E0607", "log-unknown-field", "<string>", 7, 5)
    assert (d.message, d.label, d.help) == ("unknown key `pian`", "not a known key here", "did you mean `pain`?")


def test_bad_dict_and_string(protocol):
    with pytest.raises(stepwise.LogError) as caught:
        protocol.answer({"patient": "P-8", "start": "2026-13-40", "sessions": []})
    assert caught.value.record["patient"] == "P-8"
    assert caught.value.record["source"] == {"file": "<dict>"}
    assert caught.value.diagnostics[0].file == "<dict>"
    with pytest.raises(stepwise.LogError) as caught:
        protocol.answer('{"patient": "P-9"')
    assert caught.value.diagnostics[0].file == "<string>"
    with pytest.raises(stepwise.LogError):
        protocol.answer(BAD_LOG)


def test_answer_many_raise(protocol):
    good = {"patient": "P-1", "start": "2026-01-05", "sessions": []}
    stream = protocol.answer_many([good, "not json", good], errors="raise")
    assert next(stream)["patient"] == "P-1"
    with pytest.raises(stepwise.LogError) as caught:
        next(stream)
    assert caught.value.record["source"] == {"file": "<iterable>", "line": 2}
    with pytest.raises(ValueError, match="errors must be"):
        protocol.answer_many([], errors="ignore")
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        protocol.answer_many([], jobs=0)


def test_an_iterable_that_fails_yields_the_logs_before(protocol):
    good = {"patient": "P-1", "start": "2026-01-05", "sessions": []}

    def source():
        yield good
        raise RuntimeError("the source broke")

    stream = protocol.answer_many(source())
    assert next(stream)["patient"] == "P-1"
    with pytest.raises(RuntimeError, match="the source broke"):
        next(stream)


def test_not_a_log(protocol, tmp_path):
    with pytest.raises(TypeError, match="a log is a dict, a JSON or YAML string, or a path"):
        protocol.answer(42)
    with pytest.raises(OSError):
        protocol.answer(tmp_path / "missing.yaml")
    with pytest.raises(OSError):
        protocol.answer("missing.yaml")


def test_protocol_with_errors(cli, tmp_path):
    broken = tmp_path / "protocol"
    shutil.copytree(REFERENCE_PROTOCOL, broken)
    rule = sorted((broken / "rules").glob("*.yaml"))[0]
    original = rule.read_text(encoding="utf-8")
    rule.write_text(original + "\nthis is: [not valid\n", encoding="utf-8")
    bad_line = len(original.splitlines()) + 2
    out = cli(["check", "--protocol", broken, "--format", "json"])
    assert out.returncode == 1
    expected = [json.loads(line) for line in out.stdout.splitlines()]
    assert any(d["severity"] == "error" for d in expected)
    with pytest.raises(stepwise.ProtocolError) as caught:
        stepwise.Protocol.load(broken)
    # Loading reports the errors (the lints only run in check); here the one error.
    assert str(caught.value) == "the protocol has 1 error(s)"
    assert [d.to_dict() for d in caught.value.diagnostics] == [d for d in expected if d["severity"] == "error"]
    assert [(d.code, d.name, d.file, d.line) for d in caught.value.diagnostics] == [("E0103", "unknown-key", str(rule), bad_line)]
    assert [d.to_dict() for d in stepwise.check(broken)] == expected
    with pytest.raises(OSError):
        stepwise.Protocol.load(tmp_path / "nowhere")
