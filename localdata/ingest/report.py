"""Step 6 of the check: the report, with every finding grouped by what the publisher must do.

Issues are held as a Polars table, not Python objects, so a file with millions of findings stays
cheap. Counts are always exact; the report keeps the first ``example_issues`` issues of each
type and field in full (the rest are counted, not listed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from localdata.ingest.issues import CATALOGUE, Issue, Severity, render_message
from localdata.ingest.mapping import ColumnMapping
from localdata.standards.model import Standard
from localdata.standards.periods import Period

ISSUE_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "field": pl.String(),
    "column": pl.String(),
    "type": pl.String(),
    "value": pl.String(),
    "detail": pl.String(),
}
COUNT_SCHEMA: dict[str, pl.DataType] = {
    "type": pl.String(),
    "field": pl.String(),
    "count": pl.Int64(),
}


def issue_frame(issues: Iterable[Issue]) -> pl.DataFrame:
    """A table of issues in the report's issue schema."""
    rows = [
        {
            "row": i.row,
            "field": i.field,
            "column": i.column,
            "type": i.type,
            "value": i.value,
            "detail": i.detail,
        }
        for i in issues
    ]
    return pl.DataFrame(rows, schema=ISSUE_SCHEMA)


@dataclass(frozen=True)
class SourceInfo:
    """What the file was and how it was read."""

    filename: str
    format: str
    encoding: str | None = None
    sheet: str | None = None
    sha256: str | None = None
    size: int | None = None


@dataclass
class Report:
    """The result of checking one file against one standard."""

    standard: Standard
    source: SourceInfo
    mapping: ColumnMapping
    rows: int
    issues: pl.DataFrame
    counts: pl.DataFrame
    table: pl.DataFrame | None = None
    organisation: str | None = None
    output: str | None = None
    period: Period | None = None

    @property
    def counts_by_severity(self) -> dict[Severity, int]:
        """How many issues of each severity the file has."""
        totals = {s: 0 for s in Severity}
        for row in self.counts.iter_rows(named=True):
            totals[CATALOGUE[row["type"]].severity] += row["count"]
        return totals

    @property
    def must_fix(self) -> bool:
        """True when something must be fixed before the file can be published."""
        return self.counts_by_severity[Severity.ERROR] > 0

    def issue_list(self, severity: Severity | None = None, limit: int | None = None) -> list[Issue]:
        """The issues kept in full, most serious first, in row order within each type."""
        frame = self._sorted_issues()
        if severity is not None:
            frame = frame.filter(pl.col("severity") == severity.value)
        if limit is not None:
            frame = frame.head(limit)
        return [
            Issue(
                r["type"],
                row=r["row"],
                field=r["field"],
                column=r["column"],
                value=r["value"],
                detail=r["detail"] or "",
            )
            for r in frame.iter_rows(named=True)
        ]

    def flatten(self, keys: Sequence[str]) -> list[list[Any]]:
        """The issues as lists of the named columns, for compact assertions in tests."""
        return [list(r) for r in self._sorted_issues().select(keys).iter_rows()]

    def summary(self) -> list[dict[str, Any]]:
        """One entry per issue type and field: severity, count and a message to act on."""
        out = []
        for row in self._sorted_counts().iter_rows(named=True):
            issue_type = CATALOGUE[row["type"]]
            example = self.issues.filter(
                (pl.col("type") == row["type"]) & _eq_or_null("field", row["field"])
            ).head(1)
            first = example.row(0, named=True) if example.height else {}
            out.append(
                {
                    "type": row["type"],
                    "title": issue_type.title,
                    "severity": issue_type.severity.value,
                    "field": row["field"],
                    "count": row["count"],
                    "message": render_message(
                        issue_type,
                        None,
                        row["field"] or first.get("column"),
                        first.get("value"),
                        first.get("detail") or "",
                    ),
                }
            )
        return out

    def to_dict(self, *, issue_limit: int = 1000) -> dict[str, Any]:
        """The report as JSON-ready data (the stable keys are documented in docs/check.md)."""
        counts = self.counts_by_severity
        return {
            "ok": not self.must_fix,
            "standard": {"name": self.standard.name, "version": self.standard.version},
            "organisation": self.organisation,
            "file": {
                "filename": self.source.filename,
                "format": self.source.format,
                "encoding": self.source.encoding,
                "sheet": self.source.sheet,
                "sha256": self.source.sha256,
                "bytes": self.source.size,
            },
            "period": self.period.to_dict() if self.period else None,
            "rows": self.rows,
            "counts": {s.value: counts[s] for s in Severity},
            "mapping": self.mapping.to_dict(),
            "summary": self.summary(),
            "issues": [
                {
                    "type": i.type,
                    "severity": i.severity.value,
                    "row": i.row,
                    "field": i.field,
                    "column": i.column,
                    "value": i.value,
                    "message": i.message,
                }
                for i in self.issue_list(limit=issue_limit)
            ],
            "output": self.output,
        }

    def _sorted_issues(self) -> pl.DataFrame:
        return _with_severity(self.issues).sort(["rank", "type", "row", "field"], nulls_last=False)

    def _sorted_counts(self) -> pl.DataFrame:
        return _with_severity(self.counts).sort(["rank", "type", "field"], descending=False)


def _eq_or_null(column: str, value: str | None) -> pl.Expr:
    return pl.col(column).is_null() if value is None else pl.col(column) == value


def _with_severity(frame: pl.DataFrame) -> pl.DataFrame:
    slugs = list(CATALOGUE)
    severities = [CATALOGUE[s].severity.value for s in slugs]
    ranks = [CATALOGUE[s].severity.rank for s in slugs]
    return frame.with_columns(
        severity=pl.col("type").replace_strict(slugs, severities, return_dtype=pl.String),
        rank=pl.col("type").replace_strict(slugs, ranks, return_dtype=pl.Int64),
    )


@dataclass
class IssueCollector:
    """Gathers issues batch by batch: exact counts, and the first few of each kind in full."""

    keep: int
    _examples: list[pl.DataFrame] = field(default_factory=list)
    _counts: list[pl.DataFrame] = field(default_factory=list)
    _kept: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ISSUE_SCHEMA))

    def add(self, issues: pl.DataFrame) -> None:
        """Count these issues and keep the first ones of each type and field."""
        if issues.height == 0:
            return
        unknown = set(issues["type"].unique().to_list()) - set(CATALOGUE)
        if unknown:
            raise ValueError(f"undeclared issue types: {sorted(unknown)}")
        self._counts.append(issues.group_by(["type", "field"]).agg(count=pl.len()))
        kept = pl.concat([self._kept, issues.select(list(ISSUE_SCHEMA))])
        self._kept = (
            kept.group_by(["type", "field"], maintain_order=True)
            .head(self.keep)
            .select(list(ISSUE_SCHEMA))
        )

    def issues(self) -> pl.DataFrame:
        """The issues kept in full."""
        return self._kept.select(list(ISSUE_SCHEMA))

    def counts(self) -> pl.DataFrame:
        """Exact counts per issue type and field."""
        if not self._counts:
            return pl.DataFrame(schema=COUNT_SCHEMA)
        return (
            pl.concat(self._counts)
            .group_by(["type", "field"], maintain_order=True)
            .agg(pl.col("count").sum())
            .select(list(COUNT_SCHEMA))
        )
