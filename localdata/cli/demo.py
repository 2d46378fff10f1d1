"""``localdata demo``: load realistic demo data from real councils into the library."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from localdata.cli.output import console, errors

if TYPE_CHECKING:
    from localdata.access.demo import SharingDemo
    from localdata.store.library import Library


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
    councils that have never published. It also sets up the sharing demo: a restricted
    dataset (homelessness-cases) published by Burnley and shared with Hyndburn and Pendle,
    with Lancashire refused, and writes the demo users' API keys to demo-keys.env in the
    data folder. Running it again on the same library changes nothing.

    Example: localdata demo
    """
    from localdata.access.demo import set_up_sharing_demo
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
        sharing = set_up_sharing_demo(library)
        keys = write_demo_keys(library, sharing) if sharing.keys else None
    if summary.already_loaded:
        console.print("The demo's files are already loaded in this library.")
    for counts in summary.datasets:
        console.print(
            f"{counts.dataset}: {counts.organisations} organisations, {counts.published} "
            f"published, {counts.rejected} rejected, {counts.unchanged} unchanged, "
            f"{counts.rows:,} rows",
            markup=False,
        )
    if not summary.already_loaded:
        console.print(
            f"Total: {summary.organisations} organisations, {summary.published} published, "
            f"{summary.rejected} rejected, {summary.unchanged} unchanged, {summary.rows:,} rows",
            markup=False,
        )
    if keys is not None:
        console.print(
            f"Sharing demo: {sharing.dataset} is restricted under the agreement "
            f"{sharing.agreement}; the demo users' API keys are in {keys}",
            markup=False,
        )


def write_demo_keys(library: Library, sharing: SharingDemo) -> Path:
    """Write the sharing demo's keys as shell variables (``HYNDBURN_KEY=…``), readable by us only.

    Keys are stored hashed and shown once; this file is that once, for a demo library only.
    """

    def name(organisation: str) -> str:
        return re.sub(r"\W+", "_", library.register.get(organisation).name).upper()

    lines = [f"{name(org)}_KEY={key}" for org, key in sharing.keys.items()]
    lines += [f"{name(org)}_IG_KEY={key}" for org, key in sharing.officer_keys.items()]
    path = library.settings.data_dir / "demo-keys.env"
    partial = path.with_name(path.name + ".partial")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.chmod(0o600)
    partial.replace(path)
    return path
