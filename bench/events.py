"""Benchmark webhook delivery: from a publish committing to 100 subscribers receiving it.

Run it from the repository root::

    python bench/events.py                         # SQLite in a temporary folder, 4 worker threads
    python bench/events.py --subscribers 100 --workers 2 --events 10
    python bench/events.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

It starts ``--subscribers`` webhook receivers, each its own HTTP server on 127.0.0.1, makes one
API key and one subscription per receiver, and runs ``--workers`` worker threads in this
process (``localdata serve`` runs one; ``localdata worker`` processes add more). Then:

1. latency: ``--events`` publishes of a small spend file, one at a time, ``--gap`` seconds
   apart (each from a different council, so each is one event); the latency of a delivery is
   the time from the event's ``time`` (set inside the publishing transaction, just before it
   commits, so the figure errs on the slow side) to the receiver getting the POST;
2. throughput: ``--events`` publishes back to back; deliveries per second is the number of
   deliveries over the time from the first publish to the last delivery received.

Every delivery is signed and checked by the receiver; the figures count only those that verify.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlalchemy as sa

from localdata.access import keys
from localdata.collect.fetch import Fetcher
from localdata.collect.work import collection_worker
from localdata.events import outbox, webhooks
from localdata.events.signing import verify
from localdata.events.tables import events
from localdata.registers import Register
from localdata.settings import Settings
from localdata.store.library import Library

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"


class Receivers:
    """The receivers: each POST is verified and its arrival time kept, by event id."""

    def __init__(self, count: int) -> None:
        self.lock = threading.Lock()
        self.arrivals: dict[str, list[float]] = {}
        self.bad = 0
        self.secrets: dict[int, str] = {}
        self.servers = [self._start(n) for n in range(count)]

    def _start(self, number: int) -> ThreadingHTTPServer:
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            def do_OPTIONS(self) -> None:
                self.send_response(200)
                origin = self.headers.get("WebHook-Request-Origin", "")
                self.send_header("WebHook-Allowed-Origin", origin)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                at = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                self.send_response(204)
                self.end_headers()
                receivers.record(number, headers, body, at)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def record(self, number: int, headers: dict[str, str], body: bytes, at: float) -> None:
        """Keep a delivery's arrival when its signature verifies."""
        try:
            verify(self.secrets[number], headers, body, int(at))
        except Exception:
            with self.lock:
                self.bad += 1
            return
        event = json.loads(body)
        with self.lock:
            self.arrivals.setdefault(event["id"], []).append(at)

    def url(self, number: int) -> str:
        """Where receiver ``number`` listens."""
        return f"http://127.0.0.1:{self.servers[number].server_address[1]}/hook"

    def received(self) -> int:
        """How many verified deliveries arrived."""
        with self.lock:
            return sum(len(v) for v in self.arrivals.values())

    def stop(self) -> None:
        """Stop every receiver."""
        for server in self.servers:
            server.shutdown()
            server.server_close()


def subscribe(library: Library, receivers: Receivers) -> None:
    """One key and one subscription per receiver."""
    for number in range(len(receivers.servers)):
        with library.access.transaction() as conn:
            _, secret = keys.create_key(
                conn,
                library.access.log,
                name=f"bench {number}",
                scopes=["read"],
                actor="bench",
                organisation="local-authority:HYN",
            )
        principal = library.access.key_principal(secret)
        _, signing = webhooks.create_subscription(library, principal, url=receivers.url(number))
        receivers.secrets[number] = signing


def councils(count: int) -> list[str]:
    """``count`` organisation ids from the register."""
    found = [
        o.id for o in Register.default() if o.id.startswith("local-authority:") and not o.end_date
    ]
    return found[:count]


def publish(library: Library, organisation: str, seed: int) -> dt.datetime:
    """Publish a small spend file for an organisation; return when its event was made."""
    body = HEADER + f"05/03/2024,T{seed},1,{100 + seed}.00,SUPPLIER {seed}\n"
    library.publish(body.encode(), "spend", organisation, filename="spend.csv")
    with library.database.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(events.c.time))).scalar_one()


def wait_for(receivers: Receivers, expected: int, seconds: float) -> bool:
    """Wait until ``expected`` verified deliveries arrived (True), or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while receivers.received() < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return receivers.received() >= expected


def latencies(receivers: Receivers, library: Library, since: int) -> list[float]:
    """Seconds from each event's time to each of its arrivals, for events after ``since``."""
    with library.database.engine.connect() as conn:
        made = {e.event.id: e.event.time.timestamp() for e in outbox.read(conn, after=since)}
    with receivers.lock:
        return [
            at - made[i] for i, times in receivers.arrivals.items() if i in made for at in times
        ]


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--gap", type=float, default=1.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="localdata-bench-events-"))
    url = args.database_url
    schema = None
    if url and url.startswith("postgresql"):
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.schema.CreateSchema(schema))
        url = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
    settings = Settings(
        env="test",
        data_dir=folder,
        database_url=url,
        webhook_allow_private=True,
        worker_poll_seconds=0.5,
        secret_key="bench " + uuid.uuid4().hex,
        rate_limit_per_minute=100_000,
    )
    library = Library(settings)
    receivers = Receivers(args.subscribers)
    stop = threading.Event()
    threads = []
    fetcher = Fetcher(settings)
    try:
        subscribe(library, receivers)
        for _ in range(args.workers):
            worker = collection_worker(library, fetcher, schedule=False)
            thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
            thread.start()
            threads.append(thread)
        orgs = councils(2 * args.events)
        print(
            f"{args.subscribers} subscribers, {args.workers} worker threads, "
            f"{library.database.engine.dialect.name}",
            file=sys.stderr,
        )
        missing = 0
        for n, org in enumerate(orgs[: args.events]):
            publish(library, org, n)
            if not wait_for(receivers, (n + 1) * args.subscribers - missing, 60):
                missing = (n + 1) * args.subscribers - receivers.received()
            time.sleep(args.gap)
        spaced = latencies(receivers, library, 0)
        with library.database.engine.connect() as conn:
            before_burst = outbox.latest_seq(conn)
        already = receivers.received()
        started = time.time()
        for n, org in enumerate(orgs[args.events :]):
            publish(library, org, 1000 + n)
        expected = already + args.events * args.subscribers
        if not wait_for(receivers, expected, 300):
            missing += expected - receivers.received()
        with receivers.lock:
            last = max((at for times in receivers.arrivals.values() for at in times), default=0)
        burst = latencies(receivers, library, before_burst)
        delivered = receivers.received() - already
        per_second = delivered / (last - started) if last > started else 0.0
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        fetcher.close()
        receivers.stop()
        library.close()
        shutil.rmtree(folder, ignore_errors=True)
        if schema:
            with admin.begin() as conn:
                conn.execute(sa.schema.DropSchema(schema, cascade=True))
    print(f"publishes one at a time: {len(spaced)} deliveries")
    print(f"  p50 {percentile(spaced, 0.5):.3f} s, p99 {percentile(spaced, 0.99):.3f} s")
    if spaced:
        print(f"  mean {statistics.mean(spaced):.3f} s, max {max(spaced):.3f} s")
    print(f"burst of {args.events} publishes: {delivered} deliveries, {per_second:.0f} a second")
    print(f"  p50 {percentile(burst, 0.5):.3f} s, p99 {percentile(burst, 0.99):.3f} s")
    print(f"bad signatures: {receivers.bad}")
    print(f"deliveries that never arrived: {missing}")
    return 1 if missing or receivers.bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
