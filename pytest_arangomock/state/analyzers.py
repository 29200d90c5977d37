"""ArangoSearch analyzers: definitions per database, property normalization, tokenisation.

Built-in analyzers (``identity``, ``text_<locale>``) are server-wide and unprefixed; custom
ones live in their database (``Database.analyzers``) and are named ``db::name``.
Tokenisation follows each type's documented behaviour; ``text`` and ``stem`` stem with the
Snowball algorithm of the locale's language (``stemming.py``) and ``minhash`` builds ArangoDB's
signature (``minhash.py``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from ..base.values import to_string
from . import minhash as MH
from .runtime import require_aql
from .stemming import language, stem, stopword_files

if TYPE_CHECKING:
    from .model import Database

FEATURE_ORDER = ("frequency", "position", "offset", "norm")
TEXT_LOCALES = ("de", "en", "es", "fi", "fr", "it", "nl", "no", "pt", "ru", "sv", "zh")
# the order a 3.12 server lists its static analyzers in (a hash map's order)
STATIC_ORDER = ("es", "nl", "", "de", "no", "pt", "ru", "en", "it", "fi", "sv", "zh", "fr")
TYPES = (
    "identity",
    "delimiter",
    "multi_delimiter",
    "stem",
    "norm",
    "ngram",
    "text",
    "aql",
    "pipeline",
    "stopwords",
    "collation",
    "segmentation",
    "wildcard",
    "minhash",
    "classification",
    "nearest_neighbors",
    "geojson",
    "geopoint",
    "geo_s2",
)
_FORM = (
    "expecting body to be of the form { name: <string>, type: <string>[, "
    "properties: <object>[, features: <string-array>]] }"
)


@dataclass
class Analyzer:
    """One analyzer definition; ``name`` is the short name, ``database`` None for built-ins."""

    name: str
    type: str
    properties: dict[str, Any]
    features: list[str]
    database: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return self.name if self.database is None else f"{self.database}::{self.name}"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.full_name,
            "type": self.type,
            "properties": self.properties,
            "features": list(self.features),
        }


def _text_props(locale: str, **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "locale": locale,
        "case": "lower",
        "stopwords": [],
        "accent": False,
        "stemming": locale != "zh",
    }
    props.update(extra)
    return props


def _static() -> dict[str, Analyzer]:
    out: dict[str, Analyzer] = {}
    for loc in STATIC_ORDER:
        if loc:
            name = f"text_{loc}"
            out[name] = Analyzer(name, "text", _text_props(loc), ["frequency", "position", "norm"])
        else:
            out["identity"] = Analyzer("identity", "identity", {}, ["frequency", "norm"])
    return out


STATIC: dict[str, Analyzer] = _static()


# ----------------------------------------------------------------- names and lookup
def registry(db: Database) -> dict[str, Analyzer]:
    """The custom analyzers of ``db`` by short name."""
    return db.analyzers


def split_name(name: str) -> tuple[str | None, str]:
    """``db::name`` -> (db, name); ``::name`` -> ("", name); ``name`` -> (None, name)."""
    if "::" in name:
        prefix, _, short = name.partition("::")
        return prefix, short
    return None, name


def normalize_name(name: str, db_name: str) -> str:
    """The full name ArangoDB reports for ``name`` used from database ``db_name``."""
    prefix, short = split_name(name)
    if prefix is None:
        return short if short in STATIC else f"{db_name}::{short}"
    return f"{prefix or '_system'}::{short}"


def display_name(full: str, db_name: str) -> str:
    """How a view link shows an analyzer: short for its own database, ``::x`` for _system."""
    prefix, short = split_name(full)
    if prefix is None:
        return short
    if prefix == db_name:
        return short
    return f"::{short}" if prefix == "_system" else full


def lookup(db: Database, name: str) -> Analyzer | None:
    """The analyzer ``name`` as seen from ``db`` (its own, _system's or a static one)."""
    prefix, short = split_name(name)
    if prefix is None:
        if short in STATIC:
            return STATIC[short]
        return registry(db).get(short)
    target = prefix or "_system"
    if target not in (db.name, "_system"):
        return None
    other = db.server.databases.get(target)
    return registry(other).get(short) if other is not None else None


def require(db: Database, name: Any) -> Analyzer:
    """An analyzer or ArangoError 1202 (AQL and view links report unknown analyzers so)."""
    found = lookup(db, name) if isinstance(name, str) else None
    if found is None:
        raise ArangoError(1202, f"analyzer '{name}' not found", 404)
    return found


def listed(db: Database) -> list[Analyzer]:
    """GET /_api/analyzer: static ones, then the database's, then _system's."""
    out = list(STATIC.values()) + list(registry(db).values())
    if db.name != "_system":
        system = db.server.databases.get("_system")
        if system is not None:
            out.extend(registry(system).values())
    return out


# ----------------------------------------------------------------- creation
def _bad(message: str) -> ArangoError:
    return ArangoError(10, message, 400)


def valid_name(name: str) -> bool:
    """Analyzer names follow the (traditional) collection name rules, no leading '_'."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]{0,253}", name))


def normalize_features(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(f"invalid 'features', {_FORM}")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            raise _bad(f"invalid value in 'features', {_FORM}")
        if item not in FEATURE_ORDER:
            raise _bad(f"unknown value in 'features', {_FORM}")
        seen.add(item)
    if "position" in seen and "frequency" not in seen:
        raise _bad("missing feature 'frequency' required when 'position' feature is specified")
    if "offset" in seen and "position" not in seen:
        raise _bad("missing feature 'position' required when 'offset' feature is specified")
    return [f for f in FEATURE_ORDER if f in seen]


class _Rejected(Exception):
    """Properties an analyzer type does not accept."""


def _str(props: dict[str, Any], key: str, default: str | None = None) -> str:
    value = props.get(key, default)
    if not isinstance(value, str):
        raise _Rejected(key)
    return value


def _bool(props: dict[str, Any], key: str, default: bool) -> bool:
    value = props.get(key, default)
    if not isinstance(value, bool):
        raise _Rejected(key)
    return value


def _int(props: dict[str, Any], key: str, default: int | None = None) -> int:
    value = props.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise _Rejected(key)
    return int(value)


def _choice(props: dict[str, Any], key: str, default: str, choices: tuple[str, ...]) -> str:
    value = _str(props, key, default)
    if value not in choices:
        raise _Rejected(key)
    return value


def _locale(props: dict[str, Any]) -> str:
    """ICU's base name: no encoding or keywords, language lower, script title, rest upper."""
    value = _str(props, "locale")
    base = value.split(".", 1)[0].split("@", 1)[0]
    if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{0,8})*", base):
        raise _Rejected("locale")
    parts = base.replace("-", "_").split("_")
    shown = [parts[0].lower()]
    for part in parts[1:]:
        is_script = len(part) == 4 and part.isalpha() and len(shown) == 1
        shown.append(part.title() if is_script else part.upper())
    return "_".join(shown)


