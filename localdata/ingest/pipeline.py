"""The check: read, shape, map, harmonise, validate and report, one batch of rows at a time.

``check()`` is the whole of it. Reading and shaping live in ``readers.py`` and ``shape.py``,
mapping in ``mapping.py``, harmonising in ``datatypes/``, validation in ``checks.py`` and the
report in ``report.py``. Large files are processed ``Settings.batch_rows`` rows at a time, so
memory stays bounded; pass ``keep_table=False`` to keep no rows in the report.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import polars as pl

from localdata.ingest.checks import check_field, check_formulas, duplicate_values
from localdata.ingest.datatypes import (
    CANONICAL_DTYPES,
    Harmonised,
    harmonise,
    harmonise_organisation,
    harmonise_point,
    read_cells,
    with_read_issues,
)
from localdata.ingest.identify import identify_organisation
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.keys import KeyCollector
from localdata.ingest.mapping import ColumnMapping, known_headers, map_columns
from localdata.ingest.output import TEXT_TYPES, TableWriter
from localdata.ingest.periods import MonthCounts, PeriodFinding, find_period
from localdata.ingest.readers import RawBatch, TableSource, open_table
from localdata.ingest.report import (
    ISSUE_SCHEMA,
    IssueCollector,
    Report,
    SourceInfo,
    issue_frame,
)
from localdata.registers import Register
from localdata.settings import Settings
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.model import Datatype, Standard, StandardField
from localdata.standards.periods import Period

ORGANISATION_MISMATCH = IssueType(
    "organisation-mismatch",
    "Row from another organisation",
    Severity.ERROR,
    "This row says it is from '{value}', but you are checking the file for {detail}. "
    "Correct the organisation, or check the file for the right organisation.",
)

Progress = Callable[[int], None]
WORKERS = min(4, os.cpu_count() or 1)


@dataclass
class _Plan:
    """What to do with each batch: the standard, the column mapping, the organisation."""

    standard: Standard
    mapping: ColumnMapping
    organisation: str | None
    seen_column_issues: set[tuple[str, str | None]] = field(default_factory=set)
    text_columns: dict[str, str] = field(default_factory=dict)
    unique_values: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    months: MonthCounts = field(
        default_factory=lambda: MonthCounts.of(pl.Series([], dtype=pl.Date))
    )
    keys: KeyCollector | None = None


def check(
    source: Path | str | bytes,
    standard: Standard | str,
    organisation: str | None = None,
    *,
    filename: str | None = None,
    settings: Settings | None = None,
    output: Path | None = None,
    keep_table: bool = True,
    progress: Progress | None = None,
    period: Period | str | None = None,
) -> Report:
    """Check a file against a standard and return the report.

    ``source`` is a path or the file's bytes; ``organisation`` is any identifier of the
    publishing organisation (``local-authority:HYN``, ``E07000120``, ``Hyndburn``). Without
    it, the organisation is read from what the file says, where it says it (see
    ``identify.py``), and ``Report.organisation`` is the one found, or None.
    With ``output``, the harmonised table is also written there (.csv, .parquet or .json).
    For a periodic standard, ``period`` is the reporting period the file covers (``2025-03``,
    ``2025-Q1``, ``2024/25``); without it, the check works it out (``localdata.ingest.periods``).

    Example::

        report = localdata.check("spend-2024-03.csv", "spend", organisation="E07000120")
        report.counts_by_severity
    """
    settings = settings or Settings()
    if isinstance(standard, str):
        standard = StandardCatalogue(settings.data_dir / "standards").get(standard)
    register = Register.default()
    given = register.identify(organisation).id if organisation else None
    if isinstance(source, str):
        source = Path(source)
    table_source = open_table(
        source,
        filename=filename or _name(source),
        settings=settings,
        known_headers=known_headers(standard),
    )
    batches = iter(table_source.batches())
    first = next(batches, None)
    plan, plan_issues = _plan(table_source, first, standard, given, register)
    collector = IssueCollector(keep=settings.example_issues)
    collector.add(issue_frame([*table_source.issues, *plan_issues]))
    rows_in = chain([first], batches) if first is not None else iter(())
    tables, rows = _run(rows_in, plan, collector, output, keep_table, progress)
    for frame in _duplicates(plan):
        collector.add(frame)
    if plan.keys is not None:
        collector.add(plan.keys.issues())
    titles = [" ".join(cells) for _, cells in table_source.preamble]
    found_period = _period(plan, plan.mapping, period, [filename or _name(source), *titles])
    if found_period is not None:
        collector.add(issue_frame(found_period.issues))
    return Report(
        standard=standard,
        source=_source_info(table_source, source, filename),
        mapping=plan.mapping,
        rows=rows,
        issues=collector.issues(),
        counts=collector.counts(),
        table=pl.concat(tables)
        if keep_table and tables
        else (_empty_table(standard) if keep_table else None),
        organisation=plan.organisation,
        output=str(output) if output else None,
        period=found_period.period if found_period else None,
    )


def _plan(
    table_source: TableSource,
    first: RawBatch | None,
    standard: Standard,
    given: str | None,
    register: Register,
) -> tuple[_Plan, list[Issue]]:
    """Map the columns and settle the organisation (given, or read from the first rows)."""
    mapping, issues = map_columns(table_source.headers, standard)
    found = identify_organisation(
        first.frame if first else _empty_frame(table_source.headers),
        table_source.preamble,
        mapping,
        standard,
        given,
        register,
    )
    if found.organisation is not None:  # it fills in the organisation field, so none is missing
        mapping, issues = map_columns(
            table_source.headers, standard, supplied=_organisation_fields(standard)
        )
    plan = _Plan(standard, mapping, found.organisation, keys=KeyCollector.for_standard(standard))
    plan.text_columns = {
        column: name
        for column, name in mapping.columns.items()
        if standard.field(name).datatype in TEXT_TYPES
    }
    return plan, [*issues, *found.issues]


def _run(
    batches: Iterator[RawBatch],
    plan: _Plan,
    collector: IssueCollector,
    output: Path | None,
    keep_table: bool,
    progress: Progress | None,
) -> tuple[list[pl.DataFrame], int]:
    tables: list[pl.DataFrame] = []
    rows = 0
    writer = TableWriter(output, plan.standard) if output else None
    with writer or nullcontext(), ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for table, issues in _checked(batches, plan, pool):
            collector.add(issues)
            _count_months(plan, table)
            if writer:
                writer.write(table)
            if keep_table:
                tables.append(table)
            rows += table.height
            if progress:
                progress(rows)
    return tables, rows


def _checked(
    batches: Iterator[RawBatch], plan: _Plan, pool: Executor
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """Each batch checked, while the next one is read in the background."""
    with ThreadPoolExecutor(max_workers=1) as reader:
        upcoming = reader.submit(next, batches, None)
        while (batch := upcoming.result()) is not None:
            upcoming = reader.submit(next, batches, None)
            table, issues = check_batch(batch, plan, pool)
            yield table, pl.concat([issue_frame(batch.issues), issues])


def check_batch(
    batch: RawBatch, plan: _Plan, pool: Executor | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Harmonise and validate one batch of rows: the harmonised rows and their issues.

    Fields are independent, so with a ``pool`` they are worked on at the same time (Polars
    releases the GIL while it computes).
    """
    rows = batch.row_numbers.alias("_row")
    run = pool.map if pool is not None else map
    results = list(run(lambda f: _check_field(batch, rows, f, plan), plan.standard.fields))
    formulas = check_formulas(batch.frame.with_columns(_row=rows), plan.text_columns)
    columns = {"_row": rows} | {
        f.name: values for f, (values, _, _) in zip(plan.standard.fields, results, strict=True)
    }
    table = pl.DataFrame(columns)
    found = [frame for _, frames, _ in results for frame in frames]
    for _, _, column_issues in results:
        found.append(_column_issues(column_issues, plan))
    if formulas is not None:
        found.append(formulas)
    for standard_field in plan.standard.fields:
        _remember_unique(plan, standard_field, table)
    if plan.keys is not None:
        plan.keys.add(table)
    found = [f.select(list(ISSUE_SCHEMA)) for f in found if f.height]
    return table, pl.concat(found) if found else issue_frame([])


