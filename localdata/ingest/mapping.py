"""Step 3 of the check: match the file's columns to the standard's fields.

A header matches a field when, normalised (lowercase, letters and digits only), it equals the
field's name, title or one of its aliases. A point field can also be built from a pair of
coordinate columns (``GeoX`` and ``GeoY``). Columns the standard has no field for are reported
and left out; required fields with no column are reported as errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.shape import normalise_header
from localdata.standards.model import Datatype, Standard, StandardField

UNKNOWN_COLUMN = IssueType(
    "unknown-column",
    "Column not in the standard",
    Severity.INFO,
    "We left out the column '{value}' because the standard has no field for it. "
    "Rename it if it holds one of the standard's fields.",
    fixed_by="library",
    scope="column",
)
MISSING_COLUMN = IssueType(
    "missing-column",
    "Required column missing",
    Severity.ERROR,
    "Add a column for {field}: every row needs a value for it. {detail}",
    scope="column",
)
DUPLICATE_COLUMN = IssueType(
    "duplicate-column",
    "Two columns for one field",
    Severity.INFO,
    "The columns '{detail}' and '{value}' both hold {field}. We used '{detail}' and filled "
    "its empty cells from '{value}'.",
    fixed_by="library",
    scope="column",
)


@dataclass(frozen=True)
class ColumnMapping:
    """Which of the file's columns feeds which field of the standard."""

    columns: dict[str, str] = field(default_factory=dict)
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    points: dict[str, tuple[str, str]] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields that have a column (or a pair of coordinate columns)."""
        return (*self.columns.values(), *self.points)

    def column_for(self, field_name: str) -> str | None:
        """The column that feeds this field, if one does."""
        return next((c for c, f in self.columns.items() if f == field_name), None)

    def to_dict(self) -> dict[str, object]:
        """The mapping as JSON-ready data: field -> column(s) as found."""
        return {
            "fields": {f: c for c, f in self.columns.items()}
            | {f: list(pair) for f, pair in self.points.items()},
            "unknown_columns": list(self.unknown),
            "missing_fields": list(self.missing),
        }


def _names_for(standard_field: StandardField) -> list[str]:
    """The field's normalised spellings, most preferred first."""
    spellings = (standard_field.name, standard_field.title, *standard_field.aliases)
    return list(dict.fromkeys(normalise_header(s) for s in spellings if s))


def known_headers(standard: Standard) -> frozenset[str]:
    """Every normalised header that means some field of this standard."""
    names: set[str] = set()
    for standard_field in standard.fields:
        names |= set(_names_for(standard_field))
        if standard_field.coordinate_columns:
            pair = standard_field.coordinate_columns
            names |= {normalise_header(h) for h in (*pair.x, *pair.y)}
    return frozenset(names)


def map_columns(
    headers: Sequence[str], standard: Standard, *, supplied: Sequence[str] = ()
) -> tuple[ColumnMapping, list[Issue]]:
    """Match headers to fields; ``supplied`` names fields given another way (an argument)."""
    candidates = _candidates(headers, standard)
    columns = {found[0]: name for name, found in candidates.items()}
    fallbacks = {name: tuple(found[1:]) for name, found in candidates.items() if found[1:]}
    issues = [
        Issue(DUPLICATE_COLUMN.slug, field=name, value=other, detail=candidates[name][0])
        for name, others in fallbacks.items()
        for other in others
    ]
    claimed = set(candidates)
    duplicated = {h for others in fallbacks.values() for h in others}
    points = _coordinate_pairs(headers, standard, set(claimed))
    used = set(columns) | duplicated | {h for pair in points.values() for h in pair}
    unknown = tuple(h for h in headers if h not in used)
    issues += [Issue(UNKNOWN_COLUMN.slug, column=h, value=h) for h in unknown]
    present = set(columns.values()) | set(points) | set(supplied)
    missing = tuple(f.name for f in standard.fields if f.required and f.name not in present)
    issues += [
        Issue(MISSING_COLUMN.slug, field=name, detail=_missing_hint(standard.field(name)))
        for name in missing
    ]
    return ColumnMapping(columns, fallbacks, points, unknown, missing), issues


def _candidates(headers: Sequence[str], standard: Standard) -> dict[str, list[str]]:
    """For each field, the headers that mean it, the most preferred spelling first."""
    rank = {
        (name, f.name): position
        for f in standard.fields
        for position, name in enumerate(_names_for(f))
    }
    lookup = {name: field_name for name, field_name in rank}
    found: dict[str, list[tuple[int, int, str]]] = {}
    for order, header in enumerate(headers):
        name = normalise_header(header)
        if name in lookup:
            target = lookup[name]
            found.setdefault(target, []).append((rank[(name, target)], order, header))
    ordered = sorted(found, key=lambda t: min(o for _, o, _ in found[t]))
    return {t: [h for _, _, h in sorted(found[t])] for t in ordered}


def _missing_hint(standard_field: StandardField) -> str:
    if standard_field.datatype is Datatype.ORGANISATION:
        return "Or say which organisation published the file when you check it."
    names = [standard_field.name, *standard_field.aliases[:2]]
    return "Name the column " + " or ".join(f"'{n}'" for n in names) + "."


def _coordinate_pairs(
    headers: Sequence[str], standard: Standard, claimed: set[str]
) -> dict[str, tuple[str, str]]:
    points: dict[str, tuple[str, str]] = {}
    for standard_field in standard.fields:
        pair = standard_field.coordinate_columns
        if pair is None or standard_field.name in claimed:
            continue
        x = _first_match(headers, pair.x)
        y = _first_match(headers, pair.y)
        if x is not None and y is not None:
            points[standard_field.name] = (x, y)
    return points


def _first_match(headers: Sequence[str], names: Sequence[str]) -> str | None:
    wanted = [normalise_header(n) for n in names]
    normalised = {normalise_header(h): h for h in reversed(headers)}
    for name in wanted:
        if name in normalised:
            return normalised[name]
    return None
