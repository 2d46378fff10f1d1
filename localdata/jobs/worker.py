"""The worker loop: take a job, run its handler while renewing the lease, record the result.

A handler is a function of the job. Returning means the job is done: handlers record what
they did (a failed fetch, a rejected file) in their own tables, so "done" means "handled", not
"succeeded". Raising means "try again": the job is queued after a backoff (doubled each
attempt, with jitter) until it has had ``max_attempts``, and then failed with the reason.

While a handler runs, a heartbeat thread renews the lease every third of its length. A worker
that dies (``kill -9``, a lost machine) stops renewing, and once the lease passes another
worker takes the job over. Handlers must therefore be safe to run twice; see
``localdata.collect.jobs`` for how collection and publishing are.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from localdata.jobs import queue
from localdata.jobs.queue import Job
from localdata.store.database import Database

Handler = Callable[[Job], None]
log = logging.getLogger(__name__)
_WORK_ADDED = threading.Condition()
_work_generation = 0
WAKE_CHECK_SECONDS = 0.25  # how often an idle worker woken by nothing checks ``stop``


def notify_work() -> None:
    """Wake the idle workers of this process: a job was just committed (a webhook delivery).

    Workers in other processes find it at their next poll.
    """
    global _work_generation
    with _WORK_ADDED:
        _work_generation += 1
        _WORK_ADDED.notify_all()


def _wait_for_work(stop: threading.Event, seconds: float) -> None:
    """Wait up to ``seconds``, returning early when work is added or ``stop`` is set."""
    deadline = time.monotonic() + seconds
    with _WORK_ADDED:
        seen = _work_generation
        while not stop.is_set() and _work_generation == seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            _WORK_ADDED.wait(min(left, WAKE_CHECK_SECONDS))


def worker_name() -> str:
    """A name for this worker that no other worker shares: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Worker:
    """Takes jobs from the database and runs them with the handler for their kind.

    ``schedule`` is called before each look for work (the collection scheduler queues the
    sources that are due there). With ``kinds``, it takes only jobs of those kinds, so each
    kind of work can have workers of its own that no other kind can keep busy.
    """

    database: Database
    handlers: Mapping[str, Handler]
    lease: dt.timedelta
    poll_seconds: float
    retry_backoff: float = 2.0
    schedule: Callable[[], None] | None = None
    name: str = field(default_factory=worker_name)
    kinds: frozenset[str] | None = None

    def run(self, stop: threading.Event, *, until_idle: bool = False) -> int:
        """Run jobs until ``stop`` is set (or, ``until_idle``, none is left); return how many."""
        done = 0
        while not stop.is_set():
            if self.schedule is not None:
                self.schedule()
            if self.run_one() is not None:
                done += 1
                continue
            if until_idle:
                break
            _wait_for_work(stop, self.poll_seconds)
        return done

    def run_one(self) -> Job | None:
        """Take one job and run it; None when no job is ready."""
        with self.database.transaction() as conn:
            job = queue.claim(conn, self.name, self.lease, self.kinds)
        if job is None:
            return None
        handler = self.handlers.get(job.kind)
        with _Heartbeat(self, job):
            error = self._run(handler, job)
        with self.database.transaction() as conn:
            if error is None:
                queue.finish(conn, job, self.name)
            else:
                queue.give_up_or_retry(conn, job, self.name, error, self._backoff(job))
        return job

    def _run(self, handler: Handler | None, job: Job) -> str | None:
        if handler is None:
            return f"No handler runs jobs of kind '{job.kind}' in this worker."
        try:
            handler(job)
        except Exception as error:  # any fault is retried; the reason is kept on the job
            log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts)
            return f"The job stopped with an unexpected fault ({type(error).__name__}: {error})."
        return None

    def _backoff(self, job: Job) -> dt.timedelta:
        seconds = self.retry_backoff * 2 ** (job.attempts - 1)
        return dt.timedelta(seconds=seconds * random.uniform(0.5, 1.5))  # noqa: S311  # jitter


class _Heartbeat:
    """Renews a job's lease in a background thread while the job runs."""

    def __init__(self, worker: Worker, job: Job) -> None:
        self.worker = worker
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"lease-{job.id}", daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *_exc: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        interval = self.worker.lease.total_seconds() / 3
        while not self.stopped.wait(interval):
            try:
                with self.worker.database.transaction() as conn:
                    held = queue.renew(conn, self.job, self.worker.name, self.worker.lease)
            except Exception:  # the database is unreachable for now: try at the next beat
                log.exception("could not renew the lease of job %s", self.job.id)
                continue
            if not held:
                log.warning("job %s was taken over by another worker", self.job.id)
                return
