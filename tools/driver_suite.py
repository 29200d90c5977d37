"""Run python-arango-async's own integration suite against ``arangomock serve``.

The suite ships in the driver's published source distribution and was written against real
ArangoDB servers; it is the most independent fidelity check the project has. This script
downloads a pinned version (hash verified), starts ``arangomock serve`` with the options the
driver's own CI gives a single server (root password ``passwd``, JWT secret ``secret``), runs the
suite with the plugin in ``driver_suite_plugin.py`` marking the tests listed in
``driver_suite_expected.txt`` as strict expected failures, and prints one summary line:

    DRIVER_SUITE python-arango-async 1.2.7: passed=.. failed=.. xfailed=.. skipped=.. pass_rate=..

``pass_rate`` is passed / (passed + failed + xfailed): the share of the tests that run (cluster,
hot-backup and Enterprise tests skip themselves, as they do upstream on a single server). A listed
test that starts passing fails the run (strict xfail), so the list only shrinks.

Usage: ``python tools/driver_suite.py [--cache DIR] [pytest args...]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

PACKAGE = "python-arango-async"
VERSION = "1.2.7"
SHA256 = "2b428a9db177111dc9e143701e461943793daea73c14e279feb1d02143626599"
SDIST = f"python_arango_async-{VERSION}.tar.gz"
HERE = Path(__file__).resolve().parent
ROOT_PASSWORD = "passwd"
JWT_SECRET = "secret"


def fetch(cache: Path) -> Path:
    """The extracted source distribution, downloaded once into ``cache`` and hash-checked."""
    archive = cache / SDIST
    if not archive.exists() or _sha256(archive) != SHA256:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
             ":all:", f"{PACKAGE}=={VERSION}", "-d", str(cache)],
            check=True,
        )  # fmt: skip
    digest = _sha256(archive)
    if digest != SHA256:
        raise SystemExit(f"{SDIST}: sha256 {digest} is not the pinned {SHA256}")
    target = cache / SDIST.removesuffix(".tar.gz")
    if not (target / "tests" / "conftest.py").exists():
        with tarfile.open(archive) as tar:
            tar.extractall(cache, filter="data")
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int) -> subprocess.Popen[bytes]:
    """``arangomock serve`` on ``port``, once it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest_arangomock.cli", "serve", "--port", str(port),
         "--root-password", ROOT_PASSWORD, "--jwt-secret", JWT_SECRET,
         "--javascript.allow-admin-execute"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"arangomock serve exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_api/version", timeout=1):
                return proc
        except OSError as exc:  # refused, or 401 before the password is checked
            if getattr(exc, "code", None) == 401:
                return proc
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("arangomock serve did not answer within 30 s")


def summary(output: str) -> dict[str, int]:
    """Counts from pytest's closing line."""
    last = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    counts = dict.fromkeys(("passed", "failed", "xfailed", "xpassed", "skipped", "error"), 0)
    for number, word in re.findall(r"(\d+) (\w+)", last[-1] if last else ""):
        key = "error" if word.startswith("error") else word
        if key in counts:
            counts[key] = int(number)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=HERE.parent / ".driver-suite")
    args, pytest_args = parser.parse_known_args(argv)
    source = fetch(args.cache.resolve())
    port = _free_port()
    server = serve(port)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(source)]))
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", str(source / "tests"), "--rootdir", str(source),
             "-q", "-p", "no:cacheprovider",
             "-p", "no:arangomock", "-p", "driver_suite_plugin", "--host", "127.0.0.1",
             f"--port={port}", "--foxx-path", str(source / "tests" / "static" / "service.zip"),
             *pytest_args],
            # from the file system root: the Foxx test opens f".{foxx_path}" for the same
            # archive the server reads from foxx_path (one file system, as in their CI)
            cwd=source.anchor, env=env, capture_output=True, text=True, timeout=1200,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)
    failing = run.returncode not in (0, 5)
    if failing:
        sys.stdout.write(run.stdout[-20000:] + run.stderr[-5000:])
    counts = summary(run.stdout)
    ran = counts["passed"] + counts["failed"] + counts["xfailed"] + counts["error"]
    rate = 100.0 * counts["passed"] / ran if ran else 0.0
    print(
        f"DRIVER_SUITE {PACKAGE} {VERSION}: passed={counts['passed']} "
        f"failed={counts['failed'] + counts['error']} xfailed={counts['xfailed']} "
        f"xpassed={counts['xpassed']} skipped={counts['skipped']} pass_rate={rate:.1f}"
    )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
