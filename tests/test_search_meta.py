"""ArangoSearch metadata as ArangoDB 3.12.10 reports it: view and inverted-index properties.

Defaults and field names follow the 3.12 OpenAPI description (the ``tier`` policy of 3.12.7
onward: ``segmentsBytesMax``, ``maxSkewThreshold``, ``minDeletionRatio``).
"""

from __future__ import annotations

import pytest
from arangoasync.exceptions import IndexCreateError, ViewCreateError, ViewUpdateError

TIER = {
    "type": "tier",
    "segmentsBytesMax": 8589934592,
    "maxSkewThreshold": 0.4,
    "minDeletionRatio": 0.5,
}


async def test_view_defaults_and_caches(db):
    view = await db.create_view("v", "arangosearch")
    assert view["consolidationIntervalMsec"] == 5000
    assert view["commitIntervalMsec"] == 1000 and view["cleanupIntervalStep"] == 2
    assert view["consolidationPolicy"] == TIER
    assert "primarySortCache" not in view and "primaryKeyCache" not in view
    cached = await db.create_view(
        "w",
        "arangosearch",
        {
            "primarySortCache": True,
            "primaryKeyCache": True,
            "storedValues": [{"fields": ["a", "b"], "compression": "none", "cache": True}],
            "optimizeTopK": ["BM25(@doc) DESC"],
        },
    )
    assert cached["primarySortCache"] is True and cached["primaryKeyCache"] is True
    assert cached["storedValues"] == [{"fields": ["a", "b"], "compression": "none", "cache": True}]
    assert cached["optimizeTopK"] == ["BM25(@doc) DESC"]


@pytest.mark.parametrize(
    ("props", "attribute"),
    [
        (
            {"consolidationPolicy": {"type": "tier", "maxSkewThreshold": 2}},
            "consolidationPolicy.maxSkewThreshold",
        ),
        (
            {"consolidationPolicy": {"type": "tier", "segmentsBytesMax": -1}},
            "consolidationPolicy.segmentsBytesMax",
        ),
        (
            {"consolidationPolicy": {"type": "bytes_accum", "threshold": 1.5}},
            "consolidationPolicy.threshold",
        ),
        ({"consolidationPolicy": {"type": "nope"}}, "consolidationPolicy.type"),
        ({"consolidationPolicy": {}}, "consolidationPolicy.type"),
        ({"commitIntervalMsec": -5}, "commitIntervalMsec"),
        ({"primarySort": [{"field": "a"}]}, "primarySort[0]"),
        ({"primarySort": [{"field": "a", "direction": "up"}]}, "primarySort[0].direction"),
        ({"primarySort": [{"field": "a", "asc": 1}]}, "primarySort[0].asc"),
        ({"primarySort": [{"field": 3, "asc": True}]}, "primarySort[0].field"),
        ({"writebufferIdle": "x"}, "writebufferIdle"),
        ({"optimizeTopK": [1]}, "optimizeTopK"),
        ({"primaryKeyCache": "yes"}, "primaryKeyCache"),
        ({"storedValues": [{"fields": ["a"], "compression": "zip"}]}, "storedValues"),
    ],
)
async def test_view_validation_names_the_attribute(db, props, attribute):
    with pytest.raises(ViewCreateError) as exc:
        await db.create_view("bad", "arangosearch", props)
    assert exc.value.http_code == 400 and exc.value.error_code == 10
    assert exc.value.error_message == (
        "failed to initialize arangosearch View 'bad' from definition, "
        f"error in attribute '{attribute}'"
    )


async def test_patch_keeps_and_put_resets(db):
    await db.create_view(
        "v",
        "arangosearch",
        {"consolidationIntervalMsec": 10, "consolidationPolicy": {"type": "bytes_accum"}},
    )
    patched = await db.update_view("v", {"cleanupIntervalStep": 7})
    assert patched["consolidationIntervalMsec"] == 10
    assert patched["consolidationPolicy"] == {"type": "bytes_accum", "threshold": 0}
    replaced = await db.replace_view("v", {"cleanupIntervalStep": 7})
    assert replaced["consolidationIntervalMsec"] == 5000
    assert replaced["consolidationPolicy"] == TIER
    with pytest.raises(ViewUpdateError) as exc:
        await db.update_view("v", {"consolidationPolicy": {"type": "tier", "minDeletionRatio": -1}})
    assert exc.value.error_message == (
        "failed to update arangosearch view 'v' from definition, "
        "error in attribute 'consolidationPolicy.minDeletionRatio'"
    )


async def test_inverted_index_defaults(db):
    col = await db.create_collection("docs")
    index = await col.add_index("inverted", ["title"], {"name": "inv"})
    assert index["consolidationIntervalMsec"] == 5000
    assert index["commitIntervalMsec"] == 1000 and index["cleanupIntervalStep"] == 2
    assert index["consolidationPolicy"] == TIER
    assert index["primarySort"] == {"fields": [], "compression": "lz4", "cache": False}
    assert index["storedValues"] == [] and index["optimizeTopK"] == []
    assert index["writebufferSizeMax"] == 33554432 and index["writebufferIdle"] == 64
    assert index["searchField"] is False and index["primaryKeyCache"] is False


