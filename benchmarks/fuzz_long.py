"""Long fuzz run (by hand): ``python benchmarks/fuzz_long.py [--requests 10000] [--seed N]
[--examples 300]``.

Drives the engine of ``tests/test_fuzz.py`` (requests generated from ArangoDB's documented
operations against a seeded emulator) until at least ``--requests`` requests were sent, and
stops at the first failure with the shrunk failing batch: an internal error, a 5xx that
ArangoDB does not document for the operation, or inconsistent state afterwards.

Then it runs the generated hostile tests of the newest features (vector index definitions
and writes, analyzers, views, restore-data batches, damaged dump directories) with
``--examples`` examples each instead of the few the test suite draws.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import test_fuzz
import test_hostile_dump
import test_hostile_search
import test_hostile_vector

#: (generated test, the strategies of its arguments)
NEW_FEATURES: list[tuple[Any, tuple[Any, ...]]] = [
    (
        test_hostile_vector.test_generated_params_are_created_or_refused_with_error_10,
        test_hostile_vector.PARAMS_ARGS,
    ),
    (
        test_hostile_vector.test_generated_writes_keep_exactly_the_valid_vectors,
        test_hostile_vector.WRITES_ARGS,
    ),
    (
        test_hostile_search.test_generated_analyzers_are_created_or_refused_and_tokenize_anything,
        test_hostile_search.ANALYZER_ARGS,
    ),
    (
        test_hostile_search.test_generated_views_are_created_or_refused_whole,
        test_hostile_search.VIEW_ARGS,
    ),
    (
        test_hostile_dump.test_generated_batches_apply_whole_or_not_at_all,
        test_hostile_dump.BATCH_ARGS,
    ),
    (
        test_hostile_dump.test_generated_damage_restores_whole_or_not_at_all,
        test_hostile_dump.DAMAGE_ARGS,
    ),
]

SENT = {"requests": 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000, help="minimum requests to send")
    parser.add_argument("--batch", type=int, default=25, help="largest batch per emulator")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed")
    parser.add_argument("--examples", type=int, default=300, help="examples per new feature")
    args = parser.parse_args()
    examples = max(1, args.requests * 2 // args.batch)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(test_fuzz.requests(), min_size=1, max_size=args.batch))
    def fuzz(batch: list[Any]) -> None:
        SENT["requests"] += len(batch)
        test_fuzz.run(test_fuzz.seeded(), batch)

    if args.seed is not None:
        fuzz = seed(args.seed)(fuzz)
    started = time.perf_counter()
    while SENT["requests"] < args.requests:
        fuzz()
    new_examples = sum(_new_feature(test, strategies, args) for test, strategies in NEW_FEATURES)
    elapsed = time.perf_counter() - started
    print(
        f"FUZZ_LONG requests={SENT['requests']} new_feature_examples={new_examples} "
        f"seconds={elapsed:.1f} failures=0"
    )
    return 0


def _new_feature(test: Any, strategies: tuple[Any, ...], args: argparse.Namespace) -> int:
    """Run one generated hostile test's body with ``--examples`` examples; how many ran."""
    ran = {"examples": 0}

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.tuples(*strategies))
    def fuzz(drawn: tuple[Any, ...]) -> None:
        ran["examples"] += 1
        test.hypothesis.inner_test(*drawn)

    if args.seed is not None:
        fuzz = seed(args.seed)(fuzz)
    fuzz()
    return ran["examples"]


if __name__ == "__main__":
    sys.exit(main())
