"""Read JSON and GeoJSON records as a table of text.

Accepted shapes:

- an array of objects, one per record: ``[{"ref": "A1", ...}, ...]``;
- an object holding such an array, at the top or one level down: ``{"data": [...]}``; when
  there are several, the one whose keys best match the standard's known headers is read;
- an array of arrays, read like the rows of a spreadsheet (the header is found as for CSV);
- a GeoJSON FeatureCollection (or one Feature): each feature's properties are columns, and
  its geometry is a ``geometry`` column holding the geometry as GeoJSON text.

Columns are the keys in the order they are first seen. Text stays as it is, numbers are
written as in the file, true/false as ``true``/``false``, and nested objects or arrays as
compact JSON. A record's row number is its position in the array, counting from 1.

A JSON file is parsed whole, so it is held in memory; its size is capped by
``max_upload_bytes`` (or ``max_uncompressed_bytes`` inside a ZIP).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from functools import partial
from typing import Any

from localdata.errors import EmptyFile, FileTooLarge, UnreadableFile, UnsupportedFormat
from localdata.ingest.encodings import detect_encoding
from localdata.ingest.files import FileBytes
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.shape import Layout, normalise_header
from localdata.ingest.tables import RawRecords, RawTable, fit, records_frame
from localdata.settings import Settings

JSON_LIST_CHOSEN = IssueType(
    "json-list-chosen",
    "One list read from the JSON file",
    Severity.INFO,
    "The JSON file holds {detail} lists of records. We read the one under '{value}', whose "
    "keys best match the standard. Check it is the right one.",
    fixed_by="library",
    scope="file",
)

Records = list[dict[str, Any]]


def read_json(data: FileBytes, settings: Settings, known: Collection[str]) -> RawTable:
    """Parse a JSON or GeoJSON file and make the stream of its records."""
    guess = detect_encoding(data)
    document = _parse(guess.encoding.decode(data.head(data.size)))
    found, records, issues = _find_records(document, known)
    if isinstance(records, list) and records and all(isinstance(r, list) for r in records):
        rows = [[_text(v) for v in row] for row in records]
        return _table(found, rows, None, guess.issues + issues, settings)
    keys = _keys(records, settings.max_columns)
    rows = [[_text(r.get(k)) for k in keys] for r in records]
    return _table(found, rows, Layout.from_names(keys), guess.issues + issues, settings)


def _table(
    found: str,
    rows: list[list[str | None]],
    layout: Layout | None,
    issues: list[Issue],
    settings: Settings,
) -> RawTable:
    if not rows:
        raise EmptyFile("The JSON file has no records in it. Check you chose the right file.")
    return RawTable(
        format=found,
        sample=rows[:50],
        records=partial(_records, rows, settings.batch_rows),
        last_row=rows[-1],
        encoding="utf-8",
        layout=layout,
        issues=issues,
    )


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"The file is not valid JSON: {error.msg.lower()} on line {error.lineno}, column "
            f"{error.colno}. Correct it, or save the data as CSV, and try again."
        ) from error
    except RecursionError as error:
        raise UnreadableFile(
            "The JSON file is nested too deeply to read. Save the data as CSV and try again."
        ) from error


def _find_records(document: Any, known: Collection[str]) -> tuple[str, Any, list[Issue]]:
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return "geojson", [_feature(f) for f in _list(document.get("features"))], []
    if isinstance(document, dict) and document.get("type") == "Feature":
        return "geojson", [_feature(document)], []
    if isinstance(document, list):
        return "json", _objects_or_rows(document), []
    if isinstance(document, dict):
        return _best_list(document, known)
    raise _not_records()


def _best_list(document: dict[str, Any], known: Collection[str]) -> tuple[str, Any, list[Issue]]:
    lists = dict(_record_lists(document))
    if not lists:
        if document and not any(isinstance(v, dict | list) for v in document.values()):
            return "json", [document], []
        raise _not_records()
    name = max(lists, key=lambda n: (_known(lists[n], known), len(lists[n])))
    issues = (
        [Issue(JSON_LIST_CHOSEN.slug, value=name, detail=str(len(lists)))] if len(lists) > 1 else []
    )
    return "json", lists[name], issues


def _record_lists(document: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Records]]:
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            yield prefix + key, value
        elif isinstance(value, dict) and not prefix:
            yield from _record_lists(value, f"{key}.")


def _known(records: Records, known: Collection[str]) -> int:
    keys = {k for r in records[:100] for k in r}
    return sum(1 for k in keys if normalise_header(k) in known)


def _objects_or_rows(items: list[Any]) -> Any:
    if all(isinstance(i, dict) for i in items) or all(isinstance(i, list) for i in items):
        return items
    raise _not_records()


def _feature(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict):
        raise _not_records()
    properties = feature.get("properties") or {}
    geometry = feature.get("geometry")
    return {
        **properties,
        "geometry": json.dumps(geometry, separators=(",", ":")) if geometry is not None else None,
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _keys(records: Records, max_columns: int) -> list[str]:
    keys = list(dict.fromkeys(k for r in records for k in r))
    if len(keys) > max_columns:
        raise FileTooLarge(
            f"The records have more than {max_columns:,} different keys ({len(keys):,}). "
            "Check the file is a list of records with the same keys."
        )
    return keys


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _records(
    rows: Sequence[list[str | None]], batch_rows: int, layout: Layout
) -> Iterator[RawRecords]:
    width = max(layout.width, max((len(r) for r in rows), default=0))
    for start in range(0, len(rows), batch_rows):
        chunk = [fit(r, width) for r in rows[start : start + batch_rows]]
        numbers = range(start + 1, start + 1 + len(chunk))
        yield RawRecords(records_frame(chunk, list(numbers), width))


def _not_records() -> UnsupportedFormat:
    return UnsupportedFormat(
        "The JSON file does not hold a list of records. Use a list of objects, one per row "
        "(or GeoJSON features), or save the data as CSV, and try again."
    )
