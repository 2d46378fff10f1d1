"""Real ``localdata worker`` processes: killed mid-job, and two sharing the work (issue 5).

The workers run as subprocesses of the console script beside this Python, against the same
data folder and metadata database as the test, collecting from a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import sqlalchemy as sa

from localdata.collect import collector
from localdata.collect.fetch import Fetcher
from localdata.collect.sources import add_source, attempt_log, record_result
from localdata.collect.tables import attempts
from localdata.jobs import queue
from localdata.jobs.tables import jobs
from localdata.settings import Settings
from localdata.store.library import Library
from tests.collect.conftest import collect_settings
from tests.collect.server import HEADER, MARCH, SourceServer, file, running_server, slow
from tests.processes import start, stop

pytestmark = pytest.mark.slow
HYNDBURN = "local-authority:HYN"
COUNCILS = ["local-authority:HYN", "local-authority:LDS", "local-authority:MAN"]


@pytest.fixture
def server() -> Iterator[SourceServer]:
    with running_server() as found:
        yield found


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    found = Library(collect_settings(settings))
    yield found
    found.close()


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """A ``localdata worker`` process on the test's library, with short leases."""
    return start(
        settings,
        "worker",
        collect_allow_private="true",
        collect_timeout="10",
        collect_backoff="0.05",
        job_lease_seconds="1.5",
    )


def wait_for(condition: Callable[[], bool], seconds: float = 40, poll: float = 0.1) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(poll)


def all_jobs_done(library: Library, expected: int) -> Callable[[], bool]:
    def done() -> bool:
        with library.database.transaction() as conn:
            counts = queue.counts(conn)
        return counts["done"] + counts["failed"] >= expected and counts["running"] == 0

    return done


def slow_first_time(
    seconds: float, then: Callable[[BaseHTTPRequestHandler], None]
) -> Callable[[BaseHTTPRequestHandler], None]:
    first = threading.Event()

    def route(request: BaseHTTPRequestHandler) -> None:
        if not first.is_set():
            first.set()
            time.sleep(seconds)
        then(request)

    return route


def test_worker_killed_mid_job_is_taken_over_and_publishes_once(
    library: Library, server: SourceServer
) -> None:
    url = server.serve("/spend.csv", slow_first_time(4, file(MARCH.encode())))
    source = add_source(library, "spend", HYNDBURN, url)
    doomed = start_worker(library.settings)
    try:
        wait_for(lambda: server.hits["/spend.csv"] >= 1)
        with library.database.transaction() as conn:
            assert queue.counts(conn)["running"] == 1
        doomed.send_signal(signal.SIGKILL)
    finally:
        stop(doomed)
    survivor = start_worker(library.settings)
    try:
        wait_for(all_jobs_done(library, 2))
    finally:
        stop(survivor)
    with library.database.transaction() as conn:
        found = conn.execute(sa.select(jobs.c.kind, jobs.c.state, jobs.c.attempts)).all()
        log = attempt_log(conn, source.id)
    assert sorted(found) == [("collect", "done", 2), ("publish", "done", 1)]
    assert [(a.outcome, a.submission_status) for a in log] == [("new", "published")]
    assert len(library.versions("spend")) == 1


def test_worker_killed_while_publishing_leaves_exactly_one_new_version(
    library: Library, server: SourceServer
) -> None:
    # Issue 5: kill -9 during the publish job (the check and the Delta commit), not the fetch.
    # A million rows take the worker seconds to check and commit, so a kill as soon as the
    # job is seen running lands inside it, on any machine; the test asserts that it did.
    rows = 1_000_000
    body = HEADER + "".join(
        f"05/03/2024,T{i},1,{100 + i % 900}.00,ACME {i % 97}\n" for i in range(rows)
    )
    source = add_source(library, "spend", HYNDBURN, server.serve("/big.csv", file(body.encode())))
    doomed = start_worker(library.settings)
    try:
        # The collect and publish jobs run on threads of their own (issue 15): kill once the
        # collect job is done, so the kill lands in the publish alone.
        wait_for(lambda: publish_running(library)() and collect_done(library), poll=0.02)
        doomed.send_signal(signal.SIGKILL)
    finally:
        stop(doomed)
    assert publish_running(library)(), "the worker finished the publish before it was killed"
    survivor = start_worker(library.settings)
    try:
        wait_for(all_jobs_done(library, 2), seconds=120)
    finally:
        stop(survivor)
    with library.database.transaction() as conn:
        publish_jobs = conn.execute(
            sa.select(jobs.c.state, jobs.c.attempts).where(jobs.c.kind == "publish")
        ).all()
        log = attempt_log(conn, source.id)
    assert publish_jobs == [("done", 2)]
    assert [(a.outcome, a.submission_status) for a in log] == [("new", "published")]
    assert len(library.versions("spend")) == 1
    current = library.rows("spend").collect()
    assert current.height == rows and current["_row"].n_unique() == rows


