"""``localdata check``: check a file against a standard."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from localdata.cli.output import EXIT_MUST_FIX, EXIT_OK, console, row_progress
from localdata.ingest.issues import Severity
from localdata.ingest.pipeline import check
from localdata.ingest.report import Report
from localdata.settings import Settings

EXAMPLES_PER_TYPE = 3


class OutputFormat(StrEnum):
    """How the report is printed."""

    TEXT = "text"
    JSON = "json"


def check_command(
    file: Path = typer.Argument(
        ..., help="The file to check: CSV, Excel, ODS, JSON or ZIP.", exists=False, dir_okay=False
    ),
    standard: str = typer.Option(..., "--standard", "-s", help="The standard to check against."),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Who published the file: a code, curie or name."
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Write the fixed table here (.csv, .parquet or .json)."
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.TEXT, "--format", help="Print the report as text or JSON."
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        help="For a periodic standard, the period the file covers: 2025-03, 2025-Q1, 2024/25.",
    ),
) -> None:
    """Check FILE against a standard and say, in plain English, what to fix.

    Exits 0 when nothing must be fixed, 1 when something must, and 2 when the file cannot be
    read or the command is not right.

    Example: localdata check spend-2024-03.csv --standard spend --organisation E07000120
    """
    settings = Settings()
    if not file.is_file():
        raise typer.BadParameter(f"There is no file at {file}.", param_hint="FILE")
    with row_progress(f"Checking {file.name}") as progress:
        report = check(
            file,
            standard,
            organisation,
            settings=settings,
            output=output,
            keep_table=False,
            progress=progress,
            period=period,
        )
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(report.to_dict(), default=str, ensure_ascii=False))
    else:
        print_report(report)
    raise typer.Exit(EXIT_MUST_FIX if report.must_fix else EXIT_OK)


def print_report(report: Report) -> None:
    """Print a report for a person: grouped by what to do, with the first examples."""
    counts = report.counts_by_severity
    standard = report.standard
    console.print(
        f"{report.source.filename}: checked against {standard.title} "
        f"({standard.name}, version {standard.version})",
        markup=False,
    )
    if report.period is not None:
        console.print(f"It covers {report.period.title} ({report.period.label}).", markup=False)
    console.print(
        f"{report.rows:,} rows. {counts[Severity.ERROR]:,} to fix before publishing, "
        f"{counts[Severity.WARNING]:,} to fix when you can, "
        f"{counts[Severity.INFO]:,} fixed for you.",
        markup=False,
    )
    for severity in Severity:
        _print_group(report, severity)
    mapped = report.mapping.to_dict()["fields"]
    if isinstance(mapped, dict) and mapped:
        console.print("\nColumns used", style="bold")
        for field_name, column in mapped.items():
            shown = " and ".join(column) if isinstance(column, list) else column
            console.print(f"  {shown} -> {field_name}", markup=False)
    if report.output:
        console.print(f"\nWrote the fixed table to {report.output}", markup=False)
    verdict = (
        "Fix the issues under 'Must fix before publishing', then check the file again."
        if report.must_fix
        else "This file can be published."
    )
    console.print(f"\n{verdict}", markup=False)


def _print_group(report: Report, severity: Severity) -> None:
    entries = [e for e in report.summary() if e["severity"] == severity.value]
    if not entries:
        return
    total = sum(e["count"] for e in entries)
    console.print(f"\n{severity.heading} ({total:,})", style="bold")
    for entry in entries:
        where = f" in {entry['field']}" if entry["field"] else ""
        console.print(f"  {entry['title']}{where}: {entry['count']:,}", markup=False)
        examples = [
            i
            for i in report.issue_list(severity)
            if i.type == entry["type"] and i.field == entry["field"]
        ][:EXAMPLES_PER_TYPE]
        for issue in examples:
            console.print(f"    {issue.message}", markup=False)
