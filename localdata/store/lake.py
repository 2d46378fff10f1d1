"""The lake: one Delta Lake table per dataset, and raw files kept by their sha256.

Layout under the data folder::

    lake/<dataset>/            a Delta table, partitioned by organisation
    raw/<sha256[:2]>/<sha256>  every file ever submitted, exactly as it arrived

Publishing an organisation's rows is one Delta commit that replaces that organisation's
partition and nothing else, so a reader sees either the old rows or the new ones. Writers to one
dataset take a lock first (a file lock beside the table), so two publishes never race. The
metadata database records which Delta version each publish made; readers pin to the versions it
records, and a commit that a crash left unrecorded is rolled back by the next publish.

Spark, Trino, DuckDB and Polars can read ``lake/<dataset>`` as an ordinary Delta table.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError

PARTITION = "organisation"
PROVENANCE = ("_resource", "_row", "_entry_date")
CHUNK = 1024 * 1024
KEPT_VERSIONS = 1024  # Delta versions whose partitions are kept in memory


class Lake:
    """The Delta tables and raw files under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # A Delta version never changes once written, so what it holds can be kept.
        self._partitions: dict[tuple[str, int], list[str]] = {}

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

    def replace_partition(self, dataset: str, organisation: str, rows: pl.DataFrame) -> int:
        """Replace one organisation's rows in one commit; return the new Delta version.

        Call it while holding ``lock(dataset)``.
        """
        path = str(self.table_path(dataset))
        if not self.exists(dataset):
            rows.write_delta(path, mode="append", delta_write_options={"partition_by": [PARTITION]})
        else:
            quoted = organisation.replace("'", "''")
            rows.write_delta(
                path,
                mode="overwrite",
                delta_write_options={
                    "partition_by": [PARTITION],
                    "predicate": f"{PARTITION} = '{quoted}'",
                },
            )
        version = self.version(dataset)
        assert version is not None
        return version

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


def _chunks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    with source.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
