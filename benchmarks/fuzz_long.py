"""Long fuzz run (by hand): ``python benchmarks/fuzz_long.py [--requests 10000] [--seed N]``.

Drives the engine of ``tests/test_fuzz.py`` (requests generated from ArangoDB's documented
operations against a seeded emulator) until at least ``--requests`` requests were sent, and
stops at the first failure with the shrunk failing batch: an internal error, a 5xx that
ArangoDB does not document for the operation, or inconsistent state afterwards.
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

SENT = {"requests": 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000, help="minimum requests to send")
    parser.add_argument("--batch", type=int, default=25, help="largest batch per emulator")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed")
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
    elapsed = time.perf_counter() - started
    print(f"FUZZ_LONG requests={SENT['requests']} seconds={elapsed:.1f} failures=0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
