"""Files to start from for a standard: an empty template and a one-row example, as CSV."""

from __future__ import annotations

import csv
import io

from localdata.standards.model import Standard


def template_csv(standard: Standard) -> str:
    """A CSV of the standard's field names alone, ready to fill in."""
    return _csv([list(standard.field_names)])


def example_csv(standard: Standard) -> str:
    """A CSV of the field names and one row of the standard's example values."""
    return _csv([list(standard.field_names), [f.example for f in standard.fields]])


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
