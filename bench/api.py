"""Benchmark the records API against Datasette on a national spend dataset.

Run it from the repository root, with Datasette installed (``pip install "datasette==0.65.*"``)::

    python bench/api.py --rows 1000000          # a quick run
    python bench/api.py                          # 10,000,000 rows
    python bench/api.py --json                   # the figures as JSON

What it does, in one run:

1. Builds the national ``spend`` dataset once, and reuses it when it is already there, in
   ``--workdir`` (``bench/out/api/`` by default). For each of the 317 current councils it
   generates a realistic spend file of about ``--rows / 317`` rows (``Payment Date,
   Transaction Number, Line, Net Amount, Supplier Name, Supplier ID, Service Area, Expense
   Type, Purpose, Capital or Revenue``: mixed date styles, amounts with ``£`` and thousands
   separators, a few thousand company-like suppliers with a long tail, invoices split over
   lines; seeded, with NumPy and Polars) and publishes it with ``Library.publish``, the real
   path: check, then one Delta commit per council. It times the generation and each publish.
   Then it reads the same rows back from the Delta table, one council at a time, into a
   SQLite file ``spend.db`` with a table ``spend`` whose columns have the library's field
   names (``amount``, ``supplier-name``, ...), and no index: Datasette's default settings.

2. Starts both servers for real on 127.0.0.1, each in its own process on a free port:
   ``python -m localdata serve`` and ``python -m datasette serve spend.db``, both with
   default settings, and waits until each answers. It installs nothing: without Datasette,
   the localdata figures are measured alone and the comparisons show ``-``.

3. Measures, one server at a time, so that they never compete for the two cores:

   a. a filtered page: one council's payments over £500, 100 rows (``organisation=...&
      amount__gt=500&_size=100``, the same query string for both, since both name their
      filters ``field__op``). Each request asks for the next of ten councils spread through
      the register, so no server answers one query from a warm cache;
   b. an unselective filter: ``supplier-name__contains=ltd``, 100 rows;
   c. the whole dataset as CSV: ``records.csv`` from localdata, and from Datasette what a
      user would ask for, ``spend.csv?_stream=on&_size=max``, which stops at its
      ``max_csv_mb`` cap (100 MB by default); the table says how far it got;
   d. the whole dataset as Parquet from localdata, against (c).

   Pages are ``--requests`` requests over ``--concurrency`` client threads (httpx), after a
   few warm-up requests, each scenario bounded by ``--time-limit`` seconds. Exports are
   streamed and counted (bytes, lines; the Parquet file's row count from its footer), each
   bounded by ``--export-time-limit`` seconds.

   ``--datasette-setting NAME VALUE`` passes settings to Datasette; with its defaults and 10
   million rows it answers every page with a 400 (its suggested facets count the rows under
   its one-second limit), so ``--datasette-setting suggest_facets off`` is the way to see
   figures from a Datasette that answers.

4. Prints a table and the figures against the targets, with PASS or MISS: localdata's
   filtered pages at least as many per second as Datasette's; its unselective filter at least
   5 times Datasette's; its CSV export at least 300,000 rows per second; its Parquet export
   at least 3 times faster than its CSV export. The exit code is 0 whatever the figures are,
   and 1 only when something crashed: the build, a server that did not start or died, or a
   localdata request that failed with a server error or no answer.

Both servers are stopped at the end, always (their whole process group, by its id).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import polars as pl
from check import (
    CAPITAL_OR_REVENUE,
    EXPENSE_TYPES,
    SERVICE_AREAS,
    amounts,
    make_suppliers,
    payment_dates,
    pick,
    pick_long_tail,
    purposes,
)

from localdata.registers import Register
from localdata.settings import Settings
from localdata.store.library import Library

HERE = Path(__file__).resolve().parent
BUILD_VERSION = 1  # bump when the generated files or the SQLite load change
MIB = 1024 * 1024
PAGE_SIZE = 100
WARM_UP = 5
COUNCIL_SAMPLE = 10
EXAMPLE_COUNCIL = "local-authority:HYN"
CORES = os.cpu_count() or 1
READY_SECONDS = 120
REQUEST_TIMEOUT = 60.0
RECORDS = "/api/v1/datasets/spend/records"
TABLE = "/spend/spend"


def say(message: str) -> None:
    """Progress, on standard error so that standard output stays clean for --json."""
    print(message, file=sys.stderr, flush=True)


# --- the national dataset -------------------------------------------------------------------


def current_councils() -> list[str]:
    """The ids of the current councils, in the register's order."""
    return [o.id for o in Register.default() if o.is_council and o.is_current]


