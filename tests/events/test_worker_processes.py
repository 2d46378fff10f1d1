"""A real ``localdata worker`` killed mid-delivery: the event arrives after a restart (issue 7).

The worker runs as a subprocess of the console script beside this Python, on the test's data
folder and database, delivering to a real receiver on 127.0.0.1.
"""

from __future__ import annotations

import json
import signal
import subprocess

import pytest

from localdata.events import webhooks
from localdata.store.library import Library
from tests.events.conftest import MARCH, make_key, publish, wait_until
from tests.events.receiver import Receiver
from tests.processes import start, stop

pytestmark = pytest.mark.slow


def start_worker(library: Library) -> subprocess.Popen[bytes]:
    """A ``localdata worker`` process on the test's library, with short leases."""
    return start(
        library.settings,
        "worker",
        secret_key=library.settings.secret_key or "",
        webhook_allow_private="true",
        webhook_timeout="10",
        collect_backoff="0.05",
        job_lease_seconds="1.5",
    )


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
