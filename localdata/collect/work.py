"""Collection as jobs: the scheduler that queues due sources, and the job handlers.

The scheduler runs in every worker, at most once per poll interval. For each active source
whose ``next_due_at`` has come, it moves ``next_due_at`` one interval on and queues a
``collect`` job keyed by the source and the slot, in one transaction. The move only happens if
``next_due_at`` is still what it read, and the key is unique, so two workers scheduling at the
same moment queue each slot once. At most once every ``OVERDUE_EVERY`` seconds it also
announces organisations that have become overdue (``announce.announce_overdue``).

The worker also runs ``deliver`` jobs: webhook and email deliveries of change events
(``localdata.events.delivery``).

Each kind of job has threads of its own (``worker_pool``): ``LOCALDATA_WORKER_COLLECT_THREADS``
collect, ``LOCALDATA_WORKER_PUBLISH_THREADS`` check and publish, and
``LOCALDATA_WORKER_DELIVER_THREADS`` deliver. A webhook receiver is chosen by whoever holds a
key, and a source's server by whoever registers it; each may be slow on purpose, so neither
may keep the other kinds of work waiting: a slow receiver holds one delivery thread for at
most ``LOCALDATA_WEBHOOK_TIMEOUT`` seconds, while the other deliveries, collection and
publishing go on. ``localdata serve`` and ``localdata worker`` both run the pool;
``collection_worker`` is one worker for every kind, for ``localdata worker --until-idle`` and
tests that run the jobs one at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from localdata.collect import collector
from localdata.collect.announce import announce_overdue, announce_source
from localdata.collect.fetch import Fetcher
from localdata.collect.sources import (
    due_sources,
    get_attempt,
    get_source,
    move_due,
    record_result,
)
from localdata.errors import UsageError
from localdata.events import delivery
from localdata.jobs import queue
from localdata.jobs.queue import Job
from localdata.jobs.worker import Handler, Worker, notify_work, worker_name
from localdata.store.library import Library
from localdata.store.metadata import now

SCHEDULE_BATCH = 500
OVERDUE_EVERY = 60.0  # seconds between looks for organisations that became overdue


def schedule_due(library: Library, *, limit: int = SCHEDULE_BATCH) -> int:
    """Queue a collect job for every source that is due; return how many were queued."""
    queued = 0
    with library.database.transaction() as conn:
        moment = now()
        for source in due_sources(conn, moment, limit):
            if not move_due(conn, source, moment):
                continue
            queued += queue.enqueue(
                conn,
                "collect",
                f"collect:{source.id}:{source.next_due_at.isoformat()}",
                {"source_id": source.id},
                max_attempts=library.settings.job_max_attempts,
            )
    return queued


def collect_now(library: Library, source_id: int) -> bool:
    """Queue a collection of the source now, outside its schedule; True when queued."""
    with library.database.transaction() as conn:
        if get_source(conn, source_id).state == "retired":
            raise UsageError(f"Source {source_id} is retired, so it is not collected.")
        return queue.enqueue(
            conn,
            "collect",
            f"collect:{source_id}:now:{now().isoformat()}",
            {"source_id": source_id, "by_hand": True},
            max_attempts=library.settings.job_max_attempts,
        )


def handlers(library: Library, fetcher: Fetcher) -> dict[str, Handler]:
    """The job handlers of collection, by job kind."""

    def collect(job: Job) -> None:
        source_id = int(job.payload["source_id"])
        with library.database.transaction() as conn:
            state = get_source(conn, source_id).state
        if state == "active" or (job.payload.get("by_hand") and state != "retired"):
            collector.collect(library, fetcher, source_id)

    def publish(job: Job) -> None:
        attempt_id = int(job.payload["attempt_id"])
        try:
            collector.publish(library, attempt_id)
        except Exception as error:
            if job.attempts >= job.max_attempts:  # the last try: say so in the source's log
                with library.database.transaction() as conn:
                    record_result(
                        conn,
                        attempt_id,
                        submission_id=None,
                        error="The file could not be checked because of a fault on our side "
                        f"({type(error).__name__}). The people who run this library can see why.",
                    )
                    source_id = get_attempt(conn, attempt_id).source_id
                    announce_source(conn, source_id, attempt_id, library.settings.events_source)
            raise

    return {"collect": collect, "publish": publish}


class _Scheduler:
    """Calls ``schedule_due`` at most once every ``every`` seconds."""

    def __init__(self, library: Library, every: float) -> None:
        self.library = library
        self.every = every
        self.last = float("-inf")
        self.last_overdue = float("-inf")
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            if time.monotonic() - self.last < self.every:
                return
            self.last = time.monotonic()
            overdue_due = time.monotonic() - self.last_overdue >= OVERDUE_EVERY
            if overdue_due:
                self.last_overdue = time.monotonic()
        schedule_due(self.library)
        if overdue_due:
            announce_overdue(self.library)


def collection_worker(
    library: Library, fetcher: Fetcher, *, name: str | None = None, schedule: bool = True
) -> Worker:
    """A worker that schedules sources and runs collect, publish and deliver jobs."""
    settings = library.settings
    worker = Worker(
        database=library.database,
        handlers=handlers(library, fetcher) | delivery.handlers(library),
        lease=dt.timedelta(seconds=settings.job_lease_seconds),
        poll_seconds=settings.worker_poll_seconds,
        retry_backoff=settings.collect_backoff,
        schedule=_Scheduler(library, settings.worker_poll_seconds) if schedule else None,
    )
    if name:
        worker.name = name
    return worker


def worker_pool(library: Library, fetcher: Fetcher, *, schedule: bool = True) -> list[Worker]:
    """Workers for each kind of job apart, as many as the settings say: collect, publish and
    deliver, so that no kind of work can starve another."""
    settings = library.settings
    every = handlers(library, fetcher) | delivery.handlers(library)
    threads = {
        "collect": settings.worker_collect_threads,
        "publish": settings.worker_publish_threads,
        "deliver": settings.worker_deliver_threads,
    }
    scheduler = _Scheduler(library, settings.worker_poll_seconds) if schedule else None
    return [
        Worker(
            database=library.database,
            handlers={kind: every[kind]},
            lease=dt.timedelta(seconds=settings.job_lease_seconds),
            poll_seconds=settings.worker_poll_seconds,
            retry_backoff=settings.collect_backoff,
            schedule=scheduler if kind == "collect" else None,
            name=f"{worker_name()}:{kind}-{n + 1}",
            kinds=frozenset({kind}),
        )
        for kind, count in threads.items()
        for n in range(count)
    ]


class BackgroundWorker:
    """The worker pool running in threads of this process (``localdata serve``, ``localdata
    worker``): a thread for each worker of ``worker_pool``."""

    def __init__(
        self, library: Library, *, allowed: frozenset[tuple[str, int]] = frozenset()
    ) -> None:
        self.fetcher = Fetcher(library.settings, allowed=allowed)
        self.workers = worker_pool(library, self.fetcher)
        self.stopped = threading.Event()
        self.done = 0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, args=(w,), name=f"localdata-{w.name}", daemon=True)
            for w in self.workers
        ]

    def start(self) -> BackgroundWorker:
        """Start taking jobs."""
        for thread in self.threads:
            thread.start()
        return self

    def _run(self, worker: Worker) -> None:
        while not self.stopped.is_set():
            try:
                done = worker.run(self.stopped)
            except Exception:  # the database went away for a moment: wait, then carry on
                logging.getLogger(__name__).exception("worker %s stopped; restarting", worker.name)
                self.stopped.wait(worker.poll_seconds)
                continue
            with self.lock:
                self.done += done

    def stop(self) -> None:
        """Let every thread finish its current job, then stop."""
        self.stopped.set()
        notify_work()
        for thread in self.threads:
            thread.join()
        self.fetcher.close()