def _check_field(
    batch: RawBatch, rows: pl.Series, standard_field: StandardField, plan: _Plan
) -> tuple[pl.Series, list[pl.DataFrame], list[Issue]]:
    """One field of one batch: its harmonised values, its cell issues and column issues."""
    original, result = _harmonise_field(batch, standard_field, plan)
    values = result.values.alias(standard_field.name)
    found = [_cell_issues(rows, result, standard_field.name, original)]
    found += check_field(pl.DataFrame([rows, values]), original, standard_field)
    return values, found, result.column_issues


def _harmonise_field(
    batch: RawBatch, standard_field: StandardField, plan: _Plan
) -> tuple[pl.Series | None, Harmonised]:
    name = standard_field.name
    column = plan.mapping.column_for(name)
    if column is not None:
        values = batch.frame[column]
        for other in plan.mapping.fallbacks.get(name, ()):
            values = values.fill_null(batch.frame[other])
        read = read_cells(values, standard_field)
        return values, with_read_issues(read, _harmonise_column(read.values, standard_field, plan))
    if name in plan.mapping.points:
        x, y = (batch.frame[c] for c in plan.mapping.points[name])
        original = (x + ", " + y).alias(name)
        read_x, read_y = read_cells(x, standard_field), read_cells(y, standard_field)
        point = harmonise_point(read_x.values, read_y.values, standard_field)
        return original, with_read_issues(read_x, with_read_issues(read_y, point))
    fill = plan.organisation if standard_field.datatype is Datatype.ORGANISATION else None
    dtype = CANONICAL_DTYPES[standard_field.datatype]
    height = batch.frame.height
    values = pl.repeat(fill, height, dtype=pl.String, eager=True).cast(dtype).alias(name)
    return None, Harmonised(values, _nulls(height, name))