async def test_inverted_index_options(db):
    col = await db.create_collection("docs")
    index = await col.add_index(
        "inverted",
        ["title"],
        {
            "name": "inv",
            "primarySort": {"fields": [{"field": "title", "direction": "desc"}], "cache": True},
            "storedValues": [{"fields": ["title"], "cache": True}],
            "consolidationPolicy": {"type": "tier", "maxSkewThreshold": 0.2},
            "searchField": True,
        },
    )
    assert index["primarySort"] == {
        "fields": [{"field": "title", "asc": False}],
        "compression": "lz4",
        "cache": True,
    }
    assert index["storedValues"] == [{"fields": ["title"], "compression": "lz4", "cache": True}]
    assert index["consolidationPolicy"]["maxSkewThreshold"] == 0.2
    assert index["searchField"] is True


@pytest.mark.parametrize(
    ("options", "attribute"),
    [
        (
            {"consolidationPolicy": {"type": "tier", "minDeletionRatio": 3}},
            "consolidationPolicy.minDeletionRatio",
        ),
        ({"commitIntervalMsec": -1}, "commitIntervalMsec"),
        ({"primarySort": {"compression": "zip"}}, "primarySort.compression"),
        ({"searchField": 1}, "searchField"),
        ({"storedValues": "title"}, "storedValues"),
    ],
)
async def test_inverted_index_validation(db, options, attribute):
    col = await db.create_collection("docs")
    with pytest.raises(IndexCreateError) as exc:
        await col.add_index("inverted", ["title"], options)
    assert exc.value.http_code == 400 and exc.value.error_code == 10
    assert exc.value.error_message.startswith(
        f"failed to normalize index fields from definition, error in attribute '{attribute}': {{"
    )


async def _linked_view(db, link):
    """View ``v`` linking a new collection ``docs`` with ``link``; the creation answer."""
    await db.create_collection("docs")
    return await db.create_view("v", "arangosearch", {"links": {"docs": link}})


async def test_link_cache_nested_and_in_background(db):
    view = await _linked_view(
        db,
        {
            "inBackground": True,
            "cache": True,
            "fields": {"items": {"nested": {"name": {"analyzers": ["text_en"]}}}},
        },
    )
    link = view["links"]["docs"]
    assert "inBackground" not in link and link["cache"] is True
    assert link["fields"] == {"items": {"nested": {"name": {"analyzers": ["text_en"]}}}}
    with pytest.raises(ViewUpdateError) as exc:
        await db.update_view("v", {"links": {"docs": {"nested": {"x": {}}}}})
    assert exc.value.http_code == 400 and exc.value.error_code == 10
    assert exc.value.error_message.endswith("error in attribute: nested")


@pytest.mark.parametrize(
    ("link", "path"),
    [
        ({"analyzers": "text_en"}, "analyzers"),
        ({"analyzers": ["identity", 5]}, "analyzers[1]"),
        ({"analyzers": ["nope"]}, "analyzers.nope"),
        ({"storeValues": "all"}, "storeValues.all"),
        ({"storeValues": 1}, "storeValues"),
        ({"trackListPositions": "no"}, "trackListPositions"),
        ({"fields": {"a": None}}, "fields.a"),
        (
            {"fields": {"a": {"fields": {"b": {"analyzers": ["nope"]}}}}},
            "fields.a.fields.b.analyzers.nope",
        ),
    ],
)
async def test_link_refusals_name_the_path(db, link, path):
    with pytest.raises(ViewCreateError) as exc:
        await _linked_view(db, link)
    assert exc.value.http_code == 400 and exc.value.error_code == 10
    assert exc.value.error_message == (
        "while validating arangosearch link definition, error: invalid link definition "
        f"for collection 'docs' error in attribute: {path}"
    )


async def test_sub_fields_list_only_what_differs_from_the_parent(db):
    view = await _linked_view(
        db,
        {
            "analyzers": ["text_en"],
            "fields": {
                "same": {"analyzers": ["text_en"], "storeValues": "none"},
                "other": {"analyzers": ["identity"], "includeAllFields": True},
            },
        },
    )
    assert view["links"]["docs"]["fields"] == {
        "same": {},
        "other": {"analyzers": ["identity"], "includeAllFields": True},
    }


async def test_primary_sort_takes_direction_or_asc(db):
    view = await db.create_view(
        "v",
        "arangosearch",
        {"primarySort": [{"field": "a", "direction": "DESC"}, {"field": "b.c", "asc": True}]},
    )
    assert view["primarySort"] == [{"field": "a", "asc": False}, {"field": "b.c", "asc": True}]
