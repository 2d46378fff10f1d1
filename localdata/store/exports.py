"""Write a dataset's records out: as JSON-ready dicts for a page, and as whole downloads.

A record is its ``organisation``, its fields (all of them in the standard's order, or the
``_fields`` asked for, in that order) and its provenance: the sha256 of the file it came from,
its row in that file and its entry date.

- JSON values: money is a string with exactly two decimal places (``"-1234.50"``), so pence
  survive any JSON parser; other decimals and whole numbers are numbers; dates are
  ``"2024-03-31"``, date-times ``"2024-03-31T13:30:00Z"``; flags are ``true``/``false``;
  points and shapes stay WKT strings (WGS84). Provenance is an object:
  ``"provenance": {"resource": "<sha256>", "row": 14, "entry_date": "2024-04-02"}``.
- ``csv``: the standard's field names as headers, then ``resource,row,entry_date``; canonical
  text (ISO dates, plain decimals, ``yes``/``no``, WKT), and text a spreadsheet would run as
  a formula starts with an apostrophe.
- ``json``: ``{"records": [...]}``, each record as in a page.
- ``geojson``: a FeatureCollection with the standard's point field (or, failing that, its
  multipolygon field) as each feature's geometry and the rest of the record as properties.
- ``parquet``: typed columns (money as ``Decimal(18, 2)``), named as in the CSV.

A download is the whole result of the query, in its order, however large. It is produced by a
worker thread, a group of partitions at a time (see ``scans.py``), into a queue a few chunks
deep that the returned iterator drains, so memory stays bounded and the first bytes leave at
once. A Parquet download without ``_sort`` is written in storage order straight from the
table; with a ``_sort`` it goes through Polars' own streaming writer (``sink_parquet``, zstd
level 1, fed by ``register_io_source`` with the groups): over twice as fast as writing row
groups with PyArrow, in a third of the memory of a lazy concat. ``register_io_source`` is marked
unstable in Polars; the tests read every format back, so a change there shows. Stopping the
iteration early stops the worker before its next group.
"""

from __future__ import annotations

import io
import itertools
import queue
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import IO, Any, cast

import polars as pl
from polars.io.plugins import register_io_source
from typing_extensions import Buffer

from localdata.errors import InvalidQuery
from localdata.ingest.datatypes import canonical_text
from localdata.ingest.output import neutralise_formulas
from localdata.standards.model import Datatype, Standard
from localdata.store.filters import ORGANISATION, RecordQuery, query_fields
from localdata.store.scans import (
    IDENTITY,
    PROVENANCE,
    condition,
    ordered_chunks,
    with_organisation,
)

# Audit log writes wait on the database (a commit); they run beside the work of making the
# records ready rather than before it. A few threads: one per read in flight at most.
AUDITS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="localdata-audit")

EXPORT_FORMATS = ("csv", "json", "geojson", "parquet")
PROVENANCE_NAMES = {"_resource": "resource", "_row": "row", "_entry_date": "entry_date"}
IDENTITY_TYPES = (pl.String(), pl.String(), pl.Int64())  # of organisation, _resource, _row
_QUEUE_DEPTH = 8
_GEOMETRY_ORDER = (Datatype.POINT, Datatype.MULTIPOLYGON)

Producer = Callable[[IO[bytes]], None]


def record_columns(query: RecordQuery, standard: Standard) -> list[str]:
    """The fields a record shows: those asked for, or all; organisation always."""
    names = list(query.fields or standard.field_names)
    return names if ORGANISATION in names else [ORGANISATION, *names]


