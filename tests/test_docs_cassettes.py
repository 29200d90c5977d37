"""Cassettes of a real ArangoDB 3.12 (the documentation's examples) replayed against the
emulator: ``arangomock cassette verify cassettes/`` passes, and the check can fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pytest_arangomock.backends.docs_verify import normalise, verify_directory
from pytest_arangomock.cli import main

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
EXAMPLE = "document/RestDocumentHandlerReadDocument.yaml"


def test_documented_examples_agree_with_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cassette", "verify", str(CASSETTES)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    print(summary)
    assert summary.startswith("CASSETTE_VERIFY cassettes=")
    assert " differ=0 " in summary and summary.endswith("fixed_gaps=0")


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "cassettes"
    (root / "document").mkdir(parents=True)
    shutil.copy(CASSETTES / EXAMPLE, root / EXAMPLE)
    return root


def test_a_difference_fails_and_a_listed_gap_does_not(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert verify_directory(root).failed is False
    data = yaml.safe_load((root / EXAMPLE).read_text())
    position = next(iter(data["metadata"]["compare"]))
    recorded = data["interactions"][int(position)]["response"]
    recorded["body"]["string"] = recorded["body"]["string"].replace("world", "moon")
    (root / EXAMPLE).write_text(yaml.safe_dump(data))
    report = verify_directory(root)
    assert report.failed and report.differ[0][0] == f"{EXAMPLE}#{position}"
    assert "moon" in report.differ[0][1]
    (root / "KNOWN_GAPS.txt").write_text(f"{EXAMPLE}#{position}  # changed on purpose\n")
    report = verify_directory(root)
    assert not report.failed and report.known == [f"{EXAMPLE}#{position}"]


def test_a_gap_that_agrees_now_must_be_removed(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "KNOWN_GAPS.txt").write_text(f"# a comment\n{EXAMPLE}  # fixed meanwhile\n")
    report = verify_directory(root)
    assert report.failed and report.fixed == [EXAMPLE]


def test_cassettes_name_their_source() -> None:
    data = yaml.safe_load((CASSETTES / EXAMPLE).read_text())
    meta = data["metadata"]
    assert data["version"] == 1 and meta["recorded_from"] == "live"
    assert meta["source"].startswith("ArangoDB documentation example")
    assert (CASSETTES.parent / "NOTICE").is_file()


@pytest.mark.parametrize(
    ("value", "volatile", "unordered", "expected"),
    [
        ({"a": {"b": 1, "c": 2}}, ["$.a.b"], [], {"a": {"b": "<volatile>", "c": 2}}),
        (
            {"r": [{"_key": "x"}, {"_key": "y"}]},
            ["$.r[*]._key"],
            [],
            {"r": [{"_key": "<volatile>"}] * 2},
        ),
        (
            {"r": [{"_rev": 1, "n": {"_rev": 2}}]},
            ["$.._rev"],
            [],
            {"r": [{"_rev": "<volatile>", "n": {"_rev": "<volatile>"}}]},
        ),
        ({"x": {"p": 1, "q": 2}}, ["$.x.*"], [], {"x": {"p": "<volatile>", "q": "<volatile>"}}),
        ({"l": [3, 1, 2]}, [], ["$.l"], {"l": [1, 2, 3]}),
        (
            {"name": "idx_123", "k": {"name": "mine"}},
            [["$..name", r"^idx_\d+$"]],
            [],
            {"name": "<volatile>", "k": {"name": "mine"}},
        ),
        ({"a": [1, 2]}, ["$.a[1]", '$["b"]'], [], {"a": [1, "<volatile>"]}),
    ],
)
def test_path_patterns(value: object, volatile: list, unordered: list, expected: object) -> None:
    assert normalise(value, volatile, unordered) == expected


def test_vcrpy_reads_the_cassettes() -> None:
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    total = 0
    for path in sorted(CASSETTES.rglob("*.yaml")):
        requests = deserialize(path.read_text(encoding="utf-8"), yamlserializer)[0]
        total += len(requests)
    assert total > 100
