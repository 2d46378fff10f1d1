"""A real ``localdata worker`` killed mid-delivery: the event arrives after a restart (issue 7).

The worker runs as a subprocess of the console script beside this Python, on the test's data
folder and database, delivering to a real receiver on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from localdata.events import webhooks
from localdata.store.library import Library
from tests.events.conftest import MARCH, make_key, publish, wait_until
from tests.events.receiver import Receiver

pytestmark = pytest.mark.slow
WORKER = Path(sys.executable).parent / "localdata"


def start_worker(library: Library) -> subprocess.Popen[bytes]:
    """A ``localdata worker`` process on the test's library, with short leases."""
    settings = library.settings
    env = {
        **os.environ,
        "LOCALDATA_ENV": "test",
        "LOCALDATA_DATA_DIR": str(settings.data_dir),
        "LOCALDATA_DATABASE_URL": settings.sqlalchemy_url,
        "LOCALDATA_SECRET_KEY": settings.secret_key or "",
        "LOCALDATA_WEBHOOK_ALLOW_PRIVATE": "true",
        "LOCALDATA_WEBHOOK_TIMEOUT": "10",
        "LOCALDATA_COLLECT_BACKOFF": "0.05",
        "LOCALDATA_JOB_LEASE_SECONDS": "1.5",
        "LOCALDATA_WORKER_POLL_SECONDS": "0.1",
    }
    return subprocess.Popen(
        [str(WORKER), "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def test_worker_killed_mid_delivery_delivers_after_restart_with_the_same_id(
    library: Library, receiver: Receiver
) -> None:
    receiver.delay_first = 8  # the first POST hangs, so the worker is killed while sending
    _, principal = make_key(library)
    made, _ = webhooks.create_subscription(library, principal, url=receiver.url)
    publish(library, MARCH)
    doomed = start_worker(library)
    try:
        receiver.wait_for(1)
        doomed.send_signal(signal.SIGKILL)
    finally:
        stop(doomed)
    survivor = start_worker(library)
    try:
        posts = receiver.wait_for(2, seconds=40)

        def delivered() -> bool:
            return [d["state"] for d in webhooks.delivery_log(library, principal, made.id)] == [
                "delivered"
            ]

        wait_until(delivered, seconds=30)
    finally:
        stop(survivor)
    first, again = posts[:2]
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert json.loads(first.body) == json.loads(again.body)
    [delivery] = webhooks.delivery_log(library, principal, made.id)
    assert delivery["event_id"] == first.headers["webhook-id"]