def _harmonise_column(values: pl.Series, standard_field: StandardField, plan: _Plan) -> Harmonised:
    """One mapped column's values harmonised, once its cells have been read."""
    if standard_field.datatype is Datatype.ORGANISATION:
        return _organisation(values, standard_field, plan)
    if standard_field.separator:
        return _harmonise_parts(values, standard_field, standard_field.separator)
    return harmonise(values, standard_field)


def _nulls(height: int, name: str = "") -> pl.Series:
    return pl.repeat(None, height, dtype=pl.String, eager=True).alias(name)


def _harmonise_parts(
    values: pl.Series, standard_field: StandardField, separator: str
) -> Harmonised:
    """Harmonise a cell holding several values ("a | b"), each on its own."""
    parts = (
        pl.DataFrame({"cell": pl.int_range(values.len(), eager=True), "value": values})
        .with_columns(pl.col("value").str.split(separator))
        .explode("value")
        .with_columns(pl.col("value").str.strip_chars().replace("", None))
    )
    result = harmonise(parts["value"], standard_field)
    joined = (
        pl.DataFrame(
            {"cell": parts["cell"], "value": result.values.cast(pl.String), "issue": result.issues}
        )
        .group_by("cell", maintain_order=True)
        .agg(
            pl.col("value").drop_nulls().str.join(f" {separator} "),
            pl.col("issue").drop_nulls().first(),
        )
        .sort("cell")
        .with_columns(pl.col("value").replace("", None))
    )
    return Harmonised(
        joined["value"].alias(standard_field.name),
        joined["issue"].alias(standard_field.name),
        result.column_issues,
        result.details,
    )


