"""Benchmark collection: sources processed per minute by 1, 2 and 4 workers on PostgreSQL.

Run it from the repository root, with PostgreSQL reachable::

    python bench/collect.py                                 # 60 sources, 1, 2 and 4 workers
    python bench/collect.py --sources 40 --workers 1 2
    LOCALDATA_BENCH_DATABASE_URL=postgresql+psycopg://user@host/db python bench/collect.py

For each number of workers it:

1. creates a PostgreSQL schema and a data folder of its own (both removed afterwards);
2. starts the workers (real ``localdata worker`` processes, idle until there is work), so
   interpreter start-up is not measured;
3. serves ``--sources`` spend files of ``--rows`` rows each (10,000 by default; different
   suppliers and amounts per file) from an HTTP server on 127.0.0.1, and registers one source
   per council, all due at once;
4. measures the time from registering the sources until every collect and publish job is done,
   and checks that each source was collected once and published once.

A source is "processed" when it has been fetched, checked and published. All sources publish
the same dataset (spend), and publishes to one dataset take turns (the lake's write lock), so
the checks run in parallel but the Delta commits do not. The machine's core count bounds the
scaling: on 2 cores, 4 workers cannot beat 2 by much.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlalchemy as sa

from localdata.collect.sources import add_source
from localdata.collect.tables import attempts
from localdata.jobs import queue
from localdata.registers import Register
from localdata.settings import Settings
from localdata.store.library import Library

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name,Expense Type\n"
SUPPLIERS = ["ACME LTD", "BETA SERVICES", "GAMMA CARE", "DELTA ROADS", "EPSILON IT"]


def spend_file(rows: int, seed: int) -> bytes:
    """A spend CSV of ``rows`` rows, different for each seed."""
    rng = random.Random(seed)
    lines = [HEADER]
    for n in range(rows):
        day = rng.randint(1, 28)
        amount = rng.randint(50_000, 5_000_000) / 100
        supplier = rng.choice(SUPPLIERS)
        lines.append(f"{day:02d}/03/2025,T{seed}-{n},1,{amount:.2f},{supplier},Services\n")
    return "".join(lines).encode()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """A file server for ``folder`` on a free port of 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


MOST_SECONDS = 900  # one run of the workers; past it something is wrong


def scoped_url(url: str, schema: str) -> str:
    """The URL with connections using ``schema``."""
    scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False)


def run(workers: int, sources: int, rows: int, url: str, files: Path) -> float:
    """Seconds for ``workers`` workers to collect and publish ``sources`` sources."""
    schema = f"bench_collect_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    folder = Path(tempfile.mkdtemp(prefix="bench-collect-"))
    settings = Settings(env="test", data_dir=folder / "data", database_url=scoped_url(url, schema))
    library = Library(settings)
    env = {
        **os.environ,
        "LOCALDATA_ENV": "test",
        "LOCALDATA_DATA_DIR": str(settings.data_dir),
        "LOCALDATA_DATABASE_URL": settings.sqlalchemy_url,
        "LOCALDATA_COLLECT_ALLOW_PRIVATE": "true",
        "LOCALDATA_WORKER_POLL_SECONDS": "0.1",
    }
    command = [str(Path(sys.executable).parent / "localdata"), "worker"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL) for _ in range(workers)
    ]
    server, base = serve(files)
    try:
        time.sleep(3)  # let the workers start before the clock does
        councils = [o.id for o in Register.default() if o.is_council and o.is_current]
        started = time.monotonic()
        for n in range(sources):
            add_source(library, "spend", councils[n], f"{base}/{n}.csv")
        deadline = started + MOST_SECONDS
        while True:
            with library.database.transaction() as conn:
                counts = queue.counts(conn)
            if counts["done"] + counts["failed"] >= 2 * sources:
                break
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise SystemExit(
                    f"{workers} workers: stopped waiting with jobs {dict(counts)} "
                    f"(a worker exited, or {MOST_SECONDS} s passed)"
                )
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        with library.database.transaction() as conn:
            collected = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar()
        published = len(library.versions("spend"))
        if counts["failed"] or collected != sources or published != sources:
            raise SystemExit(
                f"{workers} workers: {counts['failed']} jobs failed, {collected} attempts, "
                f"{published} versions for {sources} sources"
            )
        return elapsed
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        server.shutdown()
        library.close()
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True))
        admin.dispose()
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=60)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    url = os.environ.get("LOCALDATA_BENCH_DATABASE_URL", DEFAULT_URL)
    files = Path(tempfile.mkdtemp(prefix="bench-collect-files-"))
    for n in range(args.sources):
        (files / f"{n}.csv").write_bytes(spend_file(args.rows, n))
    size = (files / "0.csv").stat().st_size
    print(f"{args.sources} sources, each a {args.rows:,}-row spend file of {size:,} bytes")
    print(f"{os.cpu_count()} CPU cores; PostgreSQL; every source due at once\n")
    print("workers  seconds  sources/minute  vs 1 worker")
    base: float | None = None
    try:
        for workers in args.workers:
            seconds = run(workers, args.sources, args.rows, url, files)
            rate = args.sources / seconds * 60
            base = base or rate
            print(f"{workers:>7}  {seconds:>7.1f}  {rate:>14.1f}  {rate / base:>10.2f}x")
    finally:
        shutil.rmtree(files)


if __name__ == "__main__":
    main()
