"""Hostile input against analyzers, MinHash functions and views: every refusal is
ArangoDB's own (the analyzer factory's 10 naming the rejected properties, the view meta's
"error in attribute", link validation, 1542 warnings from MINHASH*), never an internal
error, and a refused definition leaves nothing behind; accepted ones keep working."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hostile_api import Api, fast, json_values
from hypothesis import given
from hypothesis import strategies as st

from pytest_arangomock.state.analyzers import TYPES

FAST = fast(30)
VIEW_PREFIX = "failed to initialize arangosearch View 'v' from definition, error in attribute "
#: view properties set at creation only (an update leaves them as they are)
IMMUTABLE = {
    "primarySort",
    "primarySortCompression",
    "storedValues",
    "writebufferSizeMax",
    "writebufferIdle",
    "writebufferActive",
}
LINK_PREFIX = "while validating arangosearch link definition, error: "


def _rejected(atype: str, props: dict[str, Any]) -> str:
    text = json.dumps(props, separators=(",", ":"))
    return (
        f"Failure initializing an arangosearch analyzer instance for name 'h::a' type "
        f"'{atype}'. Properties '{text}' was rejected by analyzer. Please check documentation "
        "for corresponding analyzer type."
    )


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"x": value}
    return value


def _api() -> Api:
    api = Api()
    api.ok("POST", "/_api/collection", {"name": "c"})
    api.ok(
        "POST", "/_api/document/c", [{"_key": f"k{i}", "t": f"hello world {i}"} for i in range(4)]
    )
    return api


def _analyzers(api: Api) -> list[str]:
    return sorted(a["name"] for a in api.ok("GET", "/_api/analyzer")["result"])


# ------------------------------------------------------------------ analyzers
@pytest.mark.parametrize(
    ("atype", "props"),
    [
        ("text", {"locale": 5}),
        ("text", {"locale": "klingon.utf-8"}),
        ("text", {"locale": "en", "stemming": "yes"}),
        ("text", {"locale": "en", "edgeNgram": {"min": 10, "max": 1}}),
        ("norm", {"locale": ""}),
        ("stem", {}),
        ("minhash", {"numHashes": 0, "analyzer": {"type": "identity"}}),
        ("minhash", {"numHashes": -1, "analyzer": {"type": "identity"}}),
        ("minhash", {"numHashes": "5", "analyzer": {"type": "identity"}}),
        ("minhash", {"numHashes": 5, "analyzer": "identity"}),
        ("minhash", {"numHashes": 5, "analyzer": {"type": "nope"}}),
        ("ngram", {"min": 5, "max": 2, "preserveOriginal": True}),
        ("pipeline", {"pipeline": "x"}),
        ("pipeline", {"pipeline": [{"type": "pipeline", "properties": {"pipeline": []}}]}),
        ("delimiter", {"delimiter": 5}),
        ("aql", {"queryString": 5}),
        ("geojson", {"type": "foo"}),
        ("stopwords", {"stopwords": [5]}),
        ("segmentation", {"break": "x"}),
    ],
)
def test_rejected_analyzer_properties_are_error_10_naming_them(
    atype: str, props: dict[str, Any]
) -> None:
    api = _api()
    before = _analyzers(api)
    body = {"name": "a", "type": atype, "properties": props}
    assert api.error(400, 10, "POST", "/_api/analyzer", body) == _rejected(atype, props)
    assert _analyzers(api) == before
    api.error(404, 1202, "GET", "/_api/analyzer/a")


@pytest.mark.parametrize(
    ("body", "status", "num", "message"),
    [
        ({"name": "a", "type": "nope"}, 501, 9, "Not implemented analyzer type 'nope'."),
        ({"name": "a b", "type": "identity"}, 400, 10, "invalid characters in analyzer name 'a b'"),
        ({"name": "a", "type": 5}, 400, 10, None),
        ({"name": "a", "type": "identity", "properties": [1]}, 400, 10, None),
        ({"name": "a", "type": "identity", "features": "x"}, 400, 10, None),
        ({"name": "a", "type": "identity", "features": ["bogus"]}, 400, 10, None),
        ({"name": "a", "type": "text", "properties": _deep(250)}, 400, 600, None),
        (
            {"name": "a", "type": "pipeline", "properties": {"pipeline": [_deep(250)]}},
            400,
            600,
            None,
        ),
    ],
)
def test_malformed_analyzer_bodies(
    body: dict[str, Any], status: int, num: int, message: str | None
) -> None:
    api = _api()
    before = _analyzers(api)
    got = api.error(status, num, "POST", "/_api/analyzer", body)
    if message is not None:
        assert got == message
    assert _analyzers(api) == before


_JSON = json_values(text=6, keys=8, items=3, leaves=10)
_KEYS = [
    "locale",
    "case",
    "accent",
    "stemming",
    "min",
    "max",
    "preserveOriginal",
    "delimiter",
    "delimiters",
    "numHashes",
    "analyzer",
    "pipeline",
    "queryString",
    "batchSize",
    "stopwords",
    "edgeNgram",
    "ngramSize",
    "break",
    "type",
    "options",
    "x",
]


#: what the generated test below draws (benchmarks/fuzz_long.py draws more)
ANALYZER_ARGS = (
    st.sampled_from(TYPES),
    st.dictionaries(
        st.sampled_from(_KEYS), _JSON | st.sampled_from(["en", "identity", 1, 2]), max_size=4
    ),
    st.lists(_JSON | st.text(max_size=20), max_size=3),
)


@FAST
@given(*ANALYZER_ARGS)
def test_generated_analyzers_are_created_or_refused_and_tokenize_anything(
    atype: str, props: dict[str, Any], inputs: list[Any]
) -> None:
    api = _api()
    before = _analyzers(api)
    status, body = api("POST", "/_api/analyzer", {"name": "a", "type": atype, "properties": props})
    if status >= 400:
        assert body["errorNum"] in (9, 10, 1202), body
        assert _analyzers(api) == before
        return
    assert status in (200, 201), body
    for value in inputs:
        status, answer = api(
            "POST", "/_api/cursor", {"query": "RETURN TOKENS(@v, 'a')", "bindVars": {"v": value}}
        )
        assert status in (201, 400), answer
    api.ok("DELETE", "/_api/analyzer/a?force=true")
    assert _analyzers(api) == before


@pytest.mark.parametrize(
    "query",
    [
        "RETURN MINHASH('abc', 5)",
        "RETURN MINHASH(['a'], 0)",
        "RETURN MINHASH(['a'], -5)",
        "RETURN MINHASH(['a'], 'x')",
        "RETURN MINHASH(['a'], null)",
        "RETURN MINHASH_COUNT('x')",
        "RETURN MINHASH_COUNT(-1)",
        "RETURN MINHASH_COUNT(0)",
        "RETURN MINHASH_COUNT(1e300)",
        "RETURN MINHASH_ERROR(0)",
        "RETURN MINHASH_ERROR(-1)",
        "RETURN MINHASH_ERROR('x')",
    ],
)
def test_minhash_functions_warn_1542_and_return_null_for_bad_arguments(query: str) -> None:
    api = _api()
    answer = api.ok("POST", "/_api/cursor", {"query": query})
    assert answer["result"] == [None]
    name = query.split()[1].split("(")[0]
    assert answer["extra"]["warnings"] == [
        {"code": 1542, "message": f"invalid argument type in call to function '{name}()'"}
    ]


def test_minhash_with_a_huge_signature_size_is_bounded_by_its_input() -> None:
    api = _api()
    assert len(api.query("RETURN MINHASH(['a', 'b', 'c'], 1e100)")[0]) == 3
    assert len(api.query("RETURN MINHASH([1, null, {}, [], 'x'], 4294967296)")[0]) == 5
    api.ok(
        "POST",
        "/_api/analyzer",
        {
            "name": "a",
            "type": "minhash",
            "properties": {"numHashes": 10**9, "analyzer": {"type": "identity"}},
        },
    )
    assert len(api.query("RETURN TOKENS('hello', 'a')")[0]) == 1


@pytest.mark.parametrize(
    ("query", "status", "num"),
    [
        ("RETURN MINHASH_MATCH(['a'], ['a'], 0.5, 'identity')", 400, 10),
        ("RETURN MINHASH_MATCH(['a'], ['a'], 0.5, 'nope')", 404, 1202),
        ("RETURN TOKENS('abc', 'nope')", 404, 1202),
    ],
)
def test_minhash_match_and_tokens_with_wrong_analyzers(query: str, status: int, num: int) -> None:
    api = _api()
    api.error(status, num, "POST", "/_api/cursor", {"query": query})


# ------------------------------------------------------------------ views
@pytest.mark.parametrize(
    ("props", "attribute"),
    [
        ({"consolidationPolicy": 5}, "consolidationPolicy"),
        ({"consolidationPolicy": {"type": "nope"}}, "consolidationPolicy.type"),
        (
            {"consolidationPolicy": {"type": "bytes_accum", "threshold": 2}},
            "consolidationPolicy.threshold",
        ),
        (
            {"consolidationPolicy": {"type": "bytes_accum", "threshold": "x"}},
            "consolidationPolicy.threshold",
        ),
        (
            {"consolidationPolicy": {"type": "tier", "maxSkewThreshold": 2}},
            "consolidationPolicy.maxSkewThreshold",
        ),
        (
            {"consolidationPolicy": {"type": "tier", "minDeletionRatio": -0.1}},
            "consolidationPolicy.minDeletionRatio",
        ),
        (
            {"consolidationPolicy": {"type": "tier", "segmentsBytesMax": -5}},
            "consolidationPolicy.segmentsBytesMax",
        ),
        (
            {"consolidationPolicy": {"type": "tier", "segmentsBytesMax": 2**70}},
            "consolidationPolicy.segmentsBytesMax",
        ),
        ({"consolidationIntervalMsec": -1}, "consolidationIntervalMsec"),
        ({"consolidationIntervalMsec": 2**70}, "consolidationIntervalMsec"),
        ({"commitIntervalMsec": "x"}, "commitIntervalMsec"),
        ({"cleanupIntervalStep": 1e300}, "cleanupIntervalStep"),
        ({"cleanupIntervalStep": 1.5}, "cleanupIntervalStep"),
        ({"writebufferSizeMax": -1}, "writebufferSizeMax"),
        ({"primarySort": "x"}, "primarySort"),
        ({"primarySort": [{"field": 5}]}, "primarySort[0]"),
        ({"primarySort": [{"field": "a", "direction": "sideways"}]}, "primarySort[0].direction"),
        ({"primarySortCompression": "zip"}, "primarySortCompression"),
        ({"storedValues": "x"}, "storedValues"),
        ({"storedValues": [[5]]}, "storedValues"),
    ],
)
def test_bad_view_properties_name_the_attribute_and_create_nothing(
    props: dict[str, Any], attribute: str
) -> None:
    api = _api()
    body = {"name": "v", "type": "arangosearch", **props}
    assert api.error(400, 10, "POST", "/_api/view", body) == f"{VIEW_PREFIX}'{attribute}'"
    assert api.ok("GET", "/_api/view")["result"] == []
    # the same on an existing view: refused, and its properties stay as they were
    api.ok("POST", "/_api/view", {"name": "v", "type": "arangosearch"})
    before = api.ok("GET", "/_api/view/v/properties")
    top = attribute.split("[")[0].split(".")[0]
    for method in ("PUT", "PATCH"):
        status, answer = api(method, "/_api/view/v/properties", props)
        if top in IMMUTABLE:  # fixed at creation: an update ignores them
            assert status == 200, answer
        else:
            assert (status, answer["errorNum"]) == (400, 10), answer
            assert top in answer["errorMessage"]
    assert api.ok("GET", "/_api/view/v/properties") == before


@pytest.mark.parametrize(
    ("links", "status", "num", "message"),
    [
        (5, 400, 10, LINK_PREFIX + "definition is not an object"),
        ({"nope": {}}, 404, 1203, LINK_PREFIX + "collection 'nope' not found"),
        ({"": {}}, 404, 1203, LINK_PREFIX + "collection '' not found"),
        ({"c": 5}, 400, 10, None),
        ({"c": {"fields": 5}}, 400, 10, None),
        ({"c": {"analyzers": ["nope"]}}, 400, 10, None),
        ({"c": {"analyzers": [5]}}, 400, 10, None),
        ({"c": {"includeAllFields": "x"}}, 400, 10, None),
        ({"c": {"storeValues": "weird"}}, 400, 10, None),
        ({"c": {"nested": {"x": 5}}}, 400, 10, None),
        ({"c": {"fields": {"t": _deep(250)}}}, 400, 600, None),
    ],
)
def test_link_garbage_is_refused_and_links_nothing(
    links: Any, status: int, num: int, message: str | None
) -> None:
    api = _api()
    got = api.error(
        status, num, "POST", "/_api/view", {"name": "v", "type": "arangosearch", "links": links}
    )
    if message is not None:
        assert got == message
    elif num == 10:
        assert got.startswith(LINK_PREFIX + "invalid link definition for collection 'c'"), got
    assert api.ok("GET", "/_api/view")["result"] == []
    # a refused link update leaves the working link alone
    api.ok(
        "POST",
        "/_api/view",
        {"name": "v", "type": "arangosearch", "links": {"c": {"includeAllFields": True}}},
    )
    status, answer = api("PATCH", "/_api/view/v/properties", {"links": links})
    assert status in (400, 404), answer
    found = api.query("FOR d IN v SEARCH d.t == 'hello world 1' RETURN d._key")
    assert found == ["k1"]


@pytest.mark.parametrize(
    ("indexes", "status", "num"),
    [
        (5, 400, 10),
        ([5], 400, 10),
        ([{"collection": "nope", "index": "x"}], 404, 1203),
        ([{"collection": "c", "index": "nope"}], 404, 1212),
        ([{"collection": 5, "index": 5}], 400, 10),
    ],
)
def test_search_alias_garbage(indexes: Any, status: int, num: int) -> None:
    api = _api()
    api.error(
        status, num, "POST", "/_api/view", {"name": "v", "type": "search-alias", "indexes": indexes}
    )
    assert api.ok("GET", "/_api/view")["result"] == []


_VIEW_KEYS = [
    "links",
    "consolidationPolicy",
    "consolidationIntervalMsec",
    "commitIntervalMsec",
    "cleanupIntervalStep",
    "primarySort",
    "primarySortCompression",
    "storedValues",
    "writebufferSizeMax",
    "writebufferIdle",
    "optimizeTopK",
    "x",
]


#: what the generated test below draws (benchmarks/fuzz_long.py draws more)
VIEW_ARGS = (
    st.dictionaries(
        st.sampled_from(_VIEW_KEYS), _JSON | st.just({"c": {"includeAllFields": True}}), max_size=4
    ),
)


@FAST
@given(*VIEW_ARGS)
def test_generated_views_are_created_or_refused_whole(props: dict[str, Any]) -> None:
    api = _api()
    status, body = api("POST", "/_api/view", {"name": "v", "type": "arangosearch", **props})
    if status >= 400:
        assert body["errorNum"] in (10, 600, 1203, 1208), body
        assert api.ok("GET", "/_api/view")["result"] == []
        return
    assert status == 201, body
    api.query("FOR d IN v SEARCH d.t == 'hello world 1' RETURN d._key")
    status, body = api("PATCH", "/_api/view/v/properties", props)
    assert status < 500, body
    api.ok("DELETE", "/_api/view/v")


def test_view_rename_and_properties_bodies() -> None:
    api = _api()
    api.ok("POST", "/_api/view", {"name": "v", "type": "arangosearch"})
    for body in ([], "x", 5):
        api.error(400, 10, "PUT", "/_api/view/v/properties", body)
    api.error(400, 10, "PUT", "/_api/view/v/rename", {"name": 5})
    api.error(400, 10, "PUT", "/_api/view/v/rename", {})
    api.error(400, 1208, "PUT", "/_api/view/v/rename", {"name": "../x"})
    assert [v["name"] for v in api.ok("GET", "/_api/view")["result"]] == ["v"]


def test_one_bad_link_among_good_ones_links_nothing() -> None:
    api = _api()
    api.ok("POST", "/_api/collection", {"name": "d"})
    good = {"includeAllFields": True}
    api.error(
        404,
        1203,
        "POST",
        "/_api/view",
        {"name": "v", "type": "arangosearch", "links": {"c": good, "nope": {}}},
    )
    assert api.ok("GET", "/_api/view")["result"] == []
    api.ok("POST", "/_api/view", {"name": "v", "type": "arangosearch"})
    for method in ("PATCH", "PUT"):
        api.error(
            400, 10, method, "/_api/view/v/properties", {"links": {"c": good, "d": {"fields": 5}}}
        )
        api.error(
            400,
            10,
            method,
            "/_api/view/v/properties",
            {"links": {"c": good}, "commitIntervalMsec": -1},
        )
    assert api.ok("GET", "/_api/view/v/properties")["links"] == {}
    assert api.query("FOR d IN v SEARCH d.t == 'hello world 1' RETURN d._key") == []
