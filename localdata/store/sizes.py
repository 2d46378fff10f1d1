"""How large each download of a whole dataset will be, before anybody downloads it.

Downloads are made as they are sent, so their sizes are estimates: each format's size scales
the bytes of the first ``SAMPLE_ROWS`` records, written exactly as a download writes them, up
to the whole row count (for Parquet, beyond the bytes of an empty file, and at most the
table's own Parquet files: a bigger file compresses better). Estimates are kept per dataset
and Delta version, so a page pays for them once per published version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import polars as pl

from localdata.standards.model import Standard
from localdata.store.exports import download_formats, export
from localdata.store.lake import PARTITION
from localdata.store.query import parse_query

SAMPLE_ROWS = 10_000
CACHED = 256  # datasets × versions kept


class DownloadSizes:
    """Estimated download sizes in bytes, by format, cached per dataset and Delta version."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, int], dict[str, int]] = {}
        self._lock = threading.Lock()

    def get(
        self,
        standard: Standard,
        version: int,
        rows: int,
        table_bytes: Callable[[], int],
        frame: Callable[[], pl.LazyFrame],
    ) -> dict[str, int]:
        """The sizes of the dataset's downloads at ``version`` (``rows`` rows in all)."""
        key = (standard.name, version)
        with self._lock:
            if key in self._found:
                return self._found[key]
        sizes = estimate(standard, rows, table_bytes(), frame())
        with self._lock:
            if len(self._found) >= CACHED:
                self._found.pop(next(iter(self._found)))
            self._found[key] = sizes
        return sizes


def estimate(
    standard: Standard, rows: int, table_bytes: int, frame: pl.LazyFrame
) -> dict[str, int]:
    """Scale the bytes of a sample written in each format up to ``rows`` rows."""
    sample = frame.head(SAMPLE_ROWS).collect()
    if not sample.height:
        return dict.fromkeys(download_formats(standard), 0)
    sizes = {}
    for fmt in download_formats(standard):
        written = _written(standard, sample, fmt)
        fixed = _written(standard, sample.head(0), fmt) if fmt == "parquet" else 0
        sizes[fmt] = fixed + round((written - fixed) * rows / sample.height)
    if "parquet" in sizes and table_bytes:
        sizes["parquet"] = min(sizes["parquet"], table_bytes)
    return sizes


def _written(standard: Standard, rows: pl.DataFrame, fmt: str) -> int:
    """How many bytes a download of ``rows`` in ``fmt`` holds."""
    query = parse_query([], standard, cursor_key=b"sizes")
    organisations = sorted(set(rows[PARTITION].to_list()))
    chunks = export(rows.lazy(), query, standard, fmt, organisations=organisations)
    return sum(len(chunk) for chunk in chunks)
