"""Scheduling: each due source is queued once per slot, however many workers schedule (issue 5)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa

from localdata.collect.sources import add_source, set_state
from localdata.collect.tables import sources
from localdata.collect.work import BackgroundWorker, collect_now, schedule_due
from localdata.errors import UsageError
from localdata.jobs import queue
from localdata.store.library import Library
from tests.collect.server import MARCH, SourceServer, file

COUNCILS = ["local-authority:HYN", "local-authority:LDS", "local-authority:MAN"]


def register(library: Library) -> list[int]:
    return [
        add_source(library, "spend", council, f"https://example.org/{n}.csv").id
        for n, council in enumerate(COUNCILS)
    ]


def queued(library: Library) -> int:
    with library.database.transaction() as conn:
        return queue.counts(conn)["queued"]


def test_schedule_queues_each_due_source_once_and_moves_it_on(library: Library) -> None:
    register(library)
    assert schedule_due(library) == 3
    assert schedule_due(library) == 0
    with library.database.transaction() as conn:
        due = conn.execute(sa.select(sources.c.next_due_at)).scalars().all()
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(hours=23)
    assert all(moment > tomorrow for moment in due)


def test_schedule_from_many_workers_at_once_queues_each_slot_once(library: Library) -> None:
    register(library)
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda: counts.append(schedule_due(library))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 3 and queued(library) == 3


def test_paused_sources_are_not_scheduled_until_resumed(library: Library) -> None:
    first, *_ = register(library)
    set_state(library, first, "paused")
    assert schedule_due(library) == 2
    set_state(library, first, "active")
    assert schedule_due(library) == 1
    set_state(library, first, "paused")
    assert collect_now(library, first)  # asked for by hand, a paused source is collected
    set_state(library, first, "retired")
    with pytest.raises(UsageError, match="retired"):
        collect_now(library, first)


def test_background_worker_collects_a_new_source_and_stops_cleanly(
    library: Library, server: SourceServer
) -> None:
    url = server.serve("/spend.csv", file(MARCH.encode()))
    add_source(library, "spend", "local-authority:HYN", url)
    background = BackgroundWorker(library).start()
    try:
        deadline = time.monotonic() + 20
        while not library.versions("spend") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        background.stop()
    assert len(library.versions("spend")) == 1
    assert not any(thread.is_alive() for thread in background.threads)


def test_a_file_that_cannot_be_published_makes_the_source_failing(
    library: Library, server: SourceServer
) -> None:
    from localdata.collect import collector
    from localdata.collect.fetch import Fetcher
    from localdata.collect.status import sources_with_status
    from localdata.collect.work import collection_worker

    url = server.serve("/spend.csv", file(MARCH.encode()))
    source = add_source(library, "spend", "local-authority:HYN", url)
    library.settings = library.settings.model_copy(update={"job_max_attempts": 1})
    fetcher = Fetcher(library.settings)
    attempt = collector.collect(library, fetcher, source.id)
    assert attempt.resource
    library.lake.raw_path(attempt.resource).unlink()  # lost before its check
    collection_worker(library, fetcher, schedule=False).run(threading.Event(), until_idle=True)
    fetcher.close()
    status = sources_with_status(library)[0].status
    assert status.state == "failing" and status.to_dict()["last_error"]
