"""``localdata serve`` runs a worker in the same process unless told not to (issue 5).

The command runs for real as a subprocess on a free port, against the test's library; a source
registered through its API is collected and published by the worker inside it.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from localdata.settings import Settings
from tests.collect.server import MARCH, SourceServer, file, running_server
from tests.events.receiver import free_port
from tests.processes import start, stop

pytestmark = pytest.mark.slow


@contextmanager
def serving(settings: Settings, *flags: str) -> Iterator[str]:
    """``localdata serve`` on a free port; its base URL, once it answers."""
    port = free_port()
    process = start(
        settings,
        "serve",
        "--port",
        str(port),
        *flags,
        open_submissions="true",
        collect_allow_private="true",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _answers(base), f"localdata serve on {base}", process)
        yield base
    finally:
        stop(process)


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/api/v1/", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(condition: Any, what: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def server() -> Iterator[SourceServer]:
    with running_server() as found:
        yield found


def register(base: str, url: str) -> int:
    body = {"dataset": "spend", "organisation": "E07000120", "url": url}
    created = httpx.post(base + "/api/v1/sources", json=body, timeout=10)
    assert created.status_code == 201, created.text
    return int(created.json()["source"]["id"])


def log_of(base: str, source_id: int) -> list[dict[str, Any]]:
    found = httpx.get(f"{base}/api/v1/sources/{source_id}/log", timeout=10).json()
    return list(found["attempts"])


def test_serve_collects_and_publishes_a_registered_source_in_the_same_process(
    settings: Settings, server: SourceServer
) -> None:
    with serving(settings) as base:
        source_id = register(base, server.serve("/spend.csv", file(MARCH.encode())))
        deadline = time.monotonic() + 60
        while not [a for a in log_of(base, source_id) if a["submission_status"] == "published"]:
            assert time.monotonic() < deadline, log_of(base, source_id)
            time.sleep(0.2)
        records = httpx.get(base + "/api/v1/datasets/spend/records", timeout=10).json()
    assert len(records["records"]) == 2


def test_serve_without_a_worker_leaves_the_source_waiting(
    settings: Settings, server: SourceServer
) -> None:
    with serving(settings, "--no-worker") as base:
        source_id = register(base, server.serve("/spend.csv", file(MARCH.encode())))
        time.sleep(2)
        assert log_of(base, source_id) == []
        state = httpx.get(f"{base}/api/v1/sources/{source_id}", timeout=10).json()
    assert state["source"]["status"]["state"] == "waiting"
    assert server.hits["/spend.csv"] == 0
