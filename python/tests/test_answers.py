"""The package answers exactly as the CLI does: every example, a cohort, text and dict logs,
the embedded protocol and a custom protocol folder."""

import json
from pathlib import Path

import pytest
import stepwise

from conftest import EXAMPLES, REFERENCE_PROTOCOL, REPO, cohort_lines, comparable


@pytest.fixture(scope="module")
def protocol():
    return stepwise.Protocol.load()


def test_every_example_is_found():
    assert len(EXAMPLES) >= 21


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_answer_equals_next_json(protocol, cli, example):
    out = cli(["next", example, "--format", "json"])
    assert out.returncode == 0, out.stderr
    assert protocol.answer_json(example) == out.stdout
    assert protocol.answer(example) == json.loads(out.stdout)
    # The same log as a str path, as YAML text and as a dict give the same answer.
    assert protocol.answer(str(example)) == json.loads(out.stdout)
    assert protocol.answer(example.read_text(encoding="utf-8")) == json.loads(out.stdout)


@pytest.mark.parametrize("example", EXAMPLES[:3], ids=lambda p: p.name)
def test_explain_and_timeline_equal_the_cli(protocol, cli, example):
    out = cli(["next", example, "--format", "json", "--explain", "--timeline"])
    assert out.returncode == 0, out.stderr
    answer = protocol.answer(example, explain=True, timeline=True)
    assert answer == json.loads(out.stdout)
    assert answer["trace"] and answer["timeline"]


def test_cohort_answers_equal_batch(protocol, cli, cohort_file):
    out = cli(["batch", cohort_file, "--quiet"])
    assert out.returncode == 4, out.stderr  # the two bad lines are error records
    expected = [json.loads(line) for line in out.stdout.splitlines()]
    lines = cohort_lines()
    assert len(expected) == len(lines) == 42
    got = list(protocol.answer_many(lines, jobs=2))
    assert [comparable(r) for r in got] == [comparable(r) for r in expected]
    # A file's lines (each with its line break) give the same records.
    with open(cohort_file, encoding="utf-8") as f:
        assert list(protocol.answer_many(f, jobs=2)) == got
    # The iterable's positions stand where batch has the file's lines.
    assert got[-1]["source"] == {"file": "<iterable>", "line": 42}
    assert expected[-1]["source"] == {"file": str(cohort_file), "line": 42}
    assert got[-1]["errors"][0]["code"] == "E0601" and got[-1]["errors"][0]["line"] == 42
    # One thread, dicts instead of text: the same answers.
    dicts = [json.loads(line) for line in lines[:40]]
    assert list(protocol.answer_many(dicts, jobs=1)) == expected[:40]
    assert [protocol.answer(d) for d in dicts[:5]] == expected[:5]
    # The cohort is not trivial: answers and error records, for several reasons. (The generated
    # patients' pain is random, so nearly every one is referred: protocol 1.4.0 refers all 40,
    # for five different rules.)
    assert {"refer", None} <= {r.get("decision") for r in expected}
    assert len({x["rule"] for r in expected for x in r.get("reasons", []) if not x.get("outvoted")}) >= 3


def test_answer_many_streams_in_chunks(protocol):
    lines = cohort_lines()[:40] * 30  # 1,200 logs
    pulled = 0

    def source():
        nonlocal pulled
        for line in lines:
            pulled += 1
            yield line

    stream = protocol.answer_many(source(), jobs=2)
    first = next(stream)
    assert first["patient"] == json.loads(lines[0])["patient"]
    assert pulled == 512  # one chunk read, not the whole input
    rest = list(stream)
    assert pulled == len(lines) and len(rest) == len(lines) - 1


def test_answer_many_of_nothing(protocol):
    assert list(protocol.answer_many([])) == []


def test_answer_many_skips_blank_lines_as_batch_does(protocol, cli):
    good = '{"patient":"P-1","start":"2026-01-05","sessions":[]}'
    lines = ["", "   \n", good, "\n", "not json\n"]
    out = cli(["batch", "-", "--quiet"], stdin="".join(line if line.endswith("\n") else line + "\n" for line in lines))
    expected = [json.loads(line) for line in out.stdout.splitlines()]
    got = list(protocol.answer_many(lines))
    assert [r.get("patient") for r in got] == ["P-1", None]
    assert got[0] == expected[0]
    assert comparable(got[1]) == comparable(expected[1]) and got[1]["errors"][0]["code"] == "E0606"
    assert (got[1]["source"], expected[1]["source"]) == ({"file": "<iterable>", "line": 5}, {"file": "<stdin>", "line": 5})


def test_embedded_protocol(protocol, cli):
    assert (protocol.id, protocol.version, protocol.origin) == ("hip-return", "1.6.0", "embedded")
    answer = protocol.answer(EXAMPLES[0])
    assert answer["protocol"] == {"id": "hip-return", "version": "1.6.0", "digest": protocol.digest, "from": "embedded"}
    assert protocol.digest.startswith("sha256:") and len(protocol.digest) == 71
    assert repr(protocol) == f"<Protocol hip-return 1.6.0 ({protocol.digest}) from embedded>"
    # check() reports what `stepwise check --format json` reports (the embedded protocol is clean).
    out = cli(["check", "--format", "json"])
    assert out.returncode == 0, out.stderr
    assert [d.to_dict() for d in protocol.check()] == [json.loads(line) for line in out.stdout.splitlines()]
    assert [d.to_dict() for d in stepwise.check()] == [d.to_dict() for d in protocol.check()]
    assert stepwise.__version__ == answer["stepwise"]


def test_custom_protocol_folder(cli):
    custom = stepwise.Protocol.load(REFERENCE_PROTOCOL)
    assert custom.origin == str(REFERENCE_PROTOCOL)
    assert custom.version != stepwise.Protocol.load().version
    edge = REPO / "tests" / "fixtures" / "reference" / "edge_cases.jsonl"
    out = cli(["batch", edge, "--protocol", REFERENCE_PROTOCOL, "--quiet"])
    assert out.returncode == 0, out.stderr
    expected = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(expected) == 14
    lines = [line for line in edge.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert list(custom.answer_many(lines)) == expected
    assert expected[0]["protocol"]["from"] == str(REFERENCE_PROTOCOL)
    # A path given as os.PathLike loads the same protocol.
    assert stepwise.Protocol.load(Path(REFERENCE_PROTOCOL)).digest == custom.digest