def split_rows(rows: int, parts: int) -> list[int]:
    """``rows`` shared as evenly as can be between ``parts`` files."""
    base, extra = divmod(rows, parts)
    return [base + (index < extra) for index in range(parts)]


def council_file(seed: int, index: int, size: int) -> bytes:
    """One council's spend file: ``size`` rows of CSV, as its finance system exports them."""
    rng = np.random.default_rng([seed, index])
    suppliers = make_suppliers(rng)  # each council buys from its own few thousand suppliers
    supplier = suppliers[pick_long_tail(rng, suppliers.height, size)]
    invoice, line = invoice_lines(rng, size)
    frame = pl.DataFrame(
        {
            "Payment Date": payment_dates(rng, size),
            "Transaction Number": "INV" + pl.Series(invoice).cast(pl.String).str.zfill(8),
            "Line": line,
            "Net Amount": amounts(rng, size),
            "Supplier Name": supplier["name"],
            "Supplier ID": supplier["id"],
            "Service Area": pick(rng, SERVICE_AREAS, size),
            "Expense Type": pick(rng, EXPENSE_TYPES, size),
            "Purpose": purposes(rng, size),
            "Capital or Revenue": pick(rng, CAPITAL_OR_REVENUE, size, [0.7, 0.1, 0.15, 0.05]),
        }
    )
    return frame.write_csv(line_terminator="\r\n").encode()


