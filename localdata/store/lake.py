"""The lake: one Delta Lake table per dataset, and raw files kept by their sha256.

Layout under the data folder::

    lake/<dataset>/            a Delta table, partitioned by organisation
    raw/<sha256[:2]>/<sha256>  every file ever submitted, exactly as it arrived

Publishing an organisation's rows is one Delta commit that replaces what the standard's
publication model says it replaces, and nothing else, so a reader sees either the old rows or the
new ones:

- a *snapshot* (``period`` None) replaces the organisation's whole partition;
- a *periodic* file replaces the organisation's rows for its period. Each periodic row carries
  ``_period_start`` and ``_period_end`` (the period of the file it came from) and
  ``_period_date``: its date in the standard's period field, moved into its file's period if it
  lies outside (a February payment in a March file counts as March's). Publishing period P
  removes the organisation's rows whose file period lies within P, and the rows whose
  ``_period_date`` falls in P. So a quarterly file replaces the monthly files it covers, and a
  month published after a quarter replaces only that month's rows of the quarterly file; rows of
  other periods are never touched, and no row is ever in the table twice. Rows published before
  periods existed have no ``_period_start``; their own date places them.

Writers to one dataset take a lock first (a file lock beside the table), so two publishes never
race. The metadata database records which Delta version each publish made; readers pin to the
versions it records, and a commit that a crash left unrecorded is rolled back by the next
publish. A table written before a standard gained fields (or periods) gains the columns on the
next publish (Delta schema evolution); older rows hold nulls in them.

Spark, Trino, DuckDB and Polars can read ``lake/<dataset>`` as an ordinary Delta table.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from deltalake import DeltaTable, Field
from deltalake.exceptions import TableNotFoundError
from deltalake.schema import PrimitiveType

from localdata.standards.periods import Period

PARTITION = "organisation"
PROVENANCE = ("_resource", "_row", "_entry_date")
PERIOD_COLUMNS = ("_period_start", "_period_end", "_period_date")
CHUNK = 1024 * 1024
KEPT_VERSIONS = 1024  # Delta versions whose partitions are kept in memory


class Lake:
    """The Delta tables and raw files under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # A Delta version never changes once written, so what it holds can be kept.
        self._partitions: dict[tuple[str, int], list[str]] = {}
        self._partition_rows: dict[tuple[str, int], dict[str, int]] = {}

    def table_path(self, dataset: str) -> Path:
        """Where the dataset's Delta table lives."""
        return self.root / "lake" / dataset

    def raw_path(self, sha256: str) -> Path:
        """Where the raw file with this sha256 is kept."""
        return self.root / "raw" / sha256[:2] / sha256

    def store_raw(self, source: Path | bytes) -> tuple[str, int]:
        """Keep a file by its content; return its sha256 and size. Storing it twice is a no-op."""
        digest, size, temporary = self._copy_hashing(source)
        target = self.raw_path(digest)
        if target.exists():
            temporary.unlink()
        else:
            temporary.replace(target)
        return digest, size

    def _copy_hashing(self, source: Path | bytes) -> tuple[str, int, Path]:
        folder = self.root / "raw"
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        with os.fdopen(handle, "wb") as out:
            for chunk in _chunks(source):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        hexdigest = digest.hexdigest()
        (folder / hexdigest[:2]).mkdir(exist_ok=True)
        return hexdigest, size, Path(name)

    @contextmanager
    def lock(self, dataset: str) -> Iterator[None]:
        """Hold the dataset's write lock (a file lock, across processes on this machine)."""
        path = self.root / "lake" / f".{dataset}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def version(self, dataset: str) -> int | None:
        """The dataset's latest Delta version, or None when it has no table yet."""
        table = self._table(dataset)
        return None if table is None else table.version()

    def replace(
        self,
        dataset: str,
        organisation: str,
        rows: pl.DataFrame,
        *,
        period: Period | None = None,
        period_field: str | None = None,
    ) -> Replacement:
        """Replace one organisation's rows (all of them, or a period's) in one commit.

        ``rows`` of a periodic file carry the ``PERIOD_COLUMNS`` (``stamp_period``). Returns the
        new Delta version and how many rows of each earlier file the commit removed. Call it
        while holding ``lock(dataset)``.
        """
        path = str(self.table_path(dataset))
        if not self.exists(dataset):
            rows.write_delta(path, mode="append", delta_write_options={"partition_by": [PARTITION]})
            return Replacement(self._version(dataset), {})
        if period is not None:
            self._add_period_columns(dataset)
        predicate = replaced_rows(organisation, period, period_field)
        removed = self._count_by_resource(dataset, predicate)
        rows.write_delta(
            path,
            mode="overwrite",
            delta_write_options={
                "partition_by": [PARTITION],
                "predicate": predicate,
                "schema_mode": "merge",
            },
        )
        return Replacement(self._version(dataset), removed)

    def _version(self, dataset: str) -> int:
        version = self.version(dataset)
        assert version is not None
        return version

    def _add_period_columns(self, dataset: str) -> None:
        """Give a table written before periods existed the period columns (a schema commit)."""
        table = DeltaTable(str(self.table_path(dataset)))
        have = {f.name for f in table.schema().fields}
        missing = [
            Field(name, PrimitiveType("date"), nullable=True)
            for name in PERIOD_COLUMNS
            if name not in have
        ]
        if missing:
            table.alter.add_columns(missing)

    def _count_by_resource(self, dataset: str, predicate: str) -> dict[str, int]:
        """How many rows of each file the predicate picks out of the latest version."""
        found = (
            pl.scan_delta(str(self.table_path(dataset)))
            .filter(pl.sql_expr(predicate))
            .group_by("_resource")
            .len()
            .collect()
        )
        return dict(found.iter_rows())

    def exists(self, dataset: str) -> bool:
        """Whether the dataset has a Delta table with at least one commit (without opening it)."""
        return any((self.table_path(dataset) / "_delta_log").glob("*.json"))

    def restore(self, dataset: str, version: int) -> None:
        """Roll the table back to an earlier version (a new commit; history is kept)."""
        table = self._table(dataset)
        if table is not None and table.version() != version:
            table.restore(version)

    def scan(self, dataset: str, version: int | None) -> pl.LazyFrame | None:
        """The dataset's rows at a Delta version (the latest when None), lazily."""
        if not self.exists(dataset):
            return None
        return pl.scan_delta(str(self.table_path(dataset)), version=version)

    def partitions(self, dataset: str, version: int | None) -> list[str]:
        """The organisations with rows in the dataset at a Delta version."""
        if version is not None and (dataset, version) in self._partitions:
            return self._partitions[(dataset, version)]
        if not self.exists(dataset):
            return []
        table = DeltaTable(str(self.table_path(dataset)), version=version)
        found = sorted({p[PARTITION] for p in table.partitions() if p.get(PARTITION)})
        if len(self._partitions) >= KEPT_VERSIONS:
            self._partitions.pop(next(iter(self._partitions)))
        self._partitions[(dataset, table.version())] = found
        return found

    def partition_rows(self, dataset: str, version: int) -> dict[str, int]:
        """How many rows each organisation has in the dataset at a Delta version.

        Read from the Delta log's file statistics, so no data file is opened.
        """
        if (dataset, version) in self._partition_rows:
            return self._partition_rows[(dataset, version)]
        table = DeltaTable(str(self.table_path(dataset)), version=version)
        actions = pl.DataFrame(table.get_add_actions(flatten=True))
        found: dict[str, int] = {}
        if actions.height and actions["num_records"].null_count() == 0:
            column = f"partition.{PARTITION}"
            totals = actions.group_by(column).agg(pl.col("num_records").sum())
            found = {org: int(rows) for org, rows in totals.iter_rows() if org is not None}
        elif actions.height:  # a writer that kept no statistics: count the rows themselves
            counted = pl.scan_delta(str(self.table_path(dataset)), version=version)
            totals = counted.group_by(PARTITION).len().collect()
            found = {org: int(rows) for org, rows in totals.iter_rows() if org is not None}
        if len(self._partition_rows) >= KEPT_VERSIONS:
            self._partition_rows.pop(next(iter(self._partition_rows)))
        self._partition_rows[(dataset, version)] = found
        return found

    def size_bytes(self, dataset: str, version: int | None) -> int:
        """The bytes of the Parquet files that make the dataset at a Delta version."""
        if not self.exists(dataset):
            return 0
        table = DeltaTable(str(self.table_path(dataset)), version=version)
        actions = pl.DataFrame(table.get_add_actions(flatten=True))
        return int(actions["size_bytes"].sum()) if actions.height else 0

    def _table(self, dataset: str) -> DeltaTable | None:
        try:
            return DeltaTable(str(self.table_path(dataset)))
        except TableNotFoundError:
            return None