def json_records(rows: pl.DataFrame, names: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as JSON-ready records, each with its provenance as an object."""
    return _json_ready(rows).select(*names, _provenance()).to_dicts()


def export(
    frame: pl.LazyFrame,
    query: RecordQuery,
    standard: Standard,
    fmt: str,
    *,
    organisations: Collection[str] | None = None,
    audit: Callable[[pl.DataFrame], None] | None = None,
) -> Iterator[bytes]:
    """Every record the query matches, in its order, as a file in ``fmt``, in chunks of bytes.

    ``_size`` and ``_next`` are ignored. ``organisations``, if given, are those the table has
    partitions for; otherwise they are listed from the table when needed.

    ``audit``, if given, is called with the identities (organisation, ``_resource``, ``_row``)
    of every row the file will hold, in another thread while its first bytes are made, and no
    byte is handed back until it has returned: if it raises, so does the first ``next``. The
    rows are then held in memory, read once (audited data is restricted, and small).

    Example::

        with open("spend.csv", "wb") as out:
            for chunk in export(rows, parse_query(params, spend, cursor_key=k), spend, "csv"):
                out.write(chunk)
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidQuery(f"Downloads come as {', '.join(EXPORT_FORMATS)}; not '{fmt}'.")
    frame = with_organisation(frame)
    names = record_columns(query, standard)
    geometry = _geometry_field(standard) if fmt == "geojson" else None
    read = [*names, *([geometry] if geometry and geometry not in names else []), *PROVENANCE]
    pipe = _Pipe()
    if fmt == "parquet" and not query.sort and audit is None:
        # A Parquet file is read by column and sorted by whoever reads it, so without a _sort
        # it is written in storage order, straight from the table: about twice as fast.
        return _streamed(pipe, _parquet_as_stored(frame.filter(condition(query)), names))
    audited = None
    if audit is None:
        chunks = pipe.until_stopped(ordered_chunks(frame, query, read, organisations))
    else:
        named = list(dict.fromkeys([*read, ORGANISATION]))
        held = list(ordered_chunks(frame, query, named, organisations))
        audited = AUDITS.submit(audit, _identities(held))
        chunks = pipe.until_stopped(iter(held))
    producers: dict[str, Callable[[], Producer]] = {
        "csv": lambda: _csv(chunks, names, standard),
        "json": lambda: _json(chunks, names),
        "geojson": lambda: _geojson(chunks, names, geometry or ""),
        "parquet": lambda: _parquet(chunks, names, frame.select(read).collect_schema()),
    }
    streamed = _streamed(pipe, producers[fmt]())
    return streamed if audited is None else _after(audited, streamed)


def _identities(chunks: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """The organisation, ``_resource`` and ``_row`` of every row of the chunks."""
    if not chunks:
        return pl.DataFrame(schema=dict(zip(IDENTITY, IDENTITY_TYPES, strict=True)))
    return pl.concat([chunk.select(IDENTITY) for chunk in chunks])


def _after(done: Future[None], chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, with the first made while ``done`` finishes; ``done``'s error if it failed.

    Both happen before this returns, so a failed audit is an error before any byte is sent.
    """
    try:
        first = next(chunks, None)
        done.result()
    except BaseException:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        raise
    return itertools.chain([] if first is None else [first], chunks)


def _provenance() -> pl.Expr:
    return pl.struct(pl.col(k).alias(v) for k, v in PROVENANCE_NAMES.items()).alias("provenance")


def _json_ready(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.with_columns(
        canonical_text(rows[name], datatype)
        for name, dtype in rows.schema.items()
        if (datatype := _TEXT_IN_JSON.get(type(dtype))) is not None
    )


_TEXT_IN_JSON: dict[type[pl.DataType], Datatype] = {
    pl.Decimal: Datatype.MONEY,
    pl.Date: Datatype.DATE,
    pl.Datetime: Datatype.DATETIME,
}


def download_formats(standard: Standard) -> tuple[str, ...]:
    """The formats the standard's records download as: GeoJSON only with a geometry field."""
    geometry = any(f.datatype in _GEOMETRY_ORDER for f in standard.fields)
    return tuple(fmt for fmt in EXPORT_FORMATS if fmt != "geojson" or geometry)


def _geometry_field(standard: Standard) -> str:
    for datatype in _GEOMETRY_ORDER:
        for field in standard.fields:
            if field.datatype is datatype:
                return field.name
    raise InvalidQuery(
        f"{standard.name} has no point or boundary field, so it cannot be downloaded as "
        f"GeoJSON. Download it as csv, json or parquet instead."
    )


def _csv(chunks: Iterator[pl.DataFrame], names: list[str], standard: Standard) -> Producer:
    fields = query_fields(standard)
    shown = standard.model_copy(update={"fields": tuple(fields[n] for n in names)})

    def produce(out: IO[bytes]) -> None:
        header = True
        for chunk in chunks:
            text = chunk.select(
                *(_csv_text(chunk[n], fields[n].datatype) for n in names),
                pl.col("_resource").alias("resource"),
                pl.col("_row").cast(pl.String).alias("row"),
                canonical_text(chunk["_entry_date"], Datatype.DATE).alias("entry_date"),
            )
            neutralise_formulas(text, shown).write_csv(out, include_header=header)
            header = False
        if header:
            headers = [*names, *PROVENANCE_NAMES.values()]
            pl.DataFrame(schema=dict.fromkeys(headers, pl.String)).write_csv(out)

    return produce


def _csv_text(values: pl.Series, datatype: Datatype) -> pl.Series:
    return values if values.dtype == pl.String else canonical_text(values, datatype)


def _json(chunks: Iterator[pl.DataFrame], names: list[str]) -> Producer:
    def produce(out: IO[bytes]) -> None:
        out.write(b'{"records":[')
        for number, chunk in enumerate(chunks):
            records = _json_ready(chunk).select(pl.struct(*names, _provenance()))
            encoded = records.to_series().struct.json_encode().str.join(",").item()
            out.write((b"," if number else b"") + encoded.encode())
        out.write(b"]}")

    return produce


def _geojson(chunks: Iterator[pl.DataFrame], names: list[str], geometry: str) -> Producer:
    properties = [n for n in names if n != geometry]

    def produce(out: IO[bytes]) -> None:
        import shapely

        out.write(b'{"type":"FeatureCollection","features":[')
        for number, chunk in enumerate(chunks):
            shapes = shapely.from_wkt(chunk[geometry].to_numpy(), on_invalid="ignore")
            features = pl.DataFrame(
                {
                    "geometry": pl.Series(shapely.to_geojson(shapes), dtype=pl.String),
                    "properties": _json_ready(chunk)
                    .select(pl.struct(*properties, _provenance()))
                    .to_series()
                    .struct.json_encode(),
                }
            ).select(
                pl.concat_str(
                    pl.lit('{"type":"Feature","geometry":'),
                    pl.col("geometry").fill_null("null"),
                    pl.lit(',"properties":'),
                    pl.col("properties"),
                    pl.lit("}"),
                ).str.join(",")
            )
            out.write((b"," if number else b"") + features.item().encode())
        out.write(b"]}")

    return produce


def _parquet(chunks: Iterator[pl.DataFrame], names: list[str], schema: pl.Schema) -> Producer:
    renamed = {n: schema[n] for n in names} | {
        new: schema[old] for old, new in PROVENANCE_NAMES.items()
    }

    def typed(*_: object) -> Iterator[pl.DataFrame]:
        for chunk in chunks:
            yield chunk.select(*names, *(pl.col(k).alias(v) for k, v in PROVENANCE_NAMES.items()))

    def produce(out: IO[bytes]) -> None:
        source = register_io_source(typed, schema=pl.Schema(renamed))
        source.sink_parquet(out, compression="zstd", compression_level=1, engine="streaming")

    return produce


def _parquet_as_stored(frame: pl.LazyFrame, names: list[str]) -> Producer:
    selected = frame.select(*names, *(pl.col(k).alias(v) for k, v in PROVENANCE_NAMES.items()))

    def produce(out: IO[bytes]) -> None:
        selected.sink_parquet(out, compression="zstd", compression_level=1, engine="streaming")

    return produce


def _streamed(pipe: _Pipe, produce: Producer) -> Iterator[bytes]:
    """Run ``produce`` into the pipe in a worker thread and yield what it writes, as it does."""
    worker = threading.Thread(target=pipe.fill, args=(produce,), name="localdata-export")
    worker.start()
    try:
        yield from pipe.drain()
    finally:
        pipe.stop()
        worker.join()


class _Stopped(Exception):
    """The reader of a download went away."""


class _Pipe(io.RawIOBase):
    """A file one thread writes and another reads, holding a few chunks at most."""

    def __init__(self) -> None:
        super().__init__()
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUE_DEPTH)
        self._stopped = threading.Event()

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer, /) -> int:
        chunk = bytes(data)
        if chunk:
            self._put(chunk)
        return len(chunk)

    def fill(self, produce: Producer) -> None:
        """Run the producer into this pipe, then mark the end (or pass on its error)."""
        try:
            produce(cast(IO[bytes], self))  # a RawIOBase is a binary file, but not typed as IO
            self._put(None)
        except _Stopped:
            return
        except BaseException as error:  # handed to the reader, who raises it
            with suppress(_Stopped):
                self._put(error)

    def drain(self) -> Iterator[bytes]:
        """What the producer writes, until it ends; its error, if it fails."""
        while (item := self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def until_stopped(self, chunks: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        """The chunks, until the reader stops: no new chunk is read for nobody."""
        while not self._stopped.is_set() and (chunk := next(chunks, None)) is not None:
            yield chunk

    def stop(self) -> None:
        """Tell the producer to stop at its next write."""
        self._stopped.set()

    def _put(self, item: bytes | BaseException | None) -> None:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped("the download was stopped")
