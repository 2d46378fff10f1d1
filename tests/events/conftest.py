"""Fixtures for event tests: a library that delivers quickly to 127.0.0.1, keys and workers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from localdata.access import keys
from localdata.access.model import Principal
from localdata.collect.fetch import Fetcher
from localdata.collect.work import collection_worker
from localdata.settings import Settings
from localdata.store.library import Library
from tests.events.receiver import Receiver, running_receiver

HYNDBURN = "local-authority:HYN"
HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
MARCH = HEADER + "05/03/2024,T1,1,100.00,ACME LTD\n06/03/2024,T2,1,200.00,BETA LTD\n"
APRIL = HEADER + "05/03/2024,T1,1,150.00,ACME LTD\n07/04/2024,T3,1,300.00,GAMMA LTD\n"
BROKEN = HEADER + "TBC,T9,1,n/a,\n"


def event_settings(settings: Settings, **overrides: object) -> Settings:
    """Settings that deliver to 127.0.0.1 with tiny backoffs and short leases."""
    values: dict[str, object] = {
        "webhook_allow_private": True,
        "collect_allow_private": True,
        "webhook_backoff": 0.05,
        "webhook_timeout": 2.0,
        "collect_backoff": 0.05,
        "job_lease_seconds": 2.0,
        "worker_poll_seconds": 0.05,
        "secret_key": "a test key that signs cursors and seals webhook secrets",
    }
    return settings.model_copy(update=values | overrides)


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    """A library in tmp_path whose deliveries go to 127.0.0.1 quickly."""
    found = Library(event_settings(settings))
    yield found
    found.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real webhook receiver on 127.0.0.1."""
    with running_receiver() as found:
        yield found


def make_key(library: Library, organisation: str = HYNDBURN) -> tuple[str, Principal]:
    """An organisation's read key: its secret and the principal it stands for."""
    with library.access.transaction() as conn:
        _made, secret = keys.create_key(
            conn,
            library.access.log,
            name="events",
            scopes=["read"],
            actor="test",
            organisation=organisation,
        )
    return secret, library.access.key_principal(secret)


def publish(library: Library, content: str, organisation: str = HYNDBURN) -> None:
    """Publish (or try to publish) a spend file for the organisation."""
    library.publish(content.encode(), "spend", organisation, filename="spend.csv")


@contextmanager
def worker(library: Library) -> Iterator[None]:
    """A worker thread running jobs (deliveries) until the block ends."""
    fetcher = Fetcher(library.settings)
    running = collection_worker(library, fetcher, schedule=False)
    stop = threading.Event()
    thread = threading.Thread(target=running.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        fetcher.close()


def wait_until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait for ``condition`` to hold, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
