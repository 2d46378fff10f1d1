"""Real ``localdata`` processes for tests: a worker or a server on the test's library."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from localdata.settings import Settings

COMMAND = Path(sys.executable).parent / "localdata"


def library_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that points a ``localdata`` process at the test's library.

    ``extra`` adds settings by name (``job_lease_seconds="1.5"`` sets
    ``LOCALDATA_JOB_LEASE_SECONDS``).
    """
    return {
        **os.environ,
        "LOCALDATA_ENV": "test",
        "LOCALDATA_DATA_DIR": str(settings.data_dir),
        "LOCALDATA_DATABASE_URL": settings.sqlalchemy_url,
        "LOCALDATA_WORKER_POLL_SECONDS": "0.1",
        **{f"LOCALDATA_{name.upper()}": value for name, value in extra.items()},
    }


def start(settings: Settings, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    """``localdata ARGS`` on the test's library, its output kept."""
    return subprocess.Popen(
        [str(COMMAND), *args],
        env=library_env(settings, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process (TERM, then KILL after 20 seconds) and reap it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
