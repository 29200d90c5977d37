"""The direct reader of vcrpy's cassette layout reads every file as PyYAML's safe loader does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_arangomock import BackendRequest, BackendResponse
from pytest_arangomock.backends import Cassette, Interaction, yaml_block
from pytest_arangomock.backends.cassette import load_yaml

ROOT = Path(__file__).resolve().parent.parent


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def direct(text: str) -> Any:
    """The direct reader's result, or None when it leaves the text to libyaml."""
    try:
        return yaml_block.read(text, safe_load)
    except yaml_block.Unsupported:
        return None


texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(list(" '\"\\:#-\n\t")),
    max_size=200,
)
# header names as HTTP has them and, now and then, one YAML must quote
usual = st.text(st.sampled_from("abcxyz-_0123456789."), min_size=1, max_size=20)
names = st.one_of(usual, usual, usual, usual, st.text(st.sampled_from("ab0-':# \"\\"), min_size=1))
bodies = st.one_of(texts.map(str.encode), st.binary(max_size=60))


@st.composite
def interactions(draw: st.DrawFn) -> Interaction:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ON", "NO"]))
    path = "/" + draw(st.text(st.sampled_from("abc/_-.%0123456789 #:"), max_size=30))
    query = draw(st.dictionaries(names, texts, max_size=3))
    request = BackendRequest(
        method, path, query, draw(st.dictionaries(names, texts, max_size=3)), draw(bodies)
    )
    response = BackendResponse(
        draw(st.integers(100, 599)), draw(st.dictionaries(names, texts, max_size=3)), draw(bodies)
    )
    return Interaction(request, response)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(interactions(), min_size=1, max_size=4),
    st.dictionaries(names, texts | st.integers(), max_size=3),
)
def test_generated_cassettes_read_as_pyyaml_reads_them(
    recorded: list[Interaction], metadata: dict[str, Any]
) -> None:
    text = Cassette(recorded, metadata).dumps()
    expected = safe_load(text)
    got = direct(text)
    if got is not None:
        assert got == expected
    assert load_yaml(text) == expected


def test_plain_cassettes_take_the_direct_path() -> None:
    recorded = [
        Interaction(
            BackendRequest("GET", "/_db/shop/_api/document/orders/k1", {"a": "1"}),
            BackendResponse(
                200,
                {"etag": '"_iV3r2hK---"', "content-type": "application/json"},
                b'{"_key": "k1", "long": "' + b"x " * 60 + b'", "uni": "\xc3\xa9\\n"}',
            ),
        ),
        Interaction(
            BackendRequest("POST", "/_api/cursor", {}, {}, b'{"query": "RETURN 1"}'),
            BackendResponse(201, {}, bytes(range(256))),
        ),
    ]
    text = Cassette(recorded, {"database": "shop"}).dumps()
    assert direct(text) == safe_load(text)


def test_repository_cassettes_read_as_pyyaml_reads_them() -> None:
    files = sorted((ROOT / "cassettes").rglob("*.yaml"))
    assert files
    taken = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        expected = safe_load(text)
        got = direct(text)
        if got is not None:
            taken += 1
            assert got == expected, path
        assert load_yaml(text) == expected, path
    assert taken


HEAD = "interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n"
TAIL = (
    "  response:\n    body:\n      string: ''\n    headers: {}\n    status:\n"
    "      code: 200\n      message: OK\nversion: 1\n"
)


@pytest.mark.parametrize(
    "uri",
    [
        "http://a/b # a comment",
        "&anchor http://a/b",
        "*alias",
        "!!str 12",
        "[1, 2]",
        "{a: 1}",
        "'unclosed",
        "'a' trailing",
        '"\\q unknown escape"',
        "|\n      literal",
        "http://a/b:\n      more: x",
        "\tx",
        "a\u2028b",
        "- x",
    ],
)
def test_what_the_direct_reader_leaves_to_libyaml(uri: str) -> None:
    text = HEAD + f"    uri: {uri}\n" + TAIL
    assert direct(text) is None
    try:
        expected = safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            load_yaml(text)
    else:
        assert load_yaml(text) == expected


@pytest.mark.parametrize(
    "uri",
    [
        "http://a/b",
        "12",
        "0x1F",
        "yes",
        "~",
        "2001-12-14",
        "1.5e3",
        "'it''s'",
        '"tab\\there \\u00e9 \\x41"',
        "'folded\n      over\n\n      lines'",
        '"escaped \\\n      \\ break"',
        "plain\n      continued",
        "-1",
    ],
)
def test_scalars_as_pyyaml_reads_them(uri: str) -> None:
    text = HEAD + f"    uri: {uri}\n" + TAIL
    got = direct(text)
    assert got is not None
    assert got == safe_load(text)


@pytest.mark.parametrize(
    "tail",
    ["  extra: 1\n", "\n  extra: 1\nversion: 1\n", "# note\nversion: 1\n", "- request: {}\n"],
)
def test_what_follows_the_interactions_is_read_in_place(tail: str) -> None:
    text = HEAD + "    uri: http://a/b\n" + TAIL.replace("version: 1\n", "") + tail
    assert direct(text) is None
    try:
        expected = safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            load_yaml(text)
    else:
        assert load_yaml(text) == expected
