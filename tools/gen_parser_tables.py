"""Regenerate ``pytest_arangomock/aql/grammar_tables.pickle`` from ``grammar.lark``.

The AQL parser loads this pre-built LALR driver (lark's parse table and parse-tree
callbacks, pickled as objects) instead of building it on the first query of each
process. Run after changing the grammar or upgrading lark (tests/aql/test_parser_tables.py
fails until then):

    python tools/gen_parser_tables.py
"""

from __future__ import annotations

from pytest_arangomock.aql import parser


def main() -> None:
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    with parser.TABLES.open("wb") as out:
        parser.save_tables(parser.build_parser(grammar), grammar, out)
    print(f"wrote {parser.TABLES} ({parser.TABLES.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
