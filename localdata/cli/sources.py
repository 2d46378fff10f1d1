"""``localdata sources``: register the URLs councils publish at, and see how collecting goes."""

from __future__ import annotations

import typer

from localdata.cli.library import open_library
from localdata.cli.output import EXIT_MUST_FIX, console

app = typer.Typer(
    help="Register URLs to collect datasets from, and see each one's log.", no_args_is_help=True
)


@app.command("add")
def add_command(
    dataset: str = typer.Argument(..., help="The dataset's standard, like spend."),
    url: str = typer.Argument(..., help="The file's address, or a page that links to it."),
    organisation: str = typer.Option(..., "--organisation", "-o", help="Who publishes it."),
    schedule: str = typer.Option("daily", "--schedule", help="hourly, daily or weekly."),
    period: str | None = typer.Option(
        None,
        "--period",
        help="For a periodic standard, the period every file there covers, like 2024/25 "
        "(worked out from each file if not given).",
    ),
) -> None:
    """Register URL as where the organisation publishes DATASET; workers collect it.

    It is collected by the next worker to run (``localdata worker`` or ``localdata serve``),
    then on its schedule.

    Example: localdata sources add spend --organisation E07000120 https://example.gov.uk/spend.csv
    """
    from localdata.collect.sources import add_source

    with open_library() as library:
        source = add_source(library, dataset, organisation, url, schedule=schedule, period=period)
    console.print(
        f"Registered source {source.id}: {source.dataset} for {source.organisation} from "
        f"{source.url}, collected {source.schedule}.",
        markup=False,
    )


@app.command("list")
def list_command(
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Only this organisation's sources."
    ),
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset's sources."),
) -> None:
    """List sources with their status: working, failing since, unchanged since.

    Example: localdata sources list --organisation E07000120
    """
    from localdata.collect.status import sources_with_status

    with open_library() as library:
        found = sources_with_status(library, organisation=organisation, dataset=dataset)
    if not found:
        console.print("No sources are registered.", markup=False)
    for item in found:
        source, status = item.source, item.status
        overdue = "  (overdue)" if status.overdue else ""
        console.print(
            f"{source.id:>5}  {source.dataset:<20} {source.organisation:<32} "
            f"{status.summary}{overdue}\n       {source.url}",
            markup=False,
        )


@app.command("log")
def log_command(
    source: int = typer.Argument(..., help="The source's number, from localdata sources list."),
    limit: int = typer.Option(20, "--limit", help="Most attempts to show."),
) -> None:
    """Show every attempt to collect a source, newest first.

    Example: localdata sources log 3
    """
    from localdata.collect.sources import attempt_log

    with open_library() as library, library.database.transaction() as conn:
        found = attempt_log(conn, source, limit=limit)
    if not found:
        console.print("This source has not been collected yet.", markup=False)
    for attempt in found:
        size = f"{attempt.bytes:,} bytes" if attempt.bytes is not None else "no file"
        status = attempt.http_status or "-"
        verdict = f", {attempt.submission_status}" if attempt.submission_status else ""
        console.print(
            f"{attempt.started_at:%Y-%m-%d %H:%M:%S}  {attempt.outcome:<9} HTTP {status}  "
            f"{size}  {attempt.elapsed_ms:,} ms{verdict}"
            + (f"  sha256 {attempt.resource[:12]}" if attempt.resource else ""),
            markup=False,
        )
        if attempt.error:
            console.print(f"    {attempt.error}", markup=False)


@app.command("collect")
def collect_command(
    source: int = typer.Argument(..., help="The source's number, from localdata sources list."),
) -> None:
    """Collect a source now, and check and publish what it brings.

    Exits 0 when the file was published or unchanged, 1 when the fetch failed or the file has
    something to fix.

    Example: localdata sources collect 3
    """
    from localdata.collect import collector
    from localdata.collect.fetch import Fetcher

    with open_library() as library:
        fetcher = Fetcher(library.settings)
        try:
            attempt = collector.collect(library, fetcher, source)
        finally:
            fetcher.close()
        if attempt.outcome == "new":
            attempt = collector.publish(library, attempt.id)
    if attempt.outcome == "failed" or not attempt.ok:
        console.print(f"Not collected: {attempt.error or 'the file has errors to fix.'}")
        raise typer.Exit(EXIT_MUST_FIX)
    what = {"new": f"Collected a new file ({attempt.bytes:,} bytes)", "unchanged": "Unchanged"}
    verdict = f": {attempt.submission_status}" if attempt.submission_status else ""
    console.print(f"{what[attempt.outcome]}{verdict}.", markup=False)


def _set_state(source: int, state: str, done: str) -> None:
    from localdata.collect.sources import set_state

    with open_library() as library:
        found = set_state(library, source, state)
    console.print(f"Source {found.id} is {done}.", markup=False)


@app.command("pause")
def pause_command(source: int = typer.Argument(..., help="The source's number.")) -> None:
    """Stop collecting a source for now; its log is kept.

    Example: localdata sources pause 3
    """
    _set_state(source, "paused", "paused")


@app.command("resume")
def resume_command(source: int = typer.Argument(..., help="The source's number.")) -> None:
    """Collect a paused source again, starting now.

    Example: localdata sources resume 3
    """
    _set_state(source, "active", "collected again")


@app.command("retire")
def retire_command(source: int = typer.Argument(..., help="The source's number.")) -> None:
    """Stop collecting a source for good; its log is kept.

    Example: localdata sources retire 3
    """
    _set_state(source, "retired", "retired")