def _edge_ngram(value: Any) -> dict[str, Any]:
    """Only what was set validly is kept (iresearch ignores a non-number ``min``, say);
    ``min`` above ``max`` is the one refusal."""
    if not isinstance(value, dict):
        raise _Rejected("edgeNgram")
    out: dict[str, Any] = {}
    for key in ("min", "max"):
        number = value.get(key)
        if (
            isinstance(number, (int, float))
            and not isinstance(number, bool)
            and number >= 0
            and int(number) == number
        ):
            out[key] = int(number)
    if isinstance(value.get("preserveOriginal"), bool):
        out["preserveOriginal"] = value["preserveOriginal"]
    if "min" in out and "max" in out and out["min"] > out["max"]:
        raise _Rejected("edgeNgram")
    return out


def _normalize_props(db: Database, atype: str, props: dict[str, Any]) -> dict[str, Any]:
    """The properties as ArangoDB reports them after creation (defaults filled in)."""
    if atype == "identity":
        return {}
    if atype == "delimiter":
        return {"delimiter": _str(props, "delimiter")}
    if atype == "multi_delimiter":
        delims = props.get("delimiters")
        if not isinstance(delims, list) or not all(isinstance(d, str) for d in delims):
            raise _Rejected("delimiters")
        return {"delimiters": list(delims)}
    if atype == "stem":
        return {"locale": _locale(props)}
    if atype == "norm":
        return {
            "locale": _locale(props),
            "case": _choice(props, "case", "none", ("lower", "upper", "none")),
            "accent": _bool(props, "accent", True),
        }
    if atype == "ngram":
        lo, hi = _int(props, "min"), _int(props, "max")
        if lo < 1 or hi < lo:
            raise _Rejected("min")
        return {
            "min": lo,
            "max": hi,
            "preserveOriginal": _bool(props, "preserveOriginal", False),
            "streamType": _choice(props, "streamType", "binary", ("binary", "utf8")),
            "startMarker": _str(props, "startMarker", ""),
            "endMarker": _str(props, "endMarker", ""),
        }
    if atype == "text":
        # iresearch's make_vpack_config order; stop words sorted, listed only when given
        out: dict[str, Any] = {
            "locale": _locale(props),
            "case": _choice(props, "case", "lower", ("lower", "upper", "none")),
        }
        if "stopwords" in props:
            words = props["stopwords"]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise _Rejected("stopwords")
            out["stopwords"] = sorted(set(words), key=lambda w: w.encode("utf-8"))
        out["accent"] = _bool(props, "accent", False)
        out["stemming"] = _bool(props, "stemming", True)
        if "stopwordsPath" in props:
            out["stopwordsPath"] = _str(props, "stopwordsPath")
            if stopword_files(out["stopwordsPath"], out["locale"]) is None:
                raise _Rejected("stopwordsPath")
        if "edgeNgram" in props:
            edge = _edge_ngram(props["edgeNgram"])
            if edge:
                out["edgeNgram"] = edge
        return out
    if atype == "stopwords":
        words = props.get("stopwords")
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise _Rejected("stopwords")
        hexed = _bool(props, "hex", False)
        if hexed:
            try:
                [bytes.fromhex(w) for w in words]
            except ValueError:
                raise _Rejected("stopwords") from None
        return {"stopwords": list(words), "hex": hexed}
    if atype == "collation":
        return {"locale": _locale(props)}
    if atype == "segmentation":
        return {
            "case": _choice(props, "case", "lower", ("lower", "upper", "none")),
            "break": _choice(props, "break", "alpha", ("all", "alpha", "graphic")),
        }
    if atype == "aql":
        query = _str(props, "queryString")
        if not query.strip():
            raise _Rejected("queryString")
        return {
            "queryString": query,
            "collapsePositions": _bool(props, "collapsePositions", False),
            "keepNull": _bool(props, "keepNull", True),
            "batchSize": _int(props, "batchSize", 10),
            "memoryLimit": _int(props, "memoryLimit", 1048576),
            "returnType": _choice(props, "returnType", "string", ("string", "number", "bool")),
        }
    if atype == "pipeline":
        parts = props.get("pipeline")
        if not isinstance(parts, list) or not parts:
            raise _Rejected("pipeline")
        out_parts = []
        for part in parts:
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise _Rejected("pipeline")
            ptype = part["type"]
            if ptype not in TYPES or ptype in ("pipeline", "geojson", "geopoint", "geo_s2"):
                raise _Rejected("pipeline")
            sub = part.get("properties", {})
            if not isinstance(sub, dict):
                raise _Rejected("pipeline")
            out_parts.append({"type": ptype, "properties": _normalize_props(db, ptype, sub)})
        return {"pipeline": out_parts}
    if atype == "wildcard":
        return {"ngramSize": _int(props, "ngramSize"), **_analyzer_part(db, props)}
    if atype == "minhash":
        hashes = _int(props, "numHashes")
        if hashes < 1:
            raise _Rejected("numHashes")
        return {"numHashes": hashes, "analyzer": _analyzer_part(db, props).get("analyzer", {})}
    if atype in ("geojson", "geo_s2"):
        out = {
            "type": _choice(props, "type", "shape", ("shape", "centroid", "point")),
            "options": {"maxCells": 20, "minLevel": 4, "maxLevel": 23},
            "legacy": _bool(props, "legacy", False),
        }
        if isinstance(props.get("options"), dict):
            out["options"].update(props["options"])
        if atype == "geo_s2":
            out["format"] = _choice(
                props, "format", "latLngDouble", ("latLngDouble", "latLngInt", "s2Point")
            )
        return out
    if atype == "geopoint":
        out = {"options": {"maxCells": 20, "minLevel": 4, "maxLevel": 23}}
        if isinstance(props.get("options"), dict):
            out["options"].update(props["options"])
        for key in ("latitude", "longitude"):
            path = props.get(key, [])
            if not isinstance(path, list) or not all(isinstance(p, str) for p in path):
                raise _Rejected(key)
            out[key] = list(path)
        return out
    # classification / nearest_neighbors need model files: accept what was given
    return dict(props)


