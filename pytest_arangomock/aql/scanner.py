"""AQL scanner: query text to lark tokens, the way ArangoDB's flex lexer (tokens.ll) reads it.

Keywords are case-insensitive; positions are (line, byte column, byte offset) as ArangoDB
reports them. ALL/ANY/NONE/AT LEAST before a comparison become level-specific quantifier
tokens so the LALR grammar needs no precedence declarations for them.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token

from . import ast as A

KEYWORDS = frozenset(
    [
        "FOR",
        "LET",
        "FILTER",
        "RETURN",
        "COLLECT",
        "SORT",
        "LIMIT",
        "WINDOW",
        "DISTINCT",
        "AGGREGATE",
        "ASC",
        "DESC",
        "NOT",
        "AND",
        "OR",
        "IN",
        "INTO",
        "WITH",
        "REMOVE",
        "INSERT",
        "UPDATE",
        "REPLACE",
        "UPSERT",
        "GRAPH",
        "SHORTEST_PATH",
        "K_SHORTEST_PATHS",
        "K_PATHS",
        "ALL_SHORTEST_PATHS",
        "OUTBOUND",
        "INBOUND",
        "ANY",
        "ALL",
        "NONE",
        "LIKE",
        "NULL",
        "TRUE",
        "FALSE",
    ]
)

# bison's "nice" token names, in grammar.y's declaration order (the order of "expecting" lists)
NICE: dict[str, str] = {
    "FOR": "FOR declaration",
    "LET": "LET declaration",
    "FILTER": "FILTER declaration",
    "RETURN": "RETURN declaration",
    "COLLECT": "COLLECT declaration",
    "SORT": "SORT declaration",
    "LIMIT": "LIMIT declaration",
    "WINDOW": "WINDOW declaration",
    "ASC": "ASC keyword",
    "DESC": "DESC keyword",
    "IN": "IN keyword",
    "WITH": "WITH keyword",
    "INTO": "INTO keyword",
    "AGGREGATE": "AGGREGATE keyword",
    "GRAPH": "GRAPH keyword",
    "SHORTEST_PATH": "SHORTEST_PATH keyword",
    "K_SHORTEST_PATHS": "K_SHORTEST_PATHS keyword",
    "K_PATHS": "K_PATHS keyword",
    "ALL_SHORTEST_PATHS": "ALL_SHORTEST_PATHS keyword",
    "DISTINCT": "DISTINCT modifier",
    "REMOVE": "REMOVE command",
    "INSERT": "INSERT command",
    "UPDATE": "UPDATE command",
    "REPLACE": "REPLACE command",
    "UPSERT": "UPSERT command",
    "NULL": "null",
    "TRUE": "true",
    "FALSE": "false",
    "NAME": "identifier",
    "QSTRING": "quoted string",
    "INT": "integer number",
    "DOUBLE": "number",
    "PARAM": "bind parameter",
    "DSPARAM": "bind data source parameter",
    "ASSIGN": "assignment",
    "NOT": "not operator",
    "AND": "and operator",
    "OR": "or operator",
    "NOT_IN": "not in operator",
    "REGEX_MATCH": "~= operator",
    "REGEX_NON_MATCH": "~! operator",
    "EQ": "== operator",
    "NE": "!= operator",
    "LT": "< operator",
    "GT": "> operator",
    "LE": "<= operator",
    "GE": ">= operator",
    "LIKE": "like operator",
    "PLUS": "+ operator",
    "MINUS": "- operator",
    "TIMES": "* operator",
    "DIV": "/ operator",
    "MOD": "% operator",
    "QUESTION": "?",
    "COLON": ":",
    "SCOPE": "::",
    "RANGE": "..",
    "COMMA": ",",
    "LPAR": "(",
    "RPAR": ")",
    "LBRACE": "{",
    "RBRACE": "}",
    "LBRACK": "[",
    "RBRACK": "]",
    "$END": "end of query string",
    "OUTBOUND": "outbound modifier",
    "INBOUND": "inbound modifier",
    "ANY": "any modifier",
    "ALL": "all modifier",
    "NONE": "none modifier",
    "AT_LEAST": "at least modifier",
    "DOT": "'.'",
    "SPREAD": "...",
}

_PUNCT = [
    ("=~", "REGEX_MATCH"),
    ("!~", "REGEX_NON_MATCH"),
    ("==", "EQ"),
    ("!=", "NE"),
    (">=", "GE"),
    ("<=", "LE"),
    ("&&", "AND"),
    ("||", "OR"),
    ("::", "SCOPE"),
    ("...", "SPREAD"),
    ("..", "RANGE"),
    (">", "GT"),
    ("<", "LT"),
    ("=", "ASSIGN"),
    ("!", "NOT"),
    ("+", "PLUS"),
    ("-", "MINUS"),
    ("*", "TIMES"),
    ("/", "DIV"),
    ("%", "MOD"),
    ("?", "QUESTION"),
    (":", "COLON"),
    (",", "COMMA"),
    ("(", "LPAR"),
    (")", "RPAR"),
    ("{", "LBRACE"),
    ("}", "RBRACE"),
    ("[", "LBRACK"),
    ("]", "RBRACK"),
    (".", "DOT"),
]
_EQ_OPS = frozenset(("EQ", "NE"))
_IN_OPS = frozenset(("IN", "NOT_IN"))
_CMP_OPS = frozenset(("LT", "GT", "LE", "GE"))

_IDENT = re.compile(r"(?:\$?|_+)[a-zA-Z]+[_a-zA-Z0-9]*")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F]+|0[bB][01]+|(?:(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
)
_PARAM = re.compile(r"@@?(?:_+[a-zA-Z0-9]+[a-zA-Z0-9_]*|[a-zA-Z0-9][a-zA-Z0-9_]*)")
_NOT_IN = re.compile(r"[ \t\r\n]+[iI][nN](?![_a-zA-Z0-9])")
_BANG_IN = re.compile(r"[ \t\r\n]*[iI][nN](?![_a-zA-Z0-9])")
_AT_LEAST = re.compile(r"[aA][tT][ \t\r\n]+[lL][eE][aA][sS][tT](?![_a-zA-Z0-9])")
_WS = re.compile(r"[ \t\r\n]+")


class ParseError(Exception):
    """Raised by the scanner and the AST builder; the parser reports it as ArangoError 1501
    with the query near ``pos``."""

    def __init__(self, message: str, pos: A.Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def decode_escapes(raw: str) -> str:
    """Decode backslash escapes the way ArangoDB's registerEscapedString does."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = raw[i + 1]
        i += 2
        if e == "b":
            out.append("\b")
        elif e == "f":
            out.append("\f")
        elif e == "n":
            out.append("\n")
        elif e == "r":
            out.append("\r")
        elif e == "t":
            out.append("\t")
        elif e == "u" and i + 4 <= n and all(h in "0123456789abcdefABCDEF" for h in raw[i : i + 4]):
            code = int(raw[i : i + 4], 16)
            i += 4
            if 0xD800 <= code < 0xDC00 and raw[i : i + 2] == "\\u" and i + 6 <= n:
                try:
                    low = int(raw[i + 2 : i + 6], 16)
                except ValueError:
                    low = 0
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
            out.append(chr(code) if not 0xD800 <= code < 0xE000 else "\ufffd")
        else:
            out.append(e)
    return "".join(out)