def _organisation(values: pl.Series, standard_field: StandardField, plan: _Plan) -> Harmonised:
    def resolve(identifiers: Iterable[str]) -> dict[str, str | None]:
        found = Register.default().resolve_many(identifiers)
        return {k: (v.id if v else None) for k, v in found.items()}

    result = harmonise_organisation(values, standard_field, resolve)
    if plan.organisation is None:
        return result
    other = result.values.is_not_null() & (result.values != plan.organisation)
    issues = pl.select(
        pl.when(pl.lit(other))
        .then(pl.lit(ORGANISATION_MISMATCH.slug))
        .otherwise(pl.lit(result.issues))
        .alias(standard_field.name)
    ).to_series()
    filled = result.values.fill_null(plan.organisation)
    return Harmonised(
        filled,
        issues,
        result.column_issues,
        result.details | {ORGANISATION_MISMATCH.slug: _name_of(plan.organisation)},
    )


def _cell_issues(
    rows: pl.Series, result: Harmonised, field_name: str, original: pl.Series | None
) -> pl.DataFrame:
    shown = original if original is not None else _nulls(len(rows))
    frame = pl.DataFrame({"row": rows, "type": result.issues, "value": shown})
    return frame.filter(pl.col("type").is_not_null()).select(
        "row",
        pl.lit(field_name, pl.String).alias("field"),
        pl.lit(None, pl.String).alias("column"),
        "type",
        pl.col("value").cast(pl.String),
        pl.col("type")
        .replace_strict(result.details, default="", return_dtype=pl.String)
        .alias("detail"),
    )


def _column_issues(issues: list[Issue], plan: _Plan) -> pl.DataFrame:
    fresh = [i for i in issues if (i.type, i.field) not in plan.seen_column_issues]
    plan.seen_column_issues |= {(i.type, i.field) for i in fresh}
    return issue_frame(fresh)


def _count_months(plan: _Plan, table: pl.DataFrame) -> None:
    if plan.standard.period_field is not None:
        plan.months = plan.months.add(MonthCounts.of(table[plan.standard.period_field]))


def _period(
    plan: _Plan, mapping: ColumnMapping, period: Period | str | None, names: list[str]
) -> PeriodFinding | None:
    """The period a file of a periodic standard covers, and what to say about it."""
    standard = plan.standard
    if not standard.periodic:
        return None
    given = Period.parse(period) if isinstance(period, str) else period
    has_dates = standard.period_field is not None and standard.period_field in mapping.fields
    return find_period(standard, plan.months, given=given, names=names, has_dates=has_dates)


def _remember_unique(plan: _Plan, standard_field: StandardField, table: pl.DataFrame) -> None:
    if standard_field.constraints.unique:
        keep = table.select("_row", pl.col(standard_field.name).cast(pl.String).alias("v"))
        plan.unique_values.setdefault(standard_field.name, []).append(keep)


def _duplicates(plan: _Plan) -> Iterable[pl.DataFrame]:
    for name, frames in plan.unique_values.items():
        both = pl.concat(frames)
        yield duplicate_values(both["v"], both["_row"], name)


def _organisation_fields(standard: Standard) -> list[str]:
    """The fields an organisation given or identified fills in."""
    return [f.name for f in standard.fields if f.datatype is Datatype.ORGANISATION]


def _empty_frame(headers: list[str]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(headers, pl.String))


def _empty_table(standard: Standard) -> pl.DataFrame:
    schema = {"_row": pl.Int64(), **{f.name: CANONICAL_DTYPES[f.datatype] for f in standard.fields}}
    return pl.DataFrame(schema=schema)


def _name_of(organisation_id: str) -> str:
    return Register.default().get(organisation_id).official_name


def _name(source: Path | bytes) -> str:
    return source.name if isinstance(source, Path) else "upload"


def _source_info(
    table_source: TableSource, source: Path | bytes, filename: str | None
) -> SourceInfo:
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    return SourceInfo(
        filename=filename or _name(source),
        format=table_source.format,
        encoding=table_source.encoding,
        sheet=table_source.sheet,
        size=size,
    )


__all__ = ["check", "check_batch"]