def collect_done(library: Library) -> bool:
    with library.database.transaction() as conn:
        found = conn.execute(sa.select(jobs.c.state).where(jobs.c.kind == "collect")).scalars()
        return list(found) == ["done"]


def publish_running(library: Library) -> Callable[[], bool]:
    def running() -> bool:
        with library.database.transaction() as conn:
            found = conn.execute(
                sa.select(jobs.c.id).where(jobs.c.kind == "publish", jobs.c.state == "running")
            ).first()
        return found is not None

    return running


def test_two_workers_share_the_sources_without_taking_the_same_job(
    library: Library, server: SourceServer
) -> None:
    for n, council in enumerate(COUNCILS):
        # Each file takes a second to come, so while one worker waits the other takes a job.
        body = MARCH.replace("ACME", f"ACME {n}").encode()
        add_source(library, "spend", council, server.serve(f"/{n}.csv", slow(1.0, file(body))))
    workers = [start_worker(library.settings) for _ in range(2)]
    try:
        wait_for(all_jobs_done(library, 2 * len(COUNCILS)))
    finally:
        for worker in workers:
            stop(worker)
    with library.database.transaction() as conn:
        states = conn.execute(sa.select(jobs.c.state, jobs.c.attempts)).all()
        collected = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar()
        names = conn.execute(sa.select(jobs.c.worker)).scalars()
        # A worker's threads are named host:pid:random:kind-n; the processes are what share.
        takers = {str(name).split(":")[1] for name in names}
    assert set(states) == {("done", 1)} and len(states) == 2 * len(COUNCILS)
    assert collected == len(COUNCILS)
    assert len(takers) == 2
    assert len(library.versions("spend")) == len(COUNCILS)
    assert all(server.hits[f"/{n}.csv"] == 1 for n in range(len(COUNCILS)))


def test_publish_run_again_after_it_recorded_makes_no_second_version(
    library: Library, server: SourceServer
) -> None:
    source = add_source(library, "spend", HYNDBURN, server.serve("/s.csv", file(MARCH.encode())))
    fetcher = Fetcher(library.settings)
    attempt = collector.collect(library, fetcher, source.id)
    fetcher.close()
    first = collector.publish(library, attempt.id)
    with library.database.transaction() as conn:  # as if the worker died before recording it
        record_result(conn, attempt.id, submission_id=None)
    again = collector.publish(library, attempt.id)
    assert again.submission_id == first.submission_id
    assert len(library.versions("spend")) == 1


def test_publish_run_again_after_an_unrecorded_delta_commit_makes_one_version(
    library: Library, server: SourceServer
) -> None:
    source = add_source(library, "spend", HYNDBURN, server.serve("/s.csv", file(MARCH.encode())))
    fetcher = Fetcher(library.settings)
    attempt = collector.collect(library, fetcher, source.id)
    fetcher.close()
    # As if a worker died between the Delta commit and the metadata row.
    frame = library.rows("spend").collect()
    library.lake.replace("spend", library.organisation(HYNDBURN), frame)
    library.lake.replace("spend", "stray", frame.head(0))
    done = collector.publish(library, attempt.id)
    assert done.submission_status == "published"
    assert len(library.versions("spend")) == 1
    assert library.rows("spend").collect().height == 2