def _analyzer_part(db: Database, props: dict[str, Any]) -> dict[str, Any]:
    sub = props.get("analyzer")
    if sub is None:
        return {}
    if (
        not isinstance(sub, dict)
        or not isinstance(sub.get("type"), str)
        or sub["type"] not in TYPES
    ):
        raise _Rejected("analyzer")
    inner = sub.get("properties", {})
    if not isinstance(inner, dict):
        raise _Rejected("analyzer")
    return {
        "analyzer": {"type": sub["type"], "properties": _normalize_props(db, sub["type"], inner)}
    }


def create(db: Database, body: Any) -> tuple[Analyzer, bool]:
    """Validate a POST /_api/analyzer body and register it; (analyzer, newly_created)."""
    if isinstance(body, dict) and not body:
        raise ArangoError(600, "corrupted JSON", 400)
    if not isinstance(body, dict):
        raise _bad(_FORM)
    name = body.get("name")
    if not isinstance(name, str):
        raise _bad(f"invalid 'name', {_FORM}")
    prefix, short = split_name(name)
    if prefix is not None and (prefix or "_system") != db.name:
        raise ArangoError(11, "Database in analyzer name does not match current database", 403)
    if not valid_name(short):
        raise _bad(f"invalid characters in analyzer name '{short}'")
    atype = body.get("type")
    if not isinstance(atype, str):
        raise _bad(f"invalid 'type', {_FORM}")
    props = body.get("properties")
    raw_props = props
    if isinstance(props, str):
        try:
            props = json.loads(props)
        except ValueError:
            props = None
    if props is not None and not isinstance(props, dict):
        raise _bad(
            "invalid 'properties', expecting body to be of the form { name: <string>, "
            "type: <string>[, properties: <object>[, features: <string-array>]] }"
        )
    features = normalize_features(body.get("features"))
    if atype not in TYPES:
        raise ArangoError(9, f"Not implemented analyzer type '{atype}'.", 501)
    full = f"{db.name}::{short}"
    try:
        normalized = _normalize_props(db, atype, props if props is not None else {})
    except _Rejected:
        shown = (
            " Init without properties"
            if raw_props is None
            else f" Properties '{_vpack_text(props)}'"
        )
        raise _bad(
            f"Failure initializing an arangosearch analyzer instance for name '{full}' type "
            f"'{atype}'.{shown} was rejected by analyzer. Please check documentation for "
            "corresponding analyzer type."
        ) from None
    reg = registry(db)
    existing = reg.get(short)
    if existing is not None:
        if (
            existing.type == atype
            and existing.properties == normalized
            and existing.features == features
        ):
            return existing, False
        raise _bad(
            "Name collision detected while registering an arangosearch analyzer.\n"
            f"Current definition is:\n{{\n  name:'{full}'\n  type: '{atype}'\n"
            + (f"  properties:'{_vpack_text(props)}'\n" if props is not None else "")
            + "  features: [\n"
            + ",".join(f"    '{f}'\n" for f in features)
            + "  ]\n}\nPrevious definition was:\n"
            + _vpack_text(existing.describe())
        )
    analyzer = Analyzer(short, atype, normalized, features, db.name)
    reg[short] = analyzer
    return analyzer, True