@dataclass(frozen=True)
class Replacement:
    """What one publish did to the table: its Delta version, and the rows it took out."""

    version: int
    removed: dict[str, int]  # sha256 of an earlier file -> rows of it removed


def replaced_rows(organisation: str, period: Period | None, period_field: str | None) -> str:
    """The SQL predicate for the rows a publish replaces (see the module docstring).

    Delta and Polars both read it, so the rows counted are the rows removed. Values are quoted
    here and nothing else is interpolated: organisation ids are escaped, dates are ISO dates
    and the field name is a kebab-case standard field name.
    """
    quoted = organisation.replace("'", "''")
    mine = f"{PARTITION} = '{quoted}'"
    if period is None:
        return mine
    start, end = f"DATE '{period.start.isoformat()}'", f"DATE '{period.end.isoformat()}'"
    within = [
        f"(_period_start >= {start} AND _period_end <= {end})",
        f"(_period_date BETWEEN {start} AND {end})",
    ]
    if period_field is not None:
        within.append(f'(_period_start IS NULL AND "{period_field}" BETWEEN {start} AND {end})')
    return f"{mine} AND ({' OR '.join(within)})"


def stamp_period(rows: pl.DataFrame, period: Period, period_field: str | None) -> pl.DataFrame:
    """The rows of a periodic file with their period and each row's date within it."""
    start, end = pl.lit(period.start), pl.lit(period.end)
    if period_field is None:
        placed = pl.lit(None, dtype=pl.Date)
    else:
        own = pl.col(period_field).cast(pl.Date)
        placed = pl.when(own < start).then(start).when(own > end).then(end).otherwise(own)
    return rows.with_columns(
        start.alias("_period_start"), end.alias("_period_end"), placed.alias("_period_date")
    )


def _chunks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    with source.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
