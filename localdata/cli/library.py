"""``localdata init``, ``publish``, ``versions``, ``diff`` and ``export``: the library's data."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from localdata.access.model import ANONYMOUS
from localdata.cli.check import print_report
from localdata.cli.output import EXIT_MUST_FIX, EXIT_OK, console
from localdata.settings import Settings
from localdata.store.library import Library


@contextmanager
def open_library() -> Iterator[Library]:
    """The library the settings describe, closed afterwards."""
    library = Library(Settings())
    try:
        yield library
    finally:
        library.close()


def init_command() -> None:
    """Create the library's data folder and metadata database, or bring them up to date.

    Example: LOCALDATA_DATA_DIR=/srv/localdata localdata init
    """
    with open_library() as library:
        console.print(f"The library is ready in {library.settings.data_dir}", markup=False)


def publish_command(
    file: Path = typer.Argument(..., metavar="FILE", help="The file to publish."),
    standard: str = typer.Option(..., "--standard", "-s", help="The dataset's standard."),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Who publishes it (worked out from the file if not)."
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        help="For a periodic standard, the period the file covers: 2025-03, 2025-Q1, 2024/25 "
        "(worked out from the file if not given).",
    ),
) -> None:
    """Check FILE and, if nothing must be fixed, publish it into the national dataset.

    A file of a snapshot standard (such as brownfield-land) replaces the organisation's data; a
    file of a periodic standard (such as spend) replaces only its period's. Exits 0 when
    published (or unchanged), 1 when something must be fixed first, 2 when the file or command
    cannot be used.

    Example: localdata publish spend-2024-03.csv --standard spend --organisation E07000120
    """
    if not file.is_file():
        raise typer.BadParameter(f"There is no file at {file}.", param_hint="FILE")
    with open_library() as library:
        done = library.publish(file, standard, organisation, period=period)
    if done.report is not None:
        print_report(done.report)
    submission = done.submission
    covering = f" ({submission.period.title})" if submission.period else ""
    messages = {
        "published": f"Published as version {submission.id} of {submission.dataset}{covering} "
        f"for {submission.organisation}: {submission.rows:,} rows.",
        "unchanged": f"This is the same file as the current version{covering}, so nothing changed.",
        "rejected": "Nothing was published: what was published before stays as it was.",
    }
    console.print(f"\n{messages[submission.status]}", markup=False)
    for note in done.notes():
        console.print(note, markup=False)
    raise typer.Exit(EXIT_MUST_FIX if submission.status == "rejected" else EXIT_OK)


def versions_command(
    dataset: str = typer.Argument(..., help="The dataset, like spend."),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Only this organisation's versions."
    ),
) -> None:
    """List the published versions of a dataset, newest first.

    Example: localdata versions spend --organisation E07000120
    """
    with open_library() as library:
        found = library.versions(dataset, organisation)
    if not found:
        console.print("No versions have been published yet.", markup=False)
    for version in found:
        period = version.period.label if version.period else ""
        console.print(
            f"{version.id:>6}  {version.submitted_at:%Y-%m-%d %H:%M}  "
            f"{version.organisation:<32} {period:<16} {version.rows:>9,} rows  "
            f"{version.filename}",
            markup=False,
        )


def diff_command(
    version: int = typer.Argument(..., help="The version number, from localdata versions."),
    limit: int = typer.Option(5, "--limit", help="Examples to show of each kind of change."),
) -> None:
    """Show what a version added, changed and removed, against the version before it.

    Example: localdata diff 42
    """
    with open_library() as library:
        found = library.diff(version, limit=limit)
    against = f"version {found.previous}" if found.previous else "nothing (first version)"
    console.print(
        f"Version {version} against {against}, matching rows on {', '.join(found.key)}:",
        markup=False,
    )
    console.print(
        f"  {found.added:,} added, {found.changed:,} changed, {found.removed:,} removed",
        markup=False,
    )
    for kind, examples in found.examples.items():
        for example in examples:
            console.print(f"  {kind}: {example}", markup=False)


def export_command(
    dataset: str = typer.Argument(..., help="The dataset, like spend."),
    fmt: str = typer.Option("csv", "--format", help="csv, json, geojson or parquet."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="As it was on a date, at a time, or at a version."
    ),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Only this organisation's rows."
    ),
    output: Path | None = typer.Option(None, "--output", help="Write here, not to stdout."),
    api_key: str | None = typer.Option(
        None, "--api-key", help="Read as this API key's owner (needed for restricted data)."
    ),
    purpose: str | None = typer.Option(
        None, "--purpose", help="Why restricted data is read: an agreement's purpose."
    ),
) -> None:
    """Write a whole dataset (or one organisation's part) as CSV, JSON, GeoJSON or Parquet.

    Reads pass the same access gate as the API: without --api-key, only open data.

    Example: localdata export spend --format parquet --as-of 2024-03-31 --output spend.parquet
    """
    with open_library() as library:
        params = [("organisation", library.organisation(organisation))] if organisation else []
        params += [("as_of", as_of)] if as_of else []
        principal = library.access.key_principal(api_key) if api_key else ANONYMOUS
        chunks = library.export(dataset, params, fmt, principal=principal, purpose=purpose)
        if output is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            return
        partial = output.with_name(output.name + ".partial")
        with partial.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        partial.replace(output)
    console.print(f"Wrote {output}", markup=False)