def _vpack_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def remove(db: Database, name: str, force: bool, in_use: bool) -> str:
    """Remove a custom analyzer; returns its full name. 403 built-in, 404 unknown, 409 in use."""
    prefix, short = split_name(name)
    if not valid_name(short):
        raise _bad(f"Invalid characters in analyzer name '{short}'.")
    if prefix is not None and (prefix or "_system") != db.name:
        raise ArangoError(11, "Database in analyzer name does not match current database", 403)
    full = normalize_name(name, db.name)
    if prefix is None and short in STATIC:
        raise ArangoError(11, "built-in analyzers cannot be removed", 403)
    reg = registry(db)
    if short not in reg:
        raise ArangoError(
            1202, f"failure to find analyzer while removing arangosearch analyzer '{full}'", 404
        )
    if in_use and not force:
        raise ArangoError(
            1200, f"analyzer in-use while removing arangosearch analyzer '{full}'", 409
        )
    del reg[short]
    return full


# ----------------------------------------------------------------- tokenisation
def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


_DOTTED_I = ("tr", "az")  # ICU's Turkic case mapping: I <-> ı, İ <-> i


def _apply_case(text: str, case: str, locale: str = "") -> str:
    """ICU-style case conversion; Turkish and Azeri keep the dotted and dotless i apart."""
    turkic = language(locale) in _DOTTED_I
    if case == "lower":
        if turkic:
            text = text.replace("I", "ı").replace("İ", "i")
        return text.lower()
    if case == "upper":
        if turkic:
            text = text.replace("i", "İ").replace("ı", "I")
        return text.upper()
    return text


