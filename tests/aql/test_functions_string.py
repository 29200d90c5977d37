"""AQL string functions, called through the function registry with a recording context."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from pytest_arangomock.aql.functions.string import like, regex_test
from pytest_arangomock.base.errors import ArangoError

from .conftest import RecordingContext, call, ok


def warned(name: str, *args: Any, code: int = 1542) -> None:
    result, warnings = call(name, *args)
    assert result is None
    assert warnings == [code]


def test_concat_skips_nulls_and_stringifies() -> None:
    assert ok("CONCAT", "a", None, 1, True, 2.5) == "a1true2.5"
    assert ok("CONCAT", [1, None, "x", [2], {"k": "v"}]) == '1x[2]{"k":"v"}'
    assert ok("CONCAT", [1], 2) == "[1]2"
    assert ok("CONCAT_SEPARATOR", "-", "a", None, "b") == "a-b"
    assert ok("CONCAT_SEPARATOR", ", ", [1, None, 2]) == "1, 2"
    assert ok("CONCAT_SEPARATOR", None, "a", "b") == "ab"


def test_number_formatting_in_strings() -> None:
    assert ok("CONCAT", 0.1, "|", 1e21, "|", 1.0, "|", -2.5) == "0.1|1e+21|1|-2.5"
    assert ok("CONCAT", 1e-7, "|", 0.000015) == "1e-7|0.000015"


def test_char_length_counts_characters() -> None:
    assert ok("CHAR_LENGTH", "电脑坏了") == 4
    assert ok("CHAR_LENGTH", "🥑") == 1
    assert ok("CHAR_LENGTH", None) == 0
    assert ok("CHAR_LENGTH", True) == 4
    assert ok("CHAR_LENGTH", False) == 5
    assert ok("CHAR_LENGTH", {"foo": "bar"}) == len('{"foo":"bar"}')
    assert ok("CHAR_LENGTH", -1.5) == 4


def test_case_conversion() -> None:
    assert ok("LOWER", "AVOcado") == "avocado"
    assert ok("UPPER", "straße") == "STRASSE"
    assert ok("UPPER", None) == ""


def test_substring_and_left_right() -> None:
    assert ok("SUBSTRING", "Holy Guacamole!", 5) == "Guacamole!"
    assert ok("SUBSTRING", "Holy Guacamole!", 10, 4) == "mole"
    assert ok("SUBSTRING", "Holy Guacamole!", -5, 4) == "mole"
    assert ok("SUBSTRING", "abc", -10) == "abc"
    assert ok("SUBSTRING", "abc", 1, -1) == ""
    assert ok("SUBSTRING", "abc", 7) == ""
    assert ok("SUBSTRING", "🥑ab", 1, 1) == "a"
    assert ok("LEFT", "foobar", 3) == "foo"
    assert ok("LEFT", "foobar", 10) == "foobar"
    assert ok("LEFT", "foobar", -1) == ""
    assert ok("RIGHT", "foobar", 3) == "bar"
    assert ok("RIGHT", "foobar", 10) == "foobar"
    assert ok("RIGHT", "foobar", -2) == ""


def test_substring_bytes() -> None:
    text = "We ❤️ avocado!"
    assert ok("SUBSTRING_BYTES", text, 10) == "avocado!"
    assert ok("SUBSTRING_BYTES", text, 3, 3) == "❤"
    assert ok("SUBSTRING_BYTES", text, -15, 6) == "❤️"
    assert ok("SUBSTRING_BYTES", text, 3, 3, 3, 5) == "We ❤️ avo"
    result, warnings = call("SUBSTRING_BYTES", text, -15, 4)
    assert result is None and len(warnings) == 1


def test_trim_family() -> None:
    assert ok("TRIM", "  foo bar  ") == "foo bar"
    assert ok("TRIM", "  foobar\t \r\n ") == "foobar"
    assert ok("TRIM", "--==[foo-bar]==--", "-=[]") == "foo-bar"
    assert ok("TRIM", "  x  ", 1) == "x  "
    assert ok("TRIM", "  x  ", 2) == "  x"
    assert ok("TRIM", "  x  ", 7) == "x"
    assert ok("LTRIM", "  foo bar  ") == "foo bar  "
    assert ok("RTRIM", "--==[foo-bar]==--", "-=[]") == "--==[foo-bar"


def test_contains_and_find() -> None:
    assert ok("CONTAINS", "foobarbaz", "bar") is True
    assert ok("CONTAINS", "foobarbaz", "horse") is False
    assert ok("CONTAINS", "foobarbaz", "bar", True) == 3
    assert ok("CONTAINS", "foobarbaz", "horse", True) == -1
    assert ok("CONTAINS", "foo", "") is False
    assert ok("FIND_FIRST", "foobarbaz", "ba") == 3
    assert ok("FIND_FIRST", "foobarbaz", "ba", 4) == 6
    assert ok("FIND_FIRST", "foobarbaz", "ba", 0, 3) == -1
    assert ok("FIND_FIRST", "foobarbaz", "", 2) == 2
    assert ok("FIND_FIRST", "foo", "o", -1) == -1
    assert ok("FIND_LAST", "foobarbaz", "ba") == 6
    assert ok("FIND_LAST", "foobarbaz", "ba", 7) == -1
    assert ok("FIND_LAST", "foobarbaz", "ba", 0, 4) == 3
    assert ok("FIND_LAST", "foo", "") == 3
    assert ok("FIND_LAST", "foo", "", 0, 1) == 2


def test_like_wildcards_and_escapes() -> None:
    assert ok("LIKE", "cart", "ca_t") is True
    assert ok("LIKE", "carrot", "ca_t") is False
    assert ok("LIKE", "carrot", "ca%t") is True
    assert ok("LIKE", "foo bar baz", "bar") is False
    assert ok("LIKE", "foo bar baz", "%bar%") is True
    assert ok("LIKE", "FoO bAr BaZ", "fOo%bAz") is False
    assert ok("LIKE", "FoO bAr BaZ", "fOo%bAz", True) is True
    assert like("100%", "100\\%") is True
    assert like("1000", "100\\%") is False
    assert like("a_b", "a\\_b") is True
    assert like("axb", "a\\_b") is False
    assert like("a.b", "a.b") is True
    assert like("axb", "a.b") is False
    assert like("line\nbreak", "line_break") is True
    assert like("a\\b", "a\\\\b") is True


def test_regex_functions() -> None:
    assert ok("REGEX_TEST", "the quick brown fox", "the.*fox") is True
    assert ok("REGEX_TEST", "the quick brown fox", "^(a|the)\\s+(quick|slow).*f.x$") is True
    assert ok("REGEX_TEST", "ABC", "abc") is False
    assert ok("REGEX_TEST", "ABC", "abc", True) is True
    assert ok("REGEX_TEST", "a\nb", "a.b") is False
    assert ok("REGEX_TEST", "ab", "[[:alpha:]]{2}") is True
    assert ok("REGEX_TEST", "é", "\\p{L}") is True
    assert ok("REGEX_TEST", "x", "\\x{78}") is True
    assert ok("REGEX_MATCHES", "My-us3r_n4m3", "^[a-z0-9_-]{3,16}$", True) == ["My-us3r_n4m3"]
    assert ok("REGEX_MATCHES", "#4d82h4", "^#?([a-f0-9]{6}|[a-f0-9]{3})$", True) is None
    assert ok("REGEX_MATCHES", "ab12", "([a-z]+)(x)?(\\d+)") == ["ab12", "ab", "", "12"]
    assert ok("REGEX_REPLACE", "the quick brown fox", "the.*fox", "jumped over") == "jumped over"
    assert ok("REGEX_REPLACE", "An Avocado", "a", "_") == "An Avoc_do"
    assert ok("REGEX_REPLACE", "An Avocado", "a", "_", True) == "_n _voc_do"
    assert ok("REGEX_REPLACE", "john smith", "(\\w+) (\\w+)", "$2, $1") == "smith, john"
    assert ok("REGEX_REPLACE", "cost", "cost", "\\$5") == "$5"


def test_regex_split() -> None:
    assert ok("REGEX_SPLIT", "hypertext language, programming", "[\\s, ]+") == [
        "hypertext",
        "language",
        "programming",
    ]
    assert ok("REGEX_SPLIT", "Capture the article", "(the)") == ["Capture ", "the", " article"]
    assert ok("REGEX_SPLIT", "cA,Bc,A,BcA,BcA,Bc", "a,b", True, 3) == ["c", "c,", "c"]
    assert ok("REGEX_SPLIT", "a,b,", ",") == ["a", "b", ""]
    assert ok("REGEX_SPLIT", "abc", "") == ["a", "b", "c"]
    assert ok("REGEX_SPLIT", "", "x") == [""]
    assert ok("REGEX_SPLIT", "abc", "b", False, -1) is None
    assert ok("REGEX_SPLIT", "abc", "b", False, 0) == []
    warned("REGEX_SPLIT", "abc", "b", False, "2")


@pytest.mark.parametrize("name", ["REGEX_TEST", "REGEX_MATCHES", "REGEX_SPLIT"])
def test_invalid_regex_warns_1543(name: str) -> None:
    result, warnings = call(name, "abc", "(")
    assert result is None
    assert warnings == [1543]


def test_invalid_regex_message_and_operator_helper() -> None:
    ctx = RecordingContext()
    assert regex_test(ctx, "abc", "[", False) is None
    assert ctx.warnings == [(1543, "in function 'REGEX_TEST()': invalid regex value")]
    assert regex_test(RecordingContext(), "abc", "B", True) is True
    warned("REGEX_REPLACE", "abc", "(a", "x", code=1543)


def test_split() -> None:
    assert ok("SPLIT", "foo-bar-baz", "-") == ["foo", "bar", "baz"]
    assert ok("SPLIT", "foo-bar-baz", "-", 1) == ["foo"]
    assert ok("SPLIT", "foo, bar & baz", [", ", " & "]) == ["foo", "bar", "baz"]
    assert ok("SPLIT", "a.b", ".") == ["a", "b"]
    assert ok("SPLIT", "abc", "") == ["a", "b", "c"]
    assert ok("SPLIT", "abc", "", 2) == ["a", "b"]
    assert ok("SPLIT", "", "") == []
    assert ok("SPLIT", "", ",") == [""]
    assert ok("SPLIT", "a,", ",") == ["a", ""]
    assert ok("SPLIT", "abc") == ["abc"]
    assert ok("SPLIT", "abc", ",", -1) is None
    assert ok("SPLIT", "abc", ",", 0) == []
    warned("SPLIT", "abc", {"a": 1})
    warned("SPLIT", "abc", ",", "1")


def test_substitute() -> None:
    text = "the quick brown foxx"
    assert ok("SUBSTITUTE", text, "quick", "lazy") == "the lazy brown foxx"
    assert ok("SUBSTITUTE", text, ["quick", "foxx"], ["slow", "dog"]) == "the slow brown dog"
    assert ok("SUBSTITUTE", text, ["the", "foxx"], ["that", "dog"], 1) == "that quick brown foxx"
    assert ok("SUBSTITUTE", text, ["the", "quick", "foxx"], ["A", "VOID!"]) == "A VOID! brown "
    assert ok("SUBSTITUTE", text, ["quick", "foxx"], "xx") == "the xx brown xx"
    assert ok("SUBSTITUTE", text, {"quick": "", "brown": None, "foxx": "ant"}) == "the   ant"
    assert ok("SUBSTITUTE", text, {"quick": "small", "brown": "slow", "foxx": "ant"}, 2) == (
        "the small slow foxx"
    )
    assert ok("SUBSTITUTE", "aaa", "a", "b", 0) == "aaa"
    assert ok("SUBSTITUTE", "aaa", "aa", "b") == "ba"
    warned("SUBSTITUTE", text, 1, "x")
    warned("SUBSTITUTE", text, ["a", 1], "x")


def test_hashes_and_encodings() -> None:
    assert ok("MD5", "foobar") == hashlib.md5(b"foobar").hexdigest()
    assert ok("SHA1", "") == hashlib.sha1(b"").hexdigest()
    assert ok("SHA256", 1) == hashlib.sha256(b"1").hexdigest()
    assert ok("SHA512", "foobar") == hashlib.sha512(b"foobar").hexdigest()
    assert ok("MD5", None) == hashlib.md5(b"").hexdigest()
    # CRC-32C check value of the standard test vector
    assert ok("CRC32", "123456789") == "E3069283"
    assert ok("FNV64", "foobar") == "85944171F73967E8"
    assert ok("TO_BASE64", "ABC.") == "QUJDLg=="
    assert ok("TO_HEX", "ü") == "c3bc"
    assert ok("ENCODE_URI_COMPONENT", "fünf %") == "f%C3%BCnf%20%25"
    assert ok("ENCODE_URI_COMPONENT", "a-b_c.d!e~f*g'h(i)j/k") == "a-b_c.d!e~f*g'h(i)j%2Fk"
    h = ok("HASH", {"a": 1, "b": [1.0, "x"]})
    assert h == ok("HASH", {"b": [1, "x"], "a": 1})
    assert isinstance(h, int) and 0 <= h < 2**53
    assert ok("HASH", 1) != ok("HASH", "1")


def test_to_char_repeat_random_token() -> None:
    assert ok("TO_CHAR", 216) == "Ø"
    assert ok("TO_CHAR", 0x1F951) == "🥑"
    warned("TO_CHAR", -1)
    warned("TO_CHAR", "65")
    assert ok("REPEAT", "foo", 3) == "foofoofoo"
    assert ok("REPEAT", "foo", 3, " | ") == "foo | foo | foo"
    assert ok("REPEAT", 5, 5) == "55555"
    assert ok("REPEAT", "x", 0) == ""
    warned("REPEAT", "x", -1)
    warned("REPEAT", "x" * 1024, 20000, code=32)
    token = ok("RANDOM_TOKEN", 8)
    assert len(token) == 8 and token.isalnum()
    assert ok("RANDOM_TOKEN", 0) == ""
    with pytest.raises(ArangoError) as exc:
        call("RANDOM_TOKEN", 65537)
    assert exc.value.args[0] == 1542 or getattr(exc.value, "num", None) == 1542


def test_ipv4() -> None:
    assert ok("IPV4_TO_NUMBER", "0.0.0.0") == 0
    assert ok("IPV4_TO_NUMBER", "127.0.0.1") == 2130706433
    assert ok("IPV4_TO_NUMBER", "192.168.0.1") == 3232235521
    warned("IPV4_TO_NUMBER", "milk")
    warned("IPV4_TO_NUMBER", "01.2.3.4")
    warned("IPV4_TO_NUMBER", "256.1.1.1")
    assert ok("IPV4_FROM_NUMBER", 134744072) == "8.8.8.8"
    assert ok("IPV4_FROM_NUMBER", 4294967295) == "255.255.255.255"
    warned("IPV4_FROM_NUMBER", -23)
    warned("IPV4_FROM_NUMBER", 4294967296)
    warned("IPV4_FROM_NUMBER", "1")


def test_fuzzy_matching() -> None:
    assert [ok("SOUNDEX", w) for w in ("example", "ekzampul", "soundex", "sounteks")] == [
        "E251",
        "E251",
        "S532",
        "S532",
    ]
    assert ok("SOUNDEX", "Ashcraft") == "A261"
    assert ok("SOUNDEX", "") == ""
    assert ok("LEVENSHTEIN_DISTANCE", "foobar", "bar") == 3
    assert ok("LEVENSHTEIN_DISTANCE", " ", "") == 1
    assert ok("LEVENSHTEIN_DISTANCE", "ab", "ba") == 1
    assert ok("LEVENSHTEIN_DISTANCE", "der mötör trötet", "der trötet") == 6
    assert ok("LEVENSHTEIN_MATCH", "quik", "quick", 1) is True
    assert ok("LEVENSHTEIN_MATCH", "qiuck", "quick", 1, False) is False
    warned("LEVENSHTEIN_MATCH", "a", "b", 5)
    values = [
        ok("NGRAM_POSITIONAL_SIMILARITY", "quick fox", "quick foxx", 2),
        ok("NGRAM_POSITIONAL_SIMILARITY", "quick fox", "quirky fox", 2),
        ok("NGRAM_SIMILARITY", "quick fox", "quick foxx", 2),
    ]
    assert values[0] == pytest.approx(8 / 9, rel=1e-6)
    assert values[1] == pytest.approx(6.5 / 9, rel=1e-6)
    assert values[2] == pytest.approx(8 / 9, rel=1e-6)
    warned("NGRAM_SIMILARITY", "a", "b", 0)


def test_in_range() -> None:
    assert ok("IN_RANGE", 3, 1, 5, True, True) is True
    assert ok("IN_RANGE", 5, 1, 5, True, False) is False
    assert ok("IN_RANGE", "b", "a", "c", False, False) is True
    assert ok("IN_RANGE", 1, 1, 5, False, True) is False
    warned("IN_RANGE", 1, 1, 5, 1, True)


def test_starts_with() -> None:
    assert ok("STARTS_WITH", "foobar", "foo") is True
    assert ok("STARTS_WITH", "foobar", "baz") is False
    assert ok("STARTS_WITH", "foobar", ["bar", "foo"]) is True
    assert ok("STARTS_WITH", "foobar", ["bar", "baz"]) is False
    assert ok("STARTS_WITH", "foobar", ["f", "fo", "x"], 2) is True
    assert ok("STARTS_WITH", "foobar", ["f", "x"], 2) is False
    assert ok("STARTS_WITH", 123, "1") is False


def test_arrays_stringify_numbers_like_arangodb() -> None:
    assert ok("TO_STRING", [1.0, 0.000001, 1e21]) == "[1,0.000001,1e+21]"


def test_partition() -> None:
    assert ok("PARTITION", "a:b:c", ":") == ["a", ":", "b:c"]
    assert ok("PARTITION", "a:b:c", ":", 2) == ["a:b", ":", "c"]
    assert ok("PARTITION", "a:b:c", ":", -1) == ["a:b", ":", "c"]
    assert ok("PARTITION", "a:b:c", ":", -2) == ["a", ":", "b:c"]
    assert ok("PARTITION", "a-b", "-", 3) == ["a-b", "", ""]
    assert ok("PARTITION", "a-b", "-", -3) == ["", "", "a-b"]
    assert ok("PARTITION", "x::y", "::") == ["x", "::", "y"]
