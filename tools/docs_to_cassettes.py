"""Convert ArangoDB's documented HTTP examples into cassettes under ``cassettes/`` (run by hand).

    python tools/docs_to_cassettes.py --shared ../shared/fidelity [--out cassettes]

The examples (``http/http_shared.jsonl``: recorded by ArangoDB's documentation tooling
against a real 3.12 server, Apache-2.0) carry the example's JavaScript and, per documented
step, the real request and answer. Each example's JavaScript runs through the fidelity
kit's shim (Node.js) against a fresh emulator served on a local port; every request it
sends is recorded in order. The documented steps get the real server's answers and are
marked for comparison, with the volatile and unordered paths the docs tooling and the kit
name; the set-up requests keep the emulator's answers and are only replayed.
``arangomock cassette verify cassettes/`` replays them against a fresh emulator.

Examples the kit skips (Enterprise, hot backup, server-side JavaScript, replication
internals) and examples whose set-up fails are not converted; the run says which. The few
in ``CONVERTED_DESPITE_SKIP`` are converted all the same, each for the reason given there.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import yaml

from pytest_arangomock import __version__
from pytest_arangomock.backend import BackendRequest, BackendResponse, SyncBackend
from pytest_arangomock.backends.cassette import CASSETTE_HOST
from pytest_arangomock.backends.normalize import ValueMap
from pytest_arangomock.emulator import Emulator
from pytest_arangomock.serve import serving

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")

#: Examples the kit skips that the emulator can answer, and why: with the ``[js]`` extra
#: it runs server-side JavaScript (transaction actions, task commands).
_RUNS_JS = "the emulator runs server-side JavaScript (the [js] extra)"
CONVERTED_DESPITE_SKIP: dict[str, str] = {
    "RestTransactionMulti": f"{_RUNS_JS}: a JavaScript transaction writing two collections",
    "RestTransactionAbort": f"{_RUNS_JS}: an action that throws aborts with 1650",
    "RestTransactionAbortInternal": f"{_RUNS_JS}: a unique constraint violation inside an action",
    "RestTasksCreate": f"{_RUNS_JS}: a periodic task with a JavaScript command",
    "RestTasksDelete": f"{_RUNS_JS}: deleting a task registered with a JavaScript command",
}
_HOP = {"content-length", "connection", "keep-alive", "transfer-encoding", "host", "date"}


class Recorder(SyncBackend):
    """A fresh emulator per example that remembers every exchange in order."""

    def __init__(self) -> None:
        self.inner = Emulator(root_password="")
        self.log: list[tuple[BackendRequest, BackendResponse]] = []
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.inner = Emulator(root_password="")
            self.log = []

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        response = self.inner.handle_sync(request)
        with self.lock:
            self.log.append((request, response))
        return response


def _uri(request: BackendRequest) -> str:
    query = urlencode(sorted(request.query.items()))
    return f"{CASSETTE_HOST}{request.path}" + (f"?{query}" if query else "")


def _headers(pairs: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    items = pairs.items() if isinstance(pairs, dict) else pairs or []
    for name, value in items:
        name = str(name).lower()
        if name in _HOP or name in ("authorization", "user-agent"):
            continue
        out.setdefault(name, []).append(str(value))
    return out


def _interaction(
    request: BackendRequest, status: int, reason: str, headers: Any, body: str
) -> dict[str, Any]:
    return {
        "request": {
            "body": request.body.decode("utf-8", errors="replace") if request.body else None,
            "headers": _headers(request.headers),
            "method": request.method,
            "uri": _uri(request),
        },
        "response": {
            "body": {"string": body},
            "headers": _headers(headers),
            "status": {"code": status, "message": reason},
        },
    }


def _same_target(request: BackendRequest, url: str) -> bool:
    """The request the shim sent for a documented step: the same path, where a numeric
    segment of the documented one (a generated key or id) matches any segment."""
    mine = unquote(request.path).split("/")
    theirs = unquote(urlsplit(url).path).split("/")
    if len(theirs) < len(mine) and mine[1] == "_db":
        mine = ["", *mine[3:]]  # the docs' URL omits the database prefix
    if len(mine) != len(theirs):
        return False
    return all(a == b or b.isdigit() for a, b in zip(mine, theirs, strict=True))


def _step_position(log: list[tuple[BackendRequest, Any]], start: int, step: Any) -> int:
    """Where in the log a documented step was sent: the first request to its target from
    ``start`` that got the documented status (an example may send the same request as
    set-up first, e.g. a DELETE that is allowed to fail), else the first to its target."""
    hits = [
        i
        for i in range(start, len(log))
        if log[i][0].method == step["method"] and _same_target(log[i][0], step["url"])
    ]
    same_status = [i for i in hits if log[i][1].status == int(step.get("status") or 0)]
    return (same_status or hits or [len(log)])[0]


def _patterns(rules: Any, name: str, step: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """The volatile paths (recorded, minus the kit's corrections, plus its additions) and
    the arrays compared as multisets for one documented step."""
    remove = set(rules.GLOBAL_VOLATILE_REMOVE) | set(rules.VOLATILE_REMOVE.get(name, []))
    volatile: list[Any] = [p for p in step.get("volatile_paths") or [] if p not in remove]
    for pattern in [*rules.GLOBAL_VOLATILE, *rules.EXAMPLE_VOLATILE.get(name, [])]:
        volatile.append(list(pattern) if isinstance(pattern, tuple) else pattern)
    return volatile, list(rules.EXAMPLE_UNORDERED.get(name, []))


def convert(example: dict[str, Any], recorder: Recorder, args: Any, rules: Any) -> Any:
    """The cassette for one example, or a reason why it cannot be converted."""
    recorder.reset()
    work = Path(args.work)
    job = {
        "base_url": args.url,
        "user": "root",
        "password": "",
        "datasets": str(Path(args.shared) / "aql" / "example_datasets.json"),
        "errors": str(Path(args.shared) / "errors-3.12.json"),
        "request_timeout_ms": 30000,
        "max_body_bytes": 4 * 1024 * 1024,
        "control_file": str(work / "control.json"),
        "result_out": str(work / "result.json"),
        "snapshot_out": None,
        "mode": "example",
        "do_cleanup": False,
        "example": {
            "name": example["name"],
            "code": example.get("code") or "",
            "teardown_code": example.get("teardown_code") or "",
        },
        "prelude": rules.PRELUDES.get(example["name"]),
    }
    job_file = work / "job.json"
    job_file.write_text(json.dumps(job))
    shim = Path(args.shared) / "http_replay" / "shim.js"
    subprocess.run([args.node, str(shim), str(job_file)], capture_output=True, timeout=120)
    result = json.loads((work / "result.json").read_text())
    if result.get("error") or result.get("prelude_error"):
        problem = result.get("error") or result.get("prelude_error")
        return f"the example stopped: {str(problem.get('message'))[:100]}"
    steps = example.get("steps") or []
    log = list(recorder.log)
    interactions: list[dict[str, Any]] = []
    compare: dict[str, Any] = {}
    # ids the emulator generated, as the real server's answers to documented steps named them:
    # later requests carry the real server's ids, which the verifier maps to its own
    documented = ValueMap()
    pos = 0
    for step in steps:
        until = _step_position(log, pos, step)
        while pos < until:
            request, response = log[pos]
            request = documented.translate_request(request)
            body = response.body.decode("utf-8", errors="replace")
            interactions.append(
                _interaction(request, response.status, response.reason, response.headers, body)
            )
            pos += 1
        if pos >= len(log):
            return f"documented step {step['index']} ({step['method']} {step['url']}) not sent"
        request, response = log[pos]
        request = documented.translate_request(request)
        pos += 1
        if step.get("response_logged"):
            body = step.get("response_body_raw") or ""
            real = BackendResponse(int(step["status"]), {}, body.encode("utf-8"))
            documented.learn_responses(response, real)
            volatile, unordered = _patterns(rules, example["name"], step)
            compare[str(len(interactions))] = {"volatile": volatile, "unordered": unordered}
            interactions.append(
                _interaction(
                    request,
                    int(step["status"]),
                    step.get("status_text") or "",
                    step.get("response_headers"),
                    body,
                )
            )
        else:
            body = response.body.decode("utf-8", errors="replace")
            interactions.append(
                _interaction(request, response.status, response.reason, response.headers, body)
            )
    if not compare:
        return "no documented answer to compare"
    metadata = {
        "source": "ArangoDB documentation example (Apache-2.0), see NOTICE",
        "example": example["name"],
        "documentation": f"{example.get('source_file')}:{example.get('source_line')}",
        "recorded_from": "live",
        "server": f"ArangoDB {example.get('version', '3.12')} ({example.get('server_type')})",
        "setup_from": "emulator",
        "plugin_version": __version__,
        "converted": date.today().isoformat(),
        "compare": compare,
    }
    return {"interactions": interactions, "metadata": metadata, "version": 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared/fidelity", help="the fidelity kit")
    parser.add_argument("--out", default="cassettes")
    parser.add_argument("--node", default=shutil.which("node") or "node")
    parser.add_argument("-k", dest="only", default=None, help="only examples containing this")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(args.shared) / "http_replay"))
    import rules  # the kit's per-example knowledge (skips, preludes, volatile paths)

    source = Path(args.shared) / "http" / "http_shared.jsonl"
    examples = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    recorder = Recorder()
    written, skipped = 0, []
    with serving(recorder) as server, tempfile.TemporaryDirectory() as work:
        args.url, args.work = server.url, work
        for example in examples:
            name = example["name"]
            if args.only and args.only not in name:
                continue
            if name in rules.SKIP and name not in CONVERTED_DESPITE_SKIP:
                skipped.append(f"{name}: {rules.SKIP[name][1]}")
                continue
            cassette = convert(example, recorder, args, rules)
            if isinstance(cassette, str):
                skipped.append(f"{name}: {cassette}")
                continue
            area = _SAFE.sub("_", example.get("area") or "misc")
            path = out / area / f"{_SAFE.sub('_', name)}.yaml"
            path.parent.mkdir(exist_ok=True)
            text = yaml.safe_dump(cassette, allow_unicode=True, sort_keys=False, width=1 << 30)
            path.write_text(text, encoding="utf-8")
            written += 1
    print(f"wrote {written} cassette(s) to {out}; not converted: {len(skipped)}")
    for line in skipped:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