_WORD = re.compile(r"\w+(?:['’.]\w+)*", re.UNICODE)


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(text)]


def _ngrams(text: str, props: dict[str, Any]) -> list[str]:
    lo, hi = props["min"], props["max"]
    start, end = props.get("startMarker", ""), props.get("endMarker", "")
    binary = props.get("streamType", "binary") == "binary"
    units: list[Any] = list(text.encode("utf-8")) if binary else list(text)

    def join(part: list[Any]) -> str:
        return bytes(part).decode("utf-8", "replace") if binary else "".join(part)

    out: list[str] = []
    n_units = len(units)
    original_done = False
    for i in range(n_units):
        for n in range(lo, hi + 1):
            if i + n > n_units:
                break
            gram = join(units[i : i + n])
            out.append((start if i == 0 else "") + gram + (end if i + n == n_units else ""))
        if i == 0 and props.get("preserveOriginal") and n_units > hi:
            out.append(start + text)
            if end:
                out.append(text + end)
            original_done = True
    if props.get("preserveOriginal") and not original_done and n_units < lo:
        out.append(start + text + end)
    return out


def tokenize_string(db: Database | None, atype: str, props: dict[str, Any], text: str) -> list[str]:
    """The tokens an analyzer of ``atype`` with ``props`` produces for ``text``."""
    if atype in ("identity", "collation"):
        return [text]
    if atype == "delimiter":
        delim = props.get("delimiter", "")
        return [text] if not delim else [t for t in text.split(delim) if t != ""]
    if atype == "multi_delimiter":
        delims = [d for d in props.get("delimiters", []) if d]
        if not delims:
            return [text]
        pattern = "|".join(re.escape(d) for d in sorted(delims, key=len, reverse=True))
        return [t for t in re.split(pattern, text) if t != ""]
    if atype == "stem":
        return [stem(text, props.get("locale", ""))]
    if atype == "norm":
        value = _apply_case(text, props.get("case", "none"), str(props.get("locale", "")))
        return [value if props.get("accent", True) else _strip_accents(value)]
    if atype == "ngram":
        return _ngrams(text, props)
    if atype == "segmentation":
        mode = props.get("break", "alpha")
        if mode == "all":
            parts = re.findall(r"\w+|\S|\s+", text)
        elif mode == "graphic":
            parts = re.findall(r"\w+|\S", text)
        else:
            parts = _words(text)
        return [_apply_case(p, props.get("case", "lower")) for p in parts]
    if atype == "text":
        return _text_tokens(text, props)
    if atype == "stopwords":
        words = set(props.get("stopwords", []))
        if props.get("hex"):
            words = {bytes.fromhex(w).decode("utf-8", "replace") for w in words}
        return [] if text in words else [text]
    if atype == "pipeline":
        tokens = [text]
        for part in props.get("pipeline", []):
            tokens = [
                t
                for tok in tokens
                for t in tokenize_string(db, part["type"], part["properties"], tok)
            ]
        return tokens
    if atype == "aql":
        return _aql_tokens(db, props, text)
    if atype in ("wildcard", "minhash"):
        sub = props.get("analyzer")
        terms = [text]
        if isinstance(sub, dict) and sub.get("type"):
            terms = tokenize_string(db, sub["type"], sub.get("properties", {}), text)
        if atype == "minhash":
            return MH.tokens(terms, int(props.get("numHashes", 1)))
        return terms
    return [text]


