"""``arangomock cassette show|redact|verify``."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_arangomock import BackendRequest, BackendResponse, Emulator
from pytest_arangomock.backends import Cassette, CassetteBackend, Interaction
from pytest_arangomock.cli import main

SECRET_PW = "cli-s3cret"


def req(method: str, url: str, body: Any = None) -> BackendRequest:
    data = b"" if body is None else json.dumps(body).encode()
    return BackendRequest.from_url(method, url, {}, data)


def recorded(path: Path, emulator: Emulator, *requests: BackendRequest) -> Path:
    """Record ``requests`` against ``emulator`` into ``path`` (with the database in metadata)."""
    backend = CassetteBackend(path, record_mode="once", inner=emulator)
    backend.set_metadata("database", "db")
    for r in requests:
        backend.handle_sync(r)
    backend.save()
    return path


def emulator(ticks: int = 0) -> Emulator:
    emu = Emulator(authentication=False)
    emu.server.create_database("db")
    for _ in range(ticks):
        emu.server.clock.next_tick()
    return emu


WORKLOAD = (
    req("POST", "/_db/db/_api/collection", {"name": "c"}),
    req("POST", "/_db/db/_api/document/c", {"v": 1}),
    req("GET", "/_db/db/_api/collection/c/count"),
)


def test_show_lists_interactions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = recorded(tmp_path / "c.yaml", emulator(), *WORKLOAD)
    assert main(["cassette", "show", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"# {path}: 3 interactions (database=db)"
    assert out[1].startswith("0  POST /_db/db/_api/collection -> 200 (")
    assert out[2].startswith("1  POST /_db/db/_api/document/c -> 202 (8 B sent, ")
    assert out[3].startswith("2  GET /_db/db/_api/collection/c/count -> 200 (0 B sent, ")
    assert main(["cassette", "show", "--bodies", str(path)]) == 0
    assert '"name": "c"' in capsys.readouterr().out


def test_redact_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "leaky.yaml"
    basic = "Basic " + base64.b64encode(f"root:{SECRET_PW}".encode()).decode()
    Cassette(
        [
            Interaction(
                BackendRequest(
                    "POST",
                    "/_api/user",
                    {},
                    {"authorization": basic},
                    json.dumps({"user": "u", "passwd": SECRET_PW, "token": "tok-1"}).encode(),
                ),
                BackendResponse(201, {}, b'{"user":"u"}'),
            )
        ]
    ).save(path)
    assert main(["cassette", "redact", str(path), "--field", "token"]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: redacted 3 value(s)"
    text = path.read_text()
    assert SECRET_PW not in text and "tok-1" not in text and basic.split()[1] not in text
    assert os.listdir(tmp_path) == ["leaky.yaml"]  # replaced in one step, no temporary left
    assert main(["cassette", "redact", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: nothing to redact"


def test_verify_reports_agreement_across_different_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # recorded on a server whose generated keys differ from a fresh emulator's
    path = tmp_path / "c.yaml"
    backend = CassetteBackend(path, record_mode="once", inner=emulator(ticks=7000))
    backend.set_metadata("database", "db")
    for r in WORKLOAD:
        answer = backend.handle_sync(r)
    meta = json.loads(backend.new[1].response.body)
    assert int(meta["_key"]) > 7000
    # requests that carry the recorded key and revision
    backend.handle_sync(req("GET", f"/_db/db/_api/document/c/{meta['_key']}"))
    backend.handle_sync(
        BackendRequest.from_url(
            "PATCH",
            f"/_db/db/_api/document/{meta['_id']}",
            {"if-match": f'"{meta["_rev"]}"'},
            b'{"v":2}',
        )
    )
    backend.save()
    assert answer.status == 200
    assert main(["cassette", "verify", str(path)]) == 0
    assert (
        capsys.readouterr().out.strip() == f"{path}: all 5 interaction(s) agree with the emulator"
    )


def test_verify_reports_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = recorded(tmp_path / "c.yaml", emulator(), *WORKLOAD)
    cassette = Cassette.load(path)
    last = cassette.interactions[2].response
    changed = json.loads(last.body)
    changed["count"] = 42
    cassette.interactions[2] = Interaction(
        cassette.interactions[2].request,
        BackendResponse(last.status, last.headers, json.dumps(changed).encode()),
    )
    cassette.save(path)
    assert main(["cassette", "verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: 1 of 3 interaction(s) differ" in out
    assert "arangomock: the emulator differs from the recording on 1 request(s):" in out
    assert "#2 GET /_db/db/_api/collection/c/count" in out
    assert '-  "count": 42,' in out and '+  "count": 1,' in out


def test_verify_shows_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requests = [req("GET", f"/_db/db/_api/collection?n={i}") for i in range(250)]
    path = recorded(tmp_path / "long.yaml", emulator(), *requests)
    assert main(["cassette", "verify", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"verify {path}: 250/250 (0 differ)" in captured.err
    assert "agree" in captured.out and "250/250" not in captured.out


def test_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cassette", "show", str(tmp_path / "nope.yaml")]) == 2
    assert "No such file" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("- 1\n")
    assert main(["cassette", "verify", str(bad)]) == 2
    assert "not a vcrpy cassette" in capsys.readouterr().err


def test_console_script(tmp_path: Path) -> None:
    path = recorded(tmp_path / "c.yaml", emulator(), WORKLOAD[0])
    proc = subprocess.run(
        [sys.executable, "-m", "pytest_arangomock.cli", "cassette", "show", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "POST /_db/db/_api/collection -> 200" in proc.stdout
