"""Text analysis as ArangoDB 3.12 does it: Snowball stemming per locale, MinHash, MINHASH().

Expected values come from ArangoDB's documentation where it shows them (``TOKENS`` of the
``text_en`` analyzer, the ``MINHASH()`` example, the ``minhash`` analyzer's Jaccard example),
and from the Snowball algorithms ArangoDB links for the other languages.
"""

from __future__ import annotations

import pytest
from arangoasync.exceptions import AnalyzerCreateError

from pytest_arangomock.state import minhash as MH
from pytest_arangomock.state import stemming


async def _one(db, query, bind=None):
    cursor = await db.aql.execute(query, bind_vars=bind or {})
    async with cursor:
        rows = [row async for row in cursor]
    return rows[0]


async def test_documented_english_examples(db):
    assert await _one(db, 'RETURN TOKENS("Crazy fast NoSQL-database!", "text_en")') == [
        "crazi",
        "fast",
        "nosql",
        "databas",
    ]
    await db.create_analyzer("custom", "text", {"locale": "en", "stopwords": ["a", "example"]}, [])
    tokens = await _one(db, 'RETURN TOKENS("UPPER & lower, a Stemming Example.", "custom")')
    assert tokens == ["upper", "lower", "stem"]
    await db.create_analyzer(
        "text_edge_ngrams",
        "text",
        {
            "edgeNgram": {"min": 3, "max": 8, "preserveOriginal": True},
            "locale": "en",
            "case": "lower",
            "accent": False,
            "stemming": False,
            "stopwords": ["the"],
        },
        [],
    )
    edge = await _one(
        db,
        'RETURN TOKENS("The quick brown fox jumps over the dogWithAVeryLongName", '
        '"text_edge_ngrams")',
    )
    assert edge == [
        "qui",
        "quic",
        "quick",
        "bro",
        "brow",
        "brown",
        "fox",
        "jum",
        "jump",
        "jumps",
        "ove",
        "over",
        "dog",
        "dogw",
        "dogwi",
        "dogwit",
        "dogwith",
        "dogwitha",
        "dogwithaverylongname",
    ]


@pytest.mark.parametrize(
    ("analyzer", "text", "expected"),
    [
        (
            "text_de",
            "Die Häuser der Städte wurden schöner",
            ["die", "haus", "der", "stadt", "wurd", "schon"],
        ),
        (
            "text_fr",
            "Les chevaux mangeaient des pommes délicieuses",
            ["le", "cheval", "mang", "de", "pomm", "delici"],
        ),
        (
            "text_ru",
            "Красивые дома стояли на берегу реки",
            ["красив", "дом", "стоя", "на", "берег", "рек"],
        ),
        (
            "text_nl",
            "De fietsen stonden bij de huizen",
            ["de", "fiets", "stond", "bij", "de", "huiz"],
        ),
        ("text_es", "Las canciones", ["las", "cancion"]),
        ("text_sv", "Flickorna sjunger", ["flick", "sjung"]),
        ("text_zh", "running", ["running"]),
    ],
)
async def test_built_in_text_analyzers_stem_their_language(db, analyzer, text, expected):
    assert await _one(db, "RETURN TOKENS(@t, @a)", {"t": text, "a": analyzer}) == expected


async def test_custom_locales_pick_the_language(db):
    await db.create_analyzer("de_ch", "text", {"locale": "de_CH.UTF-8", "accent": True}, [])
    await db.create_analyzer("stem_ru", "stem", {"locale": "ru"}, [])
    await db.create_analyzer("stem_xx", "stem", {"locale": "xx"}, [])
    await db.create_analyzer("norm_up", "norm", {"locale": "en", "case": "upper"}, [])
    assert await _one(db, 'RETURN TOKENS("Häuser", "de_ch")') == ["haus"]
    assert await _one(db, 'RETURN TOKENS("книгами", "stem_ru")') == ["книг"]
    assert await _one(db, 'RETURN TOKENS("books", "stem_xx")') == ["books"]
    # norm keeps accents unless told otherwise
    assert await _one(db, 'RETURN TOKENS("UPPER lower dïäcríticš", "norm_up")') == [
        "UPPER LOWER DÏÄCRÍTICŠ"
    ]


