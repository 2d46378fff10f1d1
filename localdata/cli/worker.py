"""``localdata worker``: run collection, publishing and delivery jobs."""

from __future__ import annotations

import signal
import threading

import typer

from localdata.cli.library import open_library
from localdata.cli.output import console


def worker_command(
    until_idle: bool = typer.Option(
        False,
        "--until-idle",
        help="Run the jobs one at a time, and stop when none is ready instead of waiting.",
    ),
) -> None:
    """Run jobs: collect sources when they are due, check and publish what they bring, and
    deliver events to webhooks.

    Each kind of job has threads of its own (LOCALDATA_WORKER_COLLECT_THREADS, _PUBLISH_ and
    _DELIVER_), so a slow webhook receiver or source server holds up no other kind of work.
    Run as many workers as you like on PostgreSQL; they share the work and never take the
    same job. Stop one with Ctrl-C or SIGTERM: it finishes its jobs first. A worker that dies
    mid-job leaves it to be taken over by another once its lease runs out.

    Example: localdata worker
    """
    from localdata.collect.fetch import Fetcher
    from localdata.collect.work import BackgroundWorker, collection_worker

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with open_library() as library:
        if until_idle:
            fetcher = Fetcher(library.settings)
            try:
                worker = collection_worker(library, fetcher)
                done = worker.run(stop, until_idle=True)
            finally:
                fetcher.close()
            console.print(f"Worker {worker.name} stopped after {done} jobs.", markup=False)
            return
        pool = BackgroundWorker(library).start()
        while not stop.wait(1.0):
            pass
        pool.stop()
    console.print(f"Worker stopped after {pool.done} jobs.", markup=False)
