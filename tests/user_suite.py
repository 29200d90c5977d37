"""A user's test file run by a fresh pytest in its own directory: the plugin as installed
(entry point, no conftest of ours), with whatever ini file or options the test gives it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_user_suite(tmp_path: Path, source: str, *options: str) -> subprocess.CompletedProcess[str]:
    """Write ``source`` as ``test_user.py`` in ``tmp_path`` and run pytest there."""
    (tmp_path / "test_user.py").write_text(source)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            *options,
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