async def test_stopwords_are_compared_as_given(db):
    """Case and accents are not applied to the stop words themselves."""
    await db.create_analyzer("stop_upper", "text", {"locale": "en", "stopwords": ["The"]}, [])
    assert await _one(db, 'RETURN TOKENS("The fox", "stop_upper")') == ["the", "fox"]


def test_every_documented_language_has_a_stemmer():
    for code in stemming.LANGUAGES:
        assert stemming.stem("", code) == ""
        assert isinstance(stemming.stem("testing", code), str)
    assert stemming.language("pt_BR.UTF-8@x") == "pt"
    # Snowball 2's English (what ArangoDB links), not Snowball 3's
    assert stemming.stem("added", "en") == "ad"


async def test_minhash_function_documented_output(db):
    assert await _one(db, 'RETURN MINHASH(["foo", "bar", "baz"], 5)') == [
        "OmvEOSfAYs8",
        "Jcz+LQgakgs",
        "YfBzyXaSXIA",
    ]
    assert await _one(db, "RETURN [MINHASH_COUNT(0.05), MINHASH_ERROR(400)]") == [400, 0.05]
    many = await _one(db, "RETURN MINHASH(1..100, 8)")
    assert len(many) == 8 and len(set(many)) == 8
    assert await _one(db, 'RETURN MINHASH("x", 2)') is None
    assert await _one(db, "RETURN MINHASH_ERROR(0)") is None


async def test_minhash_analyzer_documented_jaccard(db):
    await db.create_analyzer(
        "minhash5",
        "minhash",
        {
            "analyzer": {"type": "segmentation", "properties": {"break": "alpha", "case": "lower"}},
            "numHashes": 5,
        },
        ["frequency", "norm", "position"],
    )
    await db.create_analyzer("segment", "segmentation", {"break": "alpha", "case": "lower"}, [])
    got = await _one(
        db,
        """LET str1 = "The quick brown fox jumps over the lazy dog."
        LET str2 = "The fox jumps over the crazy dog."
        RETURN {
          approx: JACCARD(TOKENS(str1, "minhash5"), TOKENS(str2, "minhash5")),
          actual: JACCARD(TOKENS(str1, "segment"), TOKENS(str2, "segment"))
        }""",
    )
    assert got == {"approx": 0.42857142857142855, "actual": 0.5555555555555556}
    props = (await db.analyzer("minhash5"))["properties"]
    assert props == {
        "numHashes": 5,
        "analyzer": {"type": "segmentation", "properties": {"case": "lower", "break": "alpha"}},
    }


async def test_minhash_analyzer_validation(db):
    with pytest.raises(AnalyzerCreateError) as exc:
        await db.create_analyzer("bad", "minhash", {"numHashes": 0}, [])
    assert exc.value.error_code == 10 and exc.value.http_code == 400
    await db.create_analyzer("bare", "minhash", {"numHashes": 2}, [])
    assert (await db.analyzer("bare"))["properties"] == {"numHashes": 2, "analyzer": {}}
    assert len(await _one(db, 'RETURN TOKENS("whole input", "bare")')) == 1


async def test_minhash_match_in_search_and_outside(db):
    await db.create_analyzer(
        "mh",
        "minhash",
        {"analyzer": {"type": "segmentation", "properties": {"break": "alpha"}}, "numHashes": 10},
        [],
    )
    col = await db.create_collection("docs")
    await col.insert_many(
        [
            {"_key": "a", "text": "the quick brown fox jumps over the lazy dog"},
            {"_key": "b", "text": "the quick brown fox jumps over the lazy cat"},
            {"_key": "c", "text": "completely different words in this one"},
        ]
    )
    await db.create_view(
        "v", "arangosearch", {"links": {"docs": {"fields": {"text": {"analyzers": ["mh"]}}}}}
    )
    found = await _one(
        db,
        """RETURN (FOR d IN v SEARCH MINHASH_MATCH(d.text, @t, 0.5, "mh")
                  SORT d._key RETURN d._key)""",
        {"t": "the quick brown fox jumps over the lazy dog"},
    )
    assert found == ["a", "b"]
    assert (
        await _one(
            db, 'RETURN MINHASH_MATCH("the quick brown fox", "completely different", 0.5, "mh")'
        )
        is False
    )


