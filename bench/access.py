"""Benchmark what the access gate and the audit log cost on a restricted read.

Run it from the repository root::

    python bench/access.py              # 1,000 rows, 100 reads of each kind, on SQLite
    python bench/access.py --json
    python bench/access.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

With ``--database-url`` the metadata database is PostgreSQL, in a schema of its own that is
dropped afterwards.

What it does, in one run:

1. Builds a library in a temporary folder (SQLite, the default), publishes a spend file of
   ``--rows`` rows for Lancashire into it, and records an active data sharing agreement by
   which Lancashire shares every field of it with Hyndburn for fraud prevention, so the
   restricted read returns the same rows and fields as the open one.
2. Times the same read (a page of all ``--rows`` records through ``Library.page``, and the
   same rows as a CSV download through ``Library.export``) twice over:

   - open: the dataset's access level is ``open``, read anonymously: no gate work, no audit;
   - restricted: the level is ``restricted``, read by a Hyndburn user: the gate reads the
     level and the agreements, narrows rows and fields, and appends an audit entry with every
     record identifier (and a signed checkpoint every ``audit_checkpoint_every`` entries) in
     its own transaction before the rows are returned.

   Each read runs ``--repeat`` times, alternating the two so a busy machine slows both alike;
   the median is reported.
3. Prints the medians and the overhead of restricted over open, with PASS or MISS against the
   target of 20%, and checks the audit log verifies afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from localdata.access import agreements
from localdata.access.model import ALL_SCOPES, ANONYMOUS, SYSTEM, Principal
from localdata.settings import Settings
from localdata.store.library import Library

LAN = "local-authority:LAN"
HYN = "local-authority:HYN"
TARGET = 0.20
HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name,Department\n"


def spend_file(rows: int) -> bytes:
    """A clean spend file of ``rows`` rows."""
    lines = (
        f"{1 + i % 28:02d}/03/2024,T{i},1,{100 + i % 5000}.00,SUPPLIER {i % 300},Dept {i % 7}\n"
        for i in range(rows)
    )
    return (HEADER + "".join(lines)).encode()


def set_up(folder: Path, rows: int, database_url: str | None = None) -> Library:
    """A library with ``rows`` rows of Lancashire's spend and an agreement with Hyndburn."""
    library = Library(Settings(env="test", data_dir=folder, database_url=database_url))
    done = library.publish(spend_file(rows), "spend", LAN, filename="spend.csv")
    assert done.published
    today = date.today()
    terms = agreements.Terms(
        id="lan-hyn-fraud",
        title="Lancashire shares spend with Hyndburn",
        provider=LAN,
        receivers=[HYN],
        purpose="fraud-prevention",
        purpose_description="Finding duplicate payments.",
        legal_gateway="Digital Economy Act 2017 Part 5",
        article6_basis="public-task",
        datasets=["spend"],
        fields={"spend": [f.name for f in library.standards.get("spend").fields]},
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=365),
        review_on=today + timedelta(days=180),
        dpia_reference="DPIA-BENCH",
    )
    with library.access.transaction() as conn:
        log = library.access.log
        agreements.create_agreement(conn, log, terms, by=_officer(LAN))
        for party in (LAN, HYN):
            agreements.sign_agreement(conn, log, terms.id, party, by=_officer(party))
        agreements.set_state(conn, log, terms.id, "active", by=_officer(LAN))
    return library


def _officer(organisation: str) -> Principal:
    """An information governance officer of the organisation: each party signs for itself."""
    roles = {organisation: frozenset({"information-governance"})}
    return Principal("user", "usr_bench_ig", "usr_bench_ig", roles, ALL_SCOPES)


@contextmanager
def scratch_schema(url: str | None) -> Iterator[str | None]:
    """A URL whose connections use a new schema, dropped afterwards (None stays None)."""
    if url is None:
        yield None
        return
    schema = f"bench_{uuid.uuid4().hex}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema))
    try:
        scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema, cascade=True))
        admin.dispose()


def timed(read: Callable[[], object]) -> float:
    started = time.perf_counter()
    read()
    return time.perf_counter() - started


def measure(library: Library, rows: int, repeat: int) -> dict[str, dict[str, float]]:
    """Median seconds of each read, open and restricted, alternating."""
    reader = Principal(
        "user", "usr_bench", "usr_bench", {HYN: frozenset({"viewer"})}, frozenset({"read"})
    )
    size = [("_size", str(min(rows, 1000)))]
    reads: dict[str, Callable[[Principal], object]] = {
        "page": lambda p: library.page("spend", size, principal=p),
        "csv": lambda p: b"".join(library.export("spend", [], "csv", principal=p)),
    }
    results: dict[str, dict[str, list[float]]] = {k: {"open": [], "restricted": []} for k in reads}
    for _ in range(repeat):
        for name, read in reads.items():
            library.access.set_level("spend", "open", by=SYSTEM)
            results[name]["open"].append(timed(lambda: read(ANONYMOUS)))  # noqa: B023
            library.access.set_level("spend", "restricted", by=SYSTEM)
            results[name]["restricted"].append(timed(lambda: read(reader)))  # noqa: B023
    return {
        name: {kind: statistics.median(times) for kind, times in kinds.items()}
        for name, kinds in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--database-url", help="A PostgreSQL URL (a schema is made and dropped).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, scratch_schema(args.database_url) as url:
        library = set_up(Path(folder) / "data", args.rows, url)
        for _ in range(3):  # warm up: first reads load the Delta log and the standard
            measure(library, args.rows, 1)
        figures = measure(library, args.rows, args.repeat)
        verified = library.access.verify()
        library.close()
    report = {
        name: kinds | {"overhead": kinds["restricted"] / kinds["open"] - 1}
        for name, kinds in figures.items()
    }
    if args.json:
        print(json.dumps(report | {"audit_entries": verified.entries, "audit_ok": verified.ok}))
        return
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.rows:,}-row read, median of {args.repeat} ({database}, one process):")
    for name, row in report.items():
        verdict = "PASS" if row["overhead"] < TARGET else "MISS"
        print(
            f"  {name:<5} open {row['open'] * 1000:7.2f} ms   restricted "
            f"{row['restricted'] * 1000:7.2f} ms   overhead {row['overhead']:+.1%}  "
            f"(target < {TARGET:.0%}) {verdict}"
        )
    print(f"  audit log: {verified.entries:,} entries, intact: {verified.ok}")


if __name__ == "__main__":
    main()
