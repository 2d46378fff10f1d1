"""How large each download of a whole dataset will be, before anybody downloads it.

Downloads are made as they are sent, so their sizes are estimates: the CSV, JSON and GeoJSON
sizes scale the bytes of the first ``SAMPLE_ROWS`` records, written exactly as a download writes
them, up to the whole row count; the Parquet size is the table's own Parquet files, which a
download without ``_sort`` copies nearly as they are. Estimates are kept per dataset and Delta
version, so a page pays for them once per published version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import polars as pl

from localdata.standards.model import Standard
from localdata.store.exports import download_formats, export
from localdata.store.lake import PARTITION
from localdata.store.query import parse_query

SAMPLE_ROWS = 1000
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
    """Scale the bytes of a sample written in each text format up to ``rows`` rows."""
    sample = frame.head(SAMPLE_ROWS).collect()
    sizes = {"parquet": table_bytes}
    query = parse_query([], standard, cursor_key=b"sizes")
    organisations = sorted(set(sample[PARTITION].to_list())) if sample.height else []
    for fmt in download_formats(standard):
        if fmt == "parquet":
            continue
        if not sample.height:
            sizes[fmt] = 0
            continue
        written = sum(
            len(chunk)
            for chunk in export(sample.lazy(), query, standard, fmt, organisations=organisations)
        )
        sizes[fmt] = round(written * rows / sample.height)
    return sizes