class Scanner:
    """Turns query text into tokens with (line, byte column, byte offset) positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line = 1
        self.col = 0  # bytes since line start
        self.off = 0  # bytes since start
        # number literals past a double's range: ArangoDB's lexer makes them null and
        # registers warning 1504 "number out of range" for each
        self.out_of_range = 0

    def advance(self, n: int) -> None:
        chunk = self.text[self.i : self.i + n]
        self.i += n
        nl = chunk.rfind("\n")
        width = len(chunk.encode("utf-8")) if not chunk.isascii() else len(chunk)
        self.off += width
        if nl >= 0:
            self.line += chunk.count("\n")
            tail = chunk[nl + 1 :]
            self.col = len(tail.encode("utf-8"))
        else:
            self.col += width

    def pos(self) -> A.Pos:
        return (self.line, self.col, self.off)

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text = self.text
        n = len(text)
        while self.i < n:
            c = text[self.i]
            if c in " \t\r\n":
                m = _WS.match(text, self.i)
                assert m
                self.advance(m.end() - self.i)
                continue
            start = self.pos()
            if text.startswith("//", self.i):
                end = text.find("\n", self.i)
                self.advance((n if end < 0 else end) - self.i)
                continue
            if text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise ParseError("unexpected unterminated multi-line comment", start)
                self.advance(end + 2 - self.i)
                continue
            if c in "\"'`\u00b4":
                j = self.i + 1
                while j < n and text[j] != c:
                    j += 2 if text[j] == "\\" else 1
                if j >= n:
                    what = "string literal" if c in "\"'" else "quoted name"
                    raise ParseError(f"unexpected unterminated {what}", start)
                value = decode_escapes(text[self.i + 1 : j])
                self.advance(j + 1 - self.i)
                out.append(self._tok("QSTRING" if c in "\"'" else "NAME", value, start))
                continue
            if c.isascii() and (c.isalpha() or c in "_$"):
                m = _AT_LEAST.match(text, self.i)
                if m:
                    self.advance(m.end() - self.i)
                    out.append(self._tok("AT_LEAST", m.group(0), start))
                    continue
                m = _IDENT.match(text, self.i)
                if m:
                    word = m.group(0)
                    upper = word.upper()
                    self.advance(len(word))
                    if upper == "NOT":
                        m2 = _NOT_IN.match(text, self.i)
                        if m2:
                            self.advance(m2.end() - self.i)
                            out.append(self._tok("NOT_IN", "NOT IN", start))
                            continue
                    if upper in KEYWORDS and not (out and out[-1].type == "DOT"):
                        out.append(self._tok(upper, word, start))
                    else:
                        out.append(self._tok("NAME", word, start))
                    continue
            if c.isdigit() or (c == "." and self.i + 1 < n and text[self.i + 1].isdigit()):
                m = _NUMBER.match(text, self.i)
                assert m
                out.append(self._number(m.group(0), start))
                self.advance(len(m.group(0)))
                continue
            if c == "@":
                m = _PARAM.match(text, self.i)
                if m:
                    word = m.group(0)
                    self.advance(len(word))
                    if word.startswith("@@"):
                        out.append(self._tok("DSPARAM", word[2:], start))
                    else:
                        out.append(self._tok("PARAM", word[1:], start))
                    continue
            if c == "!":
                m = _BANG_IN.match(text, self.i + 1)
                if m:
                    self.advance(m.end() - self.i)
                    out.append(self._tok("NOT_IN", "NOT IN", start))
                    continue
            for sym, kind in _PUNCT:
                if text.startswith(sym, self.i) and not (
                    kind == "SPREAD" and text[self.i + 3 : self.i + 4].isdigit()
                ):
                    self.advance(len(sym))
                    out.append(self._tok(kind, sym, start))
                    break
            else:
                self.advance(1)
                out.append(self._tok("$UNDEFINED", c, start))
        self._classify_quantifiers(out)
        return out

    @staticmethod
    def _tok(kind: str, value: Any, pos: A.Pos) -> Token:
        tok = Token(kind, value, start_pos=pos[2], line=pos[0], column=pos[1])
        return tok

    def _number(self, text: str, pos: A.Pos) -> Token:
        low = text[:2].lower()
        if low in ("0x", "0b"):
            value: Any = int(text[2:], 16 if low == "0x" else 2)
            if value > 0xFFFFFFFFFFFFFFFF:
                raise ParseError("unexpected number literal value exceeds the supported range", pos)
            if value > 2**63 - 1:
                value = float(value)
            return self._tok("INT", value, pos)
        if re.fullmatch(r"[0-9]+", text):
            if len(text) <= 19:  # int64 has 19 digits (and int() refuses very long text)
                iv = int(text)
                if iv <= 2**63 - 1:
                    return self._tok("INT", iv, pos)
            fv = float(text)  # a double beyond int64, null past the largest double
            if fv == float("inf"):
                self.out_of_range += 1
                return self._tok("INT", None, pos)
            return self._tok("INT", fv, pos)
        fv = float(text)
        if fv in (float("inf"), float("-inf")):
            self.out_of_range += 1
            return self._tok("DOUBLE", None, pos)
        return self._tok("DOUBLE", fv, pos)

    @staticmethod
    def _classify_quantifiers(toks: list[Token]) -> None:
        """ALL/ANY/NONE/AT LEAST before a comparison become level-specific quantifier tokens."""
        for i, tok in enumerate(toks):
            if tok.type in ("ALL", "ANY", "NONE"):
                follow = toks[i + 1].type if i + 1 < len(toks) else ""
                prefix = "Q_"
            elif tok.type == "AT_LEAST":
                j = i + 1
                if j >= len(toks) or toks[j].type != "LPAR":
                    continue
                depth = 0
                while j < len(toks):
                    if toks[j].type in ("LPAR", "LBRACK", "LBRACE"):
                        depth += 1
                    elif toks[j].type in ("RPAR", "RBRACK", "RBRACE"):
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                follow = toks[j + 1].type if j + 1 < len(toks) else ""
                prefix = "ATL_"
            else:
                continue
            if follow in _EQ_OPS:
                tok.type = prefix + "EQ"
            elif follow in _IN_OPS:
                tok.type = prefix + "IN"
            elif follow in _CMP_OPS:
                tok.type = prefix + "CMP"


def token_pos(tok: Token) -> A.Pos:
    """A token's (line, byte column, byte offset)."""
    return (tok.line or 1, tok.column or 0, tok.start_pos or 0)