def _text_tokens(text: str, props: dict[str, Any]) -> list[str]:
    """Words, then case (by locale), accent removal, stop words (compared as given), stemming,
    edge n-grams: iresearch's ``process_term`` order (the docs list accents before case)."""
    case = props.get("case", "lower")
    stopwords = set(props.get("stopwords", []))
    if "stopwordsPath" in props:
        stopwords |= stopword_files(props["stopwordsPath"], str(props.get("locale", ""))) or set()
    locale = str(props.get("locale", ""))
    edge = props.get("edgeNgram")
    out: list[str] = []
    for word in _words(text):
        token = _apply_case(unicodedata.normalize("NFC", word), case, locale)
        if not props.get("accent", False):
            token = _strip_accents(token)
        if token in stopwords:
            continue
        if props.get("stemming", True):
            token = stem(token, locale)
        if isinstance(edge, dict):
            lo = edge.get("min", 1)
            hi = edge.get("max", len(token))
            grams = [token[:n] for n in range(lo, min(hi, len(token)) + 1)]
            if edge.get("preserveOriginal") and token not in grams:
                grams.append(token)
            out.extend(grams)
        else:
            out.append(token)
    return out


def _aql_tokens(db: Database | None, props: dict[str, Any], text: str) -> list[str]:
    """Run the analyzer's query with ``@param`` bound to the input (as ArangoDB does)."""
    if db is None:
        return []
    aql = require_aql(db.server.aql, "an aql analyzer")
    rows = aql.execute(db, props["queryString"], {"param": text}, {}).rows
    out: list[str] = []
    for row in rows:
        values = row if isinstance(row, list) else [row]
        for value in values:
            if value is None and not props.get("keepNull", True):
                continue
            out.append(to_string(value) if value is not None else "")
    return out


def tokenize(db: Database | None, analyzer: Analyzer, text: str) -> list[str]:
    """``tokenize(analyzer, text)``: the terms ``analyzer`` indexes for the string ``text``."""
    return tokenize_string(db, analyzer.type, analyzer.properties, text)