def test_signature_keeps_the_smallest_hashes_in_heap_order():
    hashes = [50, 10, 40, 30, 20, 60, 5]
    sig = MH.signature(hashes, 4)
    assert sorted(sig) == [5, 10, 20, 30]
    assert sig[0] == max(sig)  # a max-heap: its root is the largest kept hash
    assert MH.signature([3, 3, 1], 5) == [3, 1]  # duplicates count once, insertion order
    # CityHash64's published value for the empty string
    assert MH.cityhash64(b"") == 0x9AE16A3B2F90404F
    assert MH.xxh64(b"") == 0xEF46DB3751D8E999


async def test_stopwords_path_is_read_per_language(db, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "list.txt").write_text("the  article\nand\n\nof  # comment\n  hound\n")
    (tmp_path / "de").mkdir()
    await db.create_analyzer(
        "files", "text", {"locale": "en_US", "stopwordsPath": str(tmp_path), "stemming": False}, []
    )
    both = {"locale": "en", "stopwordsPath": str(tmp_path), "stopwords": ["fox"]}
    await db.create_analyzer("both", "text", both, [])
    assert await _one(db, 'RETURN TOKENS("The fox and the hound of Baskerville", "files")') == [
        "fox",
        "hound",
        "baskerville",
    ]
    # a line starting with whitespace names no stop word
    assert await _one(db, 'RETURN TOKENS("the fox and the hound", "both")') == ["hound"]
    # an empty language directory gives no stop words; a missing one refuses the analyzer
    await db.create_analyzer("empty", "text", {"locale": "de", "stopwordsPath": str(tmp_path)}, [])
    assert await _one(db, 'RETURN TOKENS("der Hund", "empty")') == ["der", "hund"]
    for props in (
        {"locale": "fr", "stopwordsPath": str(tmp_path)},
        {"locale": "en", "stopwordsPath": str(tmp_path / "missing")},
    ):
        with pytest.raises(AnalyzerCreateError) as exc:
            await db.create_analyzer("refused", "text", props, [])
        assert exc.value.error_code == 10 and "was rejected by analyzer" in exc.value.error_message


async def test_turkish_case_keeps_dotted_and_dotless_i(db):
    await db.create_analyzer("norm_tr", "norm", {"locale": "tr", "case": "lower"}, [])
    await db.create_analyzer("up_tr", "norm", {"locale": "tr_TR", "case": "upper"}, [])
    await db.create_analyzer("norm_en", "norm", {"locale": "en", "case": "lower"}, [])
    assert await _one(db, 'RETURN TOKENS("DİYARBAKIR", "norm_tr")') == ["diyarbakır"]
    assert await _one(db, 'RETURN TOKENS("istanbul ılık", "up_tr")') == ["İSTANBUL ILIK"]
    assert await _one(db, 'RETURN TOKENS("DIYARBAKIR", "norm_en")') == ["diyarbakir"]


async def test_text_properties_as_iresearch_normalises_them(db):
    made = await db.create_analyzer(
        "t",
        "text",
        {
            "locale": "en_us.UTF-8",
            "stopwords": ["the", "and", "the"],
            "edgeNgram": {"min": "x", "max": 4, "preserveOriginal": "yes"},
        },
        [],
    )
    assert made["properties"] == {
        "locale": "en_US",
        "case": "lower",
        "stopwords": ["and", "the"],
        "accent": False,
        "stemming": True,
        "edgeNgram": {"max": 4},
    }
    bare = await db.create_analyzer("bare", "text", {"locale": "de"}, [])
    assert bare["properties"] == {
        "locale": "de",
        "case": "lower",
        "accent": False,
        "stemming": True,
    }
    with pytest.raises(AnalyzerCreateError):
        await db.create_analyzer(
            "bad", "text", {"locale": "en", "edgeNgram": {"min": 5, "max": 2}}, []
        )


async def test_case_comes_before_accent_removal(db):
    """iresearch converts case with the locale first, then strips accents."""
    await db.create_analyzer("tr", "text", {"locale": "tr", "stemming": False}, [])
    assert await _one(db, 'RETURN TOKENS("İSTANBUL Çay", "tr")') == ["istanbul", "cay"]
