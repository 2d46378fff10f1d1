"""``localdata worker``: run collection and publishing jobs."""

from __future__ import annotations

import signal
import threading

import typer

from localdata.cli.library import open_library
from localdata.cli.output import console


def worker_command(
    until_idle: bool = typer.Option(
        False, "--until-idle", help="Stop when no job is ready, instead of waiting for more."
    ),
) -> None:
    """Run jobs: collect sources when they are due, and check and publish what they bring.

    Run as many workers as you like on PostgreSQL; they share the work and never take the
    same job. Stop one with Ctrl-C or SIGTERM: it finishes its job first. A worker that dies
    mid-job leaves it to be taken over by another once its lease runs out.

    Example: localdata worker
    """
    from localdata.collect.fetch import Fetcher
    from localdata.collect.work import collection_worker

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with open_library() as library:
        fetcher = Fetcher(library.settings)
        try:
            worker = collection_worker(library, fetcher)
            done = worker.run(stop, until_idle=until_idle)
        finally:
            fetcher.close()
    console.print(f"Worker {worker.name} stopped after {done} jobs.", markup=False)
