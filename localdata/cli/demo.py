"""``localdata demo``: load realistic demo data from real councils into the library."""

from __future__ import annotations

from typing import Annotated

import typer

from localdata.cli.output import console, errors


def demo_command(
    seed: Annotated[
        int,
        typer.Option(
            "--seed", help="Seed for the generated files: the same seed gives the same demo."
        ),
    ] = 0,
    organisations: Annotated[
        int, typer.Option("--organisations", help="How many councils publish in the demo.")
    ] = 36,
) -> None:
    """Load demo data: files from real councils, published over the past 18 months.

    The files are generated in memory: monthly spend, brownfield land registers and land and
    building assets, with earlier versions, rejected files, councils that are overdue and
    councils that have never published. Running it again on the same library changes nothing.

    Example: localdata demo
    """
    from localdata.cli.library import open_library
    from localdata.demo import load_demo

    with open_library() as library:
        if errors.is_terminal:
            with errors.status("Loading the demo") as status:
                summary = load_demo(
                    library, seed=seed, organisations=organisations, progress=status.update
                )
        else:
            summary = load_demo(library, seed=seed, organisations=organisations)
    if summary.already_loaded:
        console.print("The demo is already loaded in this library, so nothing was changed.")
        return
    for counts in summary.datasets:
        console.print(
            f"{counts.dataset}: {counts.organisations} organisations, {counts.published} "
            f"published, {counts.rejected} rejected, {counts.unchanged} unchanged, "
            f"{counts.rows:,} rows",
            markup=False,
        )
    console.print(
        f"Total: {summary.organisations} organisations, {summary.published} published, "
        f"{summary.rejected} rejected, {summary.unchanged} unchanged, {summary.rows:,} rows",
        markup=False,
    )
