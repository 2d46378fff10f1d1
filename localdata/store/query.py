"""Query a dataset's records: filters, sorting, cursor pages and streamed downloads.

The JSON API's ``/datasets/{name}/records`` (and ``.csv``, ``.json``, ``.geojson``,
``.parquet``) is three calls over the dataset's rows, a ``pl.LazyFrame`` of its Delta table
(columns: the standard's fields, plus ``_resource``, ``_row`` and ``_entry_date``)::

    query = parse_query(request_params, standard, cursor_key=key)   # InvalidQuery if unusable
    page = fetch_page(rows, query, standard, cursor_key=key)        # Page(records, next, total)
    chunks = export(rows, query, standard, "csv")                   # Iterator[bytes], streamed

- ``parse_query(params, standard, *, cursor_key, reserved=("as_of",)) -> RecordQuery`` reads
  the URL's (name, value) pairs: filters (``field=value``, ``field__gt`` ...; see
  ``filters.py``), ``organisation=``, ``_fields``, ``_sort`` (``-`` for descending; several
  comma-separated), ``_size`` (1 to 1000, default 100), ``_count=exact`` and ``_next``.
- ``filtered(frame, query, standard) -> pl.LazyFrame``: the rows the filters keep, unordered.
- ``fetch_page(frame, query, standard, *, cursor_key, organisations=None) -> Page``: one page.
- ``export(frame, query, standard, fmt, *, organisations=None) -> Iterator[bytes]``: every
  matching row in ``EXPORT_FORMATS`` (see ``exports.py`` for each format's shape).

``organisations``: the organisations the table has partitions for (from the Delta log or the
metadata database), if the caller knows them. With them, a page across all organisations
reads a partition or two and stops when it is full (about 10 ms on a 10-million-row table);
without them it is a top-k of the sort keys over every matching row (about 150 ms). A query
that names its organisations (``organisation=``, ``organisation__in=``) never needs them.

Decisions:

- Order: the ``_sort`` keys, then the identity (organisation, resource, row), so pages are
  stable; nulls last. Pages are keyset pages: the cursor holds the last record's keys, signed
  (see ``cursors.py``), and a page reads only rows after them. No offsets.
- Records: money is a string (``"1234.50"``), dates ISO strings; see ``exports.py``.
- ``total``: with ``_count=exact``, the exact number of matching records (it reads the filtered
  columns of every partition in scope). Otherwise: when the first page holds every match, that
  number, exactly; when the query names organisations (``organisation=``, ``organisation__in``
  or another filter on organisation), the row count of their partitions, read from the
  Parquet footers without reading rows: exact if those are the only filters, else an upper
  bound, with ``total_is_exact`` False; and null for a query across every organisation, as
  counting 317 partitions costs several times what the page does.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from localdata.standards.model import Standard
from localdata.store.cursors import Cursor, Key, write_cursor
from localdata.store.exports import AUDITS, EXPORT_FORMATS, export, json_records, record_columns
from localdata.store.filters import (
    DEFAULT_SIZE,
    MAX_SIZE,
    OPERATORS,
    Filter,
    RecordQuery,
    parse_query,
)
from localdata.store.lake import PARTITION
from localdata.store.scans import (
    PROVENANCE,
    after,
    condition,
    cursor_values,
    first_rows,
    names_organisations,
    order,
    organisation_condition,
    picks_partitions_only,
    with_organisation,
)


@dataclass
class Page:
    """One page of records, the cursor to the next (None on the last) and the total."""

    records: list[dict[str, Any]]
    next: str | None
    total: int | None
    total_is_exact: bool


def filtered(frame: pl.LazyFrame, query: RecordQuery, standard: Standard) -> pl.LazyFrame:
    """The rows the query's filters and ``organisation=`` keep, in no particular order."""
    return with_organisation(frame).filter(condition(query))


def fetch_page(
    frame: pl.LazyFrame,
    query: RecordQuery,
    standard: Standard,
    *,
    cursor_key: bytes,
    organisations: Collection[str] | None = None,
    audit: Callable[[pl.DataFrame], None] | None = None,
) -> Page:
    """The page of records the query asks for, with the cursor to the page after it.

    ``audit``, if given, is called with the page's identities (organisation, ``_resource``,
    ``_row``) in another thread while the records are made ready, and the page is returned
    only once it has returned: it raises, and the page is never seen, if the audit fails.

    Example::

        page = fetch_page(rows, parse_query(params, spend, cursor_key=k), spend, cursor_key=k)
        page.records[0]  # {"organisation": ..., "amount": "1234.50", ..., "provenance": {...}}
    """
    frame = with_organisation(frame)
    keys = order(query)
    names = record_columns(query, standard)
    columns = list(dict.fromkeys([*names, *(name for name, _ in keys), *PROVENANCE]))
    rows = condition(query)
    if query.cursor is not None:
        rows = rows & _after_cursor(frame, query)
    found = first_rows(frame, query, rows, columns, query.size + 1, organisations)
    more = found.height > query.size
    page = found.head(query.size)
    audited = None
    if audit is not None:
        audited = AUDITS.submit(audit, page.select(PARTITION, "_resource", "_row"))
    cursor = _cursor(page, query, standard) if more else None
    total, exact = _total(frame, query, page.height, more)
    records = json_records(page, names)
    if audited is not None:
        audited.result()
    return Page(
        records=records,
        next=write_cursor(cursor, cursor_key) if cursor else None,
        total=total,
        total_is_exact=exact,
    )


def _after_cursor(frame: pl.LazyFrame, query: RecordQuery) -> pl.Expr:
    return after(order(query), cursor_values(query, frame.collect_schema()))


def _cursor(page: pl.DataFrame, query: RecordQuery, standard: Standard) -> Cursor:
    last = page.row(page.height - 1, named=True)
    keys = tuple(_key(last[name]) for name, _ in order(query))
    return Cursor(standard.name, query.sort, keys)


def _key(value: object) -> Key:
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    assert value is None or isinstance(value, str | int | float | bool)
    return value


def _total(
    frame: pl.LazyFrame, query: RecordQuery, shown: int, more: bool
) -> tuple[int | None, bool]:
    if query.cursor is None and not more:
        return shown, True
    if query.exact_count:
        return _count(frame.filter(condition(query))), True
    if not names_organisations(query):
        return None, False
    return _count(frame.filter(organisation_condition(query))), picks_partitions_only(query)


def _count(frame: pl.LazyFrame) -> int:
    return int(frame.select(pl.len()).collect().item())


__all__ = [
    "DEFAULT_SIZE",
    "EXPORT_FORMATS",
    "MAX_SIZE",
    "OPERATORS",
    "Cursor",
    "Filter",
    "Page",
    "RecordQuery",
    "export",
    "fetch_page",
    "filtered",
    "parse_query",
]