def invoice_lines(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Invoice numbers and line numbers; about one row in twenty is a further line."""
    new_invoice = rng.random(size) >= 0.05
    new_invoice[:1] = True
    invoice = np.cumsum(new_invoice)
    first_row = np.flatnonzero(new_invoice)[invoice - 1]
    return invoice, np.arange(size) - first_row + 1


@dataclass
class Build:
    """How the dataset was built: rows, councils and how long each step took."""

    rows: int
    councils: int
    generate_seconds: float
    publish_seconds: float
    publish_file_seconds: dict[str, float]
    sqlite_seconds: float = 0.0
    sqlite_mib: float = 0.0
    lake_mib: float = 0.0
    reused: bool = False


def dataset_folder(workdir: Path, rows: int, seed: int) -> Path:
    """Where the library and the SQLite file for this size and seed live."""
    return workdir / f"spend-{rows}-seed{seed}-v{BUILD_VERSION}"


def ensure_dataset(folder: Path, rows: int, seed: int) -> Build:
    """The dataset for this size and seed: each part built unless it is already there."""
    marker, database = folder / "build.json", folder / "spend.db"
    if marker.exists():
        build = Build(**json.loads(marker.read_text()))
        build.reused = True
    else:
        build = publish_councils(folder / "library", rows, seed)
        build.lake_mib = folder_size(folder / "library" / "lake") / MIB
        database.unlink(missing_ok=True)
    if not database.exists():
        build.sqlite_seconds = load_sqlite(folder / "library" / "lake" / "spend", database)
        build.sqlite_mib = database.stat().st_size / MIB
    marker.write_text(json.dumps(asdict(build) | {"reused": False}, indent=2))
    return build


def publish_councils(data_dir: Path, rows: int, seed: int) -> Build:
    """Generate each council's file and publish it into a new library at ``data_dir``."""
    shutil.rmtree(data_dir, ignore_errors=True)  # what a build that stopped half way left
    data_dir.mkdir(parents=True)
    councils = current_councils()
    library = Library(Settings(data_dir=data_dir, env="test"))
    generating, publishing = [], []
    try:
        sizes = split_rows(rows, len(councils))
        for index, (council, size) in enumerate(zip(councils, sizes, strict=True)):
            started = time.perf_counter()
            data = council_file(seed, index, size)
            generated = time.perf_counter()
            publish_one(library, data, council)
            generating.append(generated - started)
            publishing.append(time.perf_counter() - generated)
            if (index + 1) % 25 == 0 or index + 1 == len(councils):
                say(f"published {index + 1}/{len(councils)} councils, {sum(publishing):.0f} s")
    finally:
        library.close()
    return Build(rows, len(councils), sum(generating), sum(publishing), spread(publishing))


def publish_one(library: Library, data: bytes, council: str) -> None:
    """Publish one council's file, or stop the build if the library did not take it."""
    slug = council.split(":")[-1].lower()
    publication = library.publish(data, "spend", council, filename=f"{slug}-spend.csv")
    if not publication.published:
        raise RuntimeError(f"{council}: the library {publication.submission.status} the file")


def spread(seconds: list[float]) -> dict[str, float]:
    """The fastest, median, slowest, first tenth and last tenth of a list of timings."""
    tenth = max(1, len(seconds) // 10)
    return {
        "min": min(seconds),
        "median": float(np.median(seconds)),
        "max": max(seconds),
        "first_tenth_mean": float(np.mean(seconds[:tenth])),
        "last_tenth_mean": float(np.mean(seconds[-tenth:])),
    }


def folder_size(folder: Path) -> int:
    """Bytes in every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


SQLITE_TYPES = {pl.Int64: "INTEGER", pl.Decimal: "REAL", pl.Float64: "REAL"}
CSV_NAMES = {"_resource": "resource", "_row": "row", "_entry_date": "entry_date"}


def load_sqlite(table: Path, database: Path) -> float:
    """Copy the Delta table's current rows, one council at a time, into ``spend.db``."""
    started = time.perf_counter()
    partial = database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    scan = pl.scan_delta(str(table))
    schema = scan.collect_schema()
    with sqlite3.connect(partial) as conn:
        conn.execute("pragma journal_mode = off")  # for the load only; the file is ordinary
        conn.execute(create_table(schema))
        insert = f"insert into spend values ({', '.join('?' * len(schema))})"
        for council in sorted(current_councils()):
            rows = scan.filter(pl.col("organisation") == council).collect()
            conn.executemany(insert, for_sqlite(rows).iter_rows())
            conn.commit()
    partial.replace(database)
    return time.perf_counter() - started


def create_table(schema: pl.Schema) -> str:
    """The ``create table`` for ``spend``: the columns of localdata's CSV, with no index."""
    columns = [
        f'"{CSV_NAMES.get(name, name)}" {SQLITE_TYPES.get(type(dtype), "TEXT")}'
        for name, dtype in schema.items()
    ]
    return f"create table spend ({', '.join(columns)})"


def for_sqlite(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows with amounts as floats and dates as ISO text, which SQLite stores as they are."""
    return rows.with_columns(
        pl.col(pl.Decimal).cast(pl.Float64), pl.col(pl.Date, pl.Datetime).cast(pl.String)
    )


# --- the servers ----------------------------------------------------------------------------


class ServerFailed(Exception):
    """A server did not start, or stopped while it was being measured."""


@dataclass
class Server:
    """One server, run in its own process group on a free port of 127.0.0.1."""

    name: str
    command: list[str]
    ready_path: str
    log_stem: Path
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    peak_rss_mib: float = 0.0
    note: str = ""

    @property
    def base_url(self) -> str:
        """The address the server answers on."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server, logging to ``<log_stem>.out`` and ``.err``."""
        self.port = free_port()
        command = [*self.command, "--host", "127.0.0.1", "--port", str(self.port)]
        out, err = self.log_stem.with_suffix(".out"), self.log_stem.with_suffix(".err")
        with out.open("wb") as stdout, err.open("wb") as stderr:
            self.process = subprocess.Popen(
                command, stdout=stdout, stderr=stderr, env=self.env, start_new_session=True
            )

    def wait_until_ready(self) -> float:
        """Seconds until the server answered ``ready_path``; ServerFailed if it never did."""
        started = time.perf_counter()
        with httpx.Client(base_url=self.base_url, timeout=5.0) as client:
            while time.perf_counter() - started < READY_SECONDS:
                self.check_alive()
                try:
                    if client.get(self.ready_path).status_code < 500:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.25)
        raise ServerFailed(f"{self.name} did not answer within {READY_SECONDS} s")

    def check_alive(self) -> None:
        """ServerFailed, with the last line of its log, if the server has stopped."""
        if self.process is None or self.process.poll() is not None:
            lines = self.log_stem.with_suffix(".err").read_text(errors="replace").splitlines()
            raise ServerFailed(f"{self.name} stopped: {lines[-1] if lines else 'no output'}")

    def stop(self) -> None:
        """Stop the server's process group: politely, then firmly after ten seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.peak_rss_mib = peak_rss_mib(self.process.pid)
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            with suppress(ProcessLookupError):  # already gone
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


@contextmanager
def running(server: Server) -> Iterator[Server]:
    """The server, started and answering; stopped on the way out, whatever happened."""
    try:
        server.start()
        seconds = server.wait_until_ready()
        say(f"{server.name} answers on {server.base_url} after {seconds:.1f} s")
        yield server
    finally:
        server.stop()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident memory from /proc (0 where there is no /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(found[0]) / 1024 if found else 0.0


def localdata_server(data_dir: Path, workdir: Path) -> Server:
    """``localdata serve`` on the built library."""
    env = dict(os.environ) | {"LOCALDATA_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "localdata", "serve"]
    return Server("localdata", command, "/api/v1/datasets/spend", workdir / "localdata", env)


def datasette_server(database: Path, workdir: Path, settings: list[list[str]]) -> Server:
    """``datasette serve spend.db``, with default settings unless others are given."""
    command = [sys.executable, "-m", "datasette", "serve", str(database)]
    command += [part for setting in settings for part in ("--setting", *setting)]
    server = Server("datasette", command, "/-/versions.json", workdir / "datasette")
    server.note = "settings: " + (", ".join(" ".join(s) for s in settings) or "defaults")
    return server


def datasette_installed() -> bool:
    """Whether Datasette can be run by this interpreter."""
    return importlib.util.find_spec("datasette") is not None


# --- pages ----------------------------------------------------------------------------------

Request = tuple[str, dict[str, str]]


@dataclass
class Pages:
    """What one server did with one scenario's requests."""

    scenario: str
    server: str
    requests: int
    ok: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None
    statuses: dict[str, int]
    sample: dict[str, Any]

    @property
    def per_second(self) -> float:
        """Successful answers per second."""
        return self.ok / self.seconds if self.seconds > 0 else 0.0


def filtered_requests(server: str, councils: list[str]) -> list[Request]:
    """(a) One council's payments over £500, a page of 100, a different council each time."""
    path = RECORDS if server == "localdata" else f"{TABLE}.json"
    return [
        (path, {"organisation": council, "amount__gt": "500", "_size": str(PAGE_SIZE)})
        for council in councils
    ]


def unselective_requests(server: str) -> list[Request]:
    """(b) Suppliers whose names contain "ltd", a page of 100."""
    path = RECORDS if server == "localdata" else f"{TABLE}.json"
    return [(path, {"supplier-name__contains": "ltd", "_size": str(PAGE_SIZE)})]


def sample_councils(councils: list[str]) -> list[str]:
    """The example council and others spread evenly through the sorted register."""
    ordered = sorted(councils)
    step = max(1, len(ordered) // (COUNCIL_SAMPLE - 1))
    spread_out = [c for c in ordered[step // 2 :: step] if c != EXAMPLE_COUNCIL]
    return [EXAMPLE_COUNCIL, *spread_out][:COUNCIL_SAMPLE]


def measure_pages(
    server: Server, scenario: str, requests: list[Request], options: argparse.Namespace
) -> Pages:
    """Warm up, then send ``--requests`` requests over ``--concurrency`` threads."""
    sample = warm_up(server, requests)
    results: list[tuple[float, str]] = []
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.perf_counter() + options.time_limit

    def client_thread() -> None:
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            while (index := next(counter)) < options.requests:
                if time.perf_counter() > deadline:
                    return
                path, params = requests[index % len(requests)]
                result = timed_get(client, path, params)
                with lock:
                    results.append(result)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=client_thread, daemon=True) for _ in range(options.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    server.check_alive()
    return summarise_pages(scenario, server.name, results, seconds, sample)


def timed_get(client: httpx.Client, path: str, params: dict[str, str]) -> tuple[float, str]:
    """Seconds a GET took to its last byte, and its status (or the error's name)."""
    started = time.perf_counter()
    try:
        status = str(client.get(path, params=params).status_code)
    except httpx.HTTPError as error:
        status = type(error).__name__
    return time.perf_counter() - started, status


def warm_up(server: Server, requests: list[Request]) -> dict[str, Any]:
    """Send a few requests first; return what the first page held, to show both agree."""
    try:
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT) as client:
            first = client.get(requests[0][0], params=requests[0][1])
            for path, params in itertools.islice(itertools.cycle(requests), 1, WARM_UP):
                client.get(path, params=params)
    except httpx.HTTPError as error:
        return {"status": type(error).__name__}
    return describe_page(first)


def describe_page(response: httpx.Response) -> dict[str, Any]:
    """The rows in a page and the total it reports (None where it gave up counting)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        return {"status": response.status_code, "error": response.text[:200]}
    if "records" in body:
        total = body.get("total")
        exact = body.get("total_is_exact")
        shown = total if exact else "not counted" if total is None else f"<= {total}"
        return {"rows": len(body["records"]), "total": shown}
    return {"rows": len(body.get("rows", [])), "total": body.get("filtered_table_rows_count")}


def summarise_pages(
    scenario: str, server: str, results: list[tuple[float, str]], seconds: float, sample: Any
) -> Pages:
    """Latency percentiles of the successful requests, and a count of each status."""
    ok = [latency for latency, status in results if status == "200"]
    p50, p99 = (np.percentile(ok, [50, 99]) * 1000).tolist() if ok else (None, None)
    statuses = dict(Counter(status for _, status in results))
    return Pages(scenario, server, len(results), len(ok), seconds, p50, p99, statuses, sample)


# --- exports --------------------------------------------------------------------------------


@dataclass
class Export:
    """What one whole-dataset download delivered, and how fast."""

    name: str
    server: str
    status: str
    rows: int
    bytes: int
    seconds: float
    first_byte_seconds: float
    note: str = ""

    @property
    def rows_per_second(self) -> float:
        """Rows delivered per second, to the last byte."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def measure_csv(
    server: Server,
    name: str,
    path: str,
    params: dict[str, str],
    *,
    expected: int,
    time_limit: float,
) -> Export:
    """Stream a CSV download to nowhere, counting bytes and lines."""
    lines, tail = 0, b""

    def count(chunk: bytes) -> None:
        nonlocal lines, tail
        lines += chunk.count(b"\n")
        tail = (tail + chunk)[-200:]

    export = stream(server, name, path, params, count, time_limit)
    export.rows = max(0, lines - 1)  # the header
    if b"CSV contains more than" in tail:
        export.note = "stopped at Datasette's max_csv_mb cap (100 MB by default)"
    elif export.rows < expected and not export.note:
        export.note = f"{export.rows:,} of {expected:,} rows"
    return export


def measure_parquet(server: Server, path: str, sink: Path, time_limit: float) -> Export:
    """Download the Parquet file into ``sink``, then read its row count from its footer."""
    import pyarrow.parquet as pq  # only this measurement needs it

    with sink.open("wb") as out:
        export = stream(server, "Parquet export", path, {}, out.write, time_limit)
    if export.status == "200" and not export.note:
        export.rows = pq.read_metadata(sink).num_rows
    sink.unlink()
    return export


def stream(
    server: Server,
    name: str,
    path: str,
    params: dict[str, str],
    consume: Callable[[bytes], object],
    time_limit: float,
) -> Export:
    """GET a download chunk by chunk, giving each chunk to ``consume``, within a time limit."""
    export = Export(name, server.name, "", 0, 0, 0.0, 0.0)
    started = time.perf_counter()
    timeout = httpx.Timeout(REQUEST_TIMEOUT, read=time_limit)
    try:
        with (
            httpx.Client(base_url=server.base_url, timeout=timeout) as client,
            client.stream("GET", path, params=params) as response,
        ):
            export.status = str(response.status_code)
            for chunk in response.iter_raw(MIB):
                export.first_byte_seconds = export.first_byte_seconds or (
                    time.perf_counter() - started
                )
                export.bytes += len(chunk)
                consume(chunk)
                if time.perf_counter() - started > time_limit:
                    export.note = f"stopped by the benchmark after {time_limit:.0f} s"
                    break
    except httpx.HTTPError as error:
        export.status = type(error).__name__
    export.seconds = time.perf_counter() - started
    server.check_alive()
    return export


# --- the verdict ----------------------------------------------------------------------------


@dataclass
class Target:
    """One figure compared with its target."""

    name: str
    value: float | None
    target: str
    passed: bool | None
    note: str = ""


def judge(pages: list[Pages], exports: list[Export]) -> list[Target]:
    """The four figures the API is held to, each with PASS, MISS or no verdict."""
    made = {(e.name, e.server): e for e in exports if e.status == "200" and e.rows}
    csv, parquet = made.get(("CSV export", "localdata")), made.get(("Parquet export", "localdata"))
    csv_rate = csv.rows_per_second if csv else None
    faster = ratio(csv.seconds if csv else None, parquet.seconds if parquet else None)
    return [
        against_datasette("(a) filtered page req/s, localdata ÷ Datasette", "filtered", pages, 1),
        against_datasette(
            "(b) contains 'ltd' req/s, localdata ÷ Datasette", "unselective", pages, 5
        ),
        Target("(c) localdata CSV export rows/s", csv_rate, ">= 300,000", at_least(csv_rate, 3e5)),
        Target("(d) CSV seconds ÷ Parquet seconds", faster, ">= 3", at_least(faster, 3)),
    ]


def against_datasette(name: str, scenario: str, pages: list[Pages], target: float) -> Target:
    """localdata's pages per second ÷ Datasette's; a pass when Datasette answered none."""
    ours, theirs = (
        next((p for p in pages if p.scenario == scenario and p.server == server), None)
        for server in ("localdata", "datasette")
    )
    if ours is None or theirs is None or not ours.ok:
        return Target(name, None, f">= {target}", None)
    if not theirs.ok:
        return Target(name, None, f">= {target}", True, "Datasette answered none")
    value = ours.per_second / theirs.per_second
    return Target(name, value, f">= {target}", value >= target)


def ratio(top: float | None, bottom: float | None) -> float | None:
    """top ÷ bottom, or None when either is missing or the bottom is zero."""
    return top / bottom if top and bottom else None


def at_least(value: float | None, target: float) -> bool | None:
    """Whether a figure meets its target; None when there is no figure."""
    return None if value is None else value >= target


# --- output ---------------------------------------------------------------------------------

SCENARIOS = {
    "filtered": "(a) organisation + amount > 500",
    "unselective": "(b) supplier-name contains ltd",
}


@dataclass
class Results:
    """Everything one run found."""

    build: Build
    pages: list[Pages]
    exports: list[Export]
    targets: list[Target]
    servers: list[Server]
    load_average: tuple[float, float]  # one-minute load average at the start and at the end


def render_table(results: Results) -> str:
    """The figures as a plain-text table, then the targets with their verdicts."""
    build, pages, exports = results.build, results.pages, results.exports
    targets, servers = results.targets, results.servers
    lines = [describe_build(build), ""]
    lines.append(
        f"{'scenario':<34}{'server':<11}{'ok/sent':>9}{'req/s':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}  first page"
    )
    for p in pages:
        lines.append(
            f"{SCENARIOS[p.scenario]:<34}{p.server:<11}{f'{p.ok}/{p.requests}':>9}"
            f"{p.per_second:>9.1f}{number(p.p50_ms):>9}{number(p.p99_ms):>9}  {page_note(p)}"
        )
    lines += [
        "",
        f"{'export':<34}{'server':<11}{'rows':>12}{'MiB':>8}{'seconds':>9}{'rows/s':>11}  note",
    ]
    for e in exports:
        note = e.note if e.status == "200" else f"status {e.status} {e.note}".strip()
        lines.append(
            f"{e.name:<34}{e.server:<11}{e.rows:>12,}{e.bytes / MIB:>8,.0f}"
            f"{e.seconds:>9.1f}{e.rows_per_second:>11,.0f}  {note}"
        )
    lines.append("")
    lines += [f"{s.name}: peak RSS {s.peak_rss_mib:,.0f} MiB {s.note}".rstrip() for s in servers]
    start, end = results.load_average
    lines.append(f"load average {start:.1f} at the start, {end:.1f} at the end, on {CORES} cores")
    for t in targets:
        shown = "n/a" if t.value is None else f"{t.value:,.2f}"
        mark = {True: "PASS", False: "MISS", None: "-"}[t.passed]
        lines.append(f"{t.name:<50}{shown:>12}  target {t.target:<11}{mark}  {t.note}".rstrip())
    return "\n".join(lines)


def describe_build(build: Build) -> str:
    """One paragraph on how the dataset was built."""
    per_file = build.publish_file_seconds
    how = "reused; built earlier" if build.reused else "built now"
    return (
        f"dataset: {build.rows:,} rows from {build.councils} councils ({how}): generated in "
        f"{build.generate_seconds:.0f} s, published in {build.publish_seconds:.0f} s "
        f"({build.publish_seconds / build.councils:.2f} s a file; median "
        f"{per_file['median']:.2f}, first tenth {per_file['first_tenth_mean']:.2f}, last tenth "
        f"{per_file['last_tenth_mean']:.2f}, slowest {per_file['max']:.2f}); Delta table "
        f"{build.lake_mib:,.0f} MiB; SQLite load {build.sqlite_seconds:.0f} s, "
        f"{build.sqlite_mib:,.0f} MiB"
    )


def number(value: float | None) -> str:
    """A latency in milliseconds, or a dash."""
    return "-" if value is None else f"{value:,.0f}"


def page_note(pages: Pages) -> str:
    """The first page's size and total, and any status other than 200."""
    sample = pages.sample
    note = (
        f"{sample['rows']} rows, total {sample['total']}"
        if "rows" in sample
        else f"status {sample.get('status')}"
    )
    others = {k: v for k, v in pages.statuses.items() if k != "200"}
    return note + (f"; failed {others}" if others else "")


def render_json(results: Results) -> str:
    """The figures as JSON, for scripts and for keeping a history of runs."""
    servers = results.servers
    return json.dumps(
        {
            "build": asdict(results.build),
            "pages": [asdict(p) | {"per_second": p.per_second} for p in results.pages],
            "exports": [
                asdict(e) | {"rows_per_second": e.rows_per_second} for e in results.exports
            ],
            "targets": [asdict(t) for t in results.targets],
            "servers": {s.name: {"peak_rss_mib": s.peak_rss_mib, "note": s.note} for s in servers},
            "load_average": results.load_average,
            "cores": CORES,
        },
        indent=2,
    )


# --- running it -----------------------------------------------------------------------------


def measure_localdata(
    server: Server, build: Build, councils: list[str], options: argparse.Namespace
) -> tuple[list[Pages], list[Export]]:
    """Pages (a) and (b), then the CSV (c) and Parquet (d) exports, from localdata."""
    pages = [
        measure_pages(server, "filtered", filtered_requests("localdata", councils), options),
        measure_pages(server, "unselective", unselective_requests("localdata"), options),
    ]
    say("localdata: pages measured; exporting CSV")
    csv = measure_csv(
        server,
        "CSV export",
        f"{RECORDS}.csv",
        {},
        expected=build.rows,
        time_limit=options.export_time_limit,
    )
    say("localdata: exporting Parquet")
    sink = options.workdir / "export.parquet"
    parquet = measure_parquet(server, f"{RECORDS}.parquet", sink, options.export_time_limit)
    return pages, [csv, parquet]


def measure_datasette(
    server: Server, build: Build, councils: list[str], options: argparse.Namespace
) -> tuple[list[Pages], list[Export]]:
    """Pages (a) and (b), then the streamed CSV (c), from Datasette."""
    pages = [
        measure_pages(server, "filtered", filtered_requests("datasette", councils), options),
        measure_pages(server, "unselective", unselective_requests("datasette"), options),
    ]
    say("datasette: pages measured; exporting CSV")
    csv = measure_csv(
        server,
        "CSV export",
        f"{TABLE}.csv",
        {"_stream": "on", "_size": "max"},
        expected=build.rows,
        time_limit=options.export_time_limit,
    )
    return pages, [csv]


def localdata_crashed(pages: list[Pages], exports: list[Export]) -> bool:
    """Whether localdata answered anything with a server error or not at all."""
    statuses = [s for p in pages if p.server == "localdata" for s in p.statuses]
    statuses += [e.status for e in exports if e.server == "localdata"]
    return any(not s.isdigit() or s.startswith("5") for s in statuses)


def parse_options(argv: list[str]) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows in the dataset")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated files")
    parser.add_argument(
        "--workdir", type=Path, default=HERE / "out" / "api", help="where the dataset goes"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument(
        "--time-limit", type=float, default=120, help="most seconds for one scenario's requests"
    )
    parser.add_argument(
        "--export-time-limit", type=float, default=600, help="most seconds for one export"
    )
    parser.add_argument(
        "--datasette-setting",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="pass --setting NAME VALUE to Datasette (repeatable; none by default)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def start(stack: ExitStack, server: Server) -> bool:
    """Start a server, to be stopped when the stack closes; False if it did not start."""
    try:
        stack.enter_context(running(server))
    except ServerFailed as error:
        say(str(error))
        return False
    return True


def main(argv: list[str]) -> int:
    """Build the dataset, measure both servers, print the figures; 1 if something crashed."""
    options = parse_options(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the servers are still stopped
    folder = dataset_folder(options.workdir, options.rows, options.seed)
    options.workdir.mkdir(parents=True, exist_ok=True)
    try:
        build = ensure_dataset(folder, options.rows, options.seed)
    except Exception as error:  # a benchmark reports what broke, and the exit code says so
        say(f"the build failed: {type(error).__name__}: {error}")
        return 1
    say(describe_build(build))
    councils = sample_councils(current_councils())
    servers = [localdata_server(folder / "library", options.workdir)]
    if datasette_installed():
        settings = options.datasette_setting
        servers.append(datasette_server(folder / "spend.db", options.workdir, settings))
    else:
        say('Datasette is not installed: pip install "datasette==0.65.*" to compare with it')
    load_at_start = os.getloadavg()[0]
    pages, exports, crashed = measure_all(servers, build, councils, options)
    targets = judge(pages, exports)
    results = Results(build, pages, exports, targets, servers, (load_at_start, os.getloadavg()[0]))
    print(render_json(results) if options.json else render_table(results))
    return 1 if crashed or localdata_crashed(pages, exports) else 0


def measure_all(
    servers: list[Server], build: Build, councils: list[str], options: argparse.Namespace
) -> tuple[list[Pages], list[Export], bool]:
    """Start every server, measure each in turn, stop them all; and whether one failed."""
    pages: list[Pages] = []
    exports: list[Export] = []
    measure = {"localdata": measure_localdata, "datasette": measure_datasette}
    with ExitStack() as stack:
        started = [server for server in servers if start(stack, server)]
        crashed = len(started) < len(servers)
        for server in started:  # one at a time, so they never compete for the cores
            try:
                found = measure[server.name](server, build, councils, options)
            except ServerFailed as error:
                say(str(error))
                crashed = True
                continue
            pages, exports = pages + found[0], exports + found[1]
    return pages, exports, crashed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
