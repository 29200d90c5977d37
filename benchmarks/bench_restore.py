"""Seeding from an arangodump directory: 100,000 documents (run by hand).

    python benchmarks/bench_restore.py

Writes a dump of 100,000 documents (one collection with a persistent index) in arangodump's
format, plain and gzipped, then measures ``Emulator.restore`` against a baseline measured in
the same run: parsing the same data file with ``json.loads`` line by line (the least any
loader must do). Also times the restore through the HTTP route (``restore-data``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from pathlib import Path

from bench_js import best_of

from pytest_arangomock import Emulator
from pytest_arangomock.backends.restore import restore_over_http

N = 100_000


def write_dump(root: Path, gz: bool) -> Path:
    root.mkdir()
    stem = f"items_{hashlib.md5(b'items').hexdigest()}"
    (root / "ENCRYPTION").write_text("none")
    (root / "dump.json").write_text(json.dumps({"database": "bench", "lastTickAtDumpStart": "1"}))
    structure = {
        "parameters": {"name": "items", "type": 2, "keyOptions": {"type": "traditional"}},
        "indexes": [{"type": "persistent", "fields": ["group"], "name": "by_group"}],
    }
    (root / f"{stem}.structure.json").write_text(json.dumps(structure))
    lines = "".join(
        json.dumps(
            {"_key": str(i), "_id": f"items/{i}", "_rev": f"_r{i}", "n": i, "group": i % 100}
        )
        + "\n"
        for i in range(N)
    ).encode()
    if gz:
        (root / f"{stem}.data.json.gz").write_bytes(gzip.compress(lines))
    else:
        (root / f"{stem}.data.json").write_bytes(lines)
    return root


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plain = write_dump(Path(tmp) / "plain", gz=False)
        zipped = write_dump(Path(tmp) / "gz", gz=True)
        data = next(plain.glob("*.data.json"))

        def baseline() -> None:
            with data.open() as fh:
                for line in fh:
                    json.loads(line)

        def restore(path: Path) -> None:
            Emulator().restore(path)

        def over_http() -> None:
            emulator = Emulator()
            emulator.server.create_database("bench")
            restore_over_http(emulator, plain, "bench")

        base = best_of(baseline, 3)
        loaded = best_of(lambda: restore(plain), 3)
        gzipped = best_of(lambda: restore(zipped), 3)
        routed = best_of(over_http, 3)
        print(f"baseline json.loads per line: {base:.3f}s")
        print(f"Emulator.restore, {N:,} documents: {loaded:.3f}s ({loaded / base:.1f}x baseline)")
        print(f"Emulator.restore, gzipped: {gzipped:.3f}s ({gzipped / base:.1f}x baseline)")
        print(f"restore-data over the HTTP routes: {routed:.3f}s ({routed / base:.1f}x baseline)")


if __name__ == "__main__":
    main()
