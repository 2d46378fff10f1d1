"""The jobs table: leases, retries, most attempts, and workers sharing the work (issue 5)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest

from localdata.jobs import queue
from localdata.jobs.queue import Job
from localdata.jobs.worker import Worker
from localdata.store.database import Database

LEASE = dt.timedelta(seconds=30)


def add(database: Database, key: str, *, max_attempts: int = 3) -> None:
    with database.transaction() as conn:
        queue.enqueue(conn, "test", key, {"key": key}, max_attempts=max_attempts)


def claim(database: Database, worker: str, lease: dt.timedelta = LEASE) -> Job | None:
    with database.transaction() as conn:
        return queue.claim(conn, worker, lease)


def test_enqueue_the_same_key_twice_queues_one_job(database: Database) -> None:
    with database.transaction() as conn:
        assert queue.enqueue(conn, "test", "k", {}, max_attempts=3)
        assert not queue.enqueue(conn, "test", "k", {}, max_attempts=3)
        assert queue.counts(conn)["queued"] == 1


def test_claim_gives_each_job_to_one_worker(database: Database) -> None:
    add(database, "a")
    add(database, "b")
    first, second = claim(database, "w1"), claim(database, "w2")
    assert first and second and {first.key, second.key} == {"a", "b"}
    assert (first.state, first.attempts, first.worker) == ("running", 1, "w1")
    assert claim(database, "w3") is None


def test_claim_takes_over_a_job_whose_lease_passed(database: Database) -> None:
    add(database, "a")
    taken = claim(database, "dead", dt.timedelta(seconds=-1))
    again = claim(database, "alive")
    assert taken and again and again.id == taken.id
    assert (again.worker, again.attempts) == ("alive", 2)
    with database.transaction() as conn:
        assert not queue.finish(conn, taken, "dead")  # the old worker no longer holds it
        assert queue.finish(conn, again, "alive")
        assert queue.counts(conn)["done"] == 1


def test_a_job_whose_worker_dies_every_time_is_failed(database: Database) -> None:
    add(database, "a", max_attempts=2)
    for worker in ("w1", "w2"):
        assert claim(database, worker, dt.timedelta(seconds=-1))
    assert claim(database, "w3") is None
    with database.transaction() as conn:
        job = queue.get(conn, 1)
    assert job.state == "failed" and job.error and "stopped" in job.error


def test_worker_retries_a_failing_job_then_fails_it_with_the_reason(database: Database) -> None:
    add(database, "a", max_attempts=3)
    calls: list[int] = []

    def broken(job: Job) -> None:
        calls.append(job.attempts)
        raise RuntimeError("the disk is full")

    worker = Worker(database, {"test": broken}, LEASE, poll_seconds=0.01, retry_backoff=0.0)
    assert worker.run(threading.Event(), until_idle=True) == 3
    with database.transaction() as conn:
        job = queue.get(conn, 1)
    assert calls == [1, 2, 3]
    assert job.state == "failed" and job.error and "the disk is full" in job.error


def test_worker_renews_its_lease_while_a_job_runs(database: Database) -> None:
    add(database, "a")
    leases: list[dt.datetime | None] = []

    def slow(job: Job) -> None:
        for _ in range(2):
            time.sleep(0.35)
            with database.transaction() as conn:
                leases.append(queue.get(conn, job.id).lease_until)

    lease = dt.timedelta(seconds=0.6)
    Worker(database, {"test": slow}, lease, poll_seconds=0.01).run_one()
    assert leases[0] is not None and leases[1] is not None and leases[1] > leases[0]


def test_two_workers_at_once_never_run_the_same_job(database: Database) -> None:
    for n in range(40):
        add(database, f"job-{n}")
    ran: Counter[str] = Counter()
    lock = threading.Lock()

    def record(job: Job) -> None:
        time.sleep(0.005)
        with lock:
            ran[job.key] += 1

    workers = [
        Worker(database, {"test": record}, LEASE, poll_seconds=0.01, name=f"w{n}") for n in range(2)
    ]
    threads = [
        threading.Thread(target=w.run, args=(threading.Event(),), kwargs={"until_idle": True})
        for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ran) == 40 and set(ran.values()) == {1}
    with database.transaction() as conn:
        assert queue.counts(conn) == {"queued": 0, "running": 0, "done": 40, "failed": 0}


@pytest.mark.parametrize("kind", ["unknown"])
def test_worker_fails_a_job_nobody_handles(database: Database, kind: str) -> None:
    with database.transaction() as conn:
        queue.enqueue(conn, kind, "x", {}, max_attempts=1)
    Worker(database, {}, LEASE, poll_seconds=0.01).run_one()
    with database.transaction() as conn:
        job = queue.get(conn, 1)
    assert job.state == "failed" and job.error and "unknown" in job.error
