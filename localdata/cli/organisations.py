"""``localdata organisations``: find organisations in the register."""

from __future__ import annotations

import typer

from localdata.cli.output import console
from localdata.registers import Register

app = typer.Typer(help="Find organisations and their codes.", no_args_is_help=True)


@app.command("find")
def find_command(
    query: str = typer.Argument(..., help="A name, code (E07000120, 00DA), curie or URI."),
    limit: int = typer.Option(20, "--limit", help="Most organisations to list."),
) -> None:
    """Find organisations by name or by any of their codes.

    Example: localdata organisations find "Hyndburn"
    """
    found = Register.default().find(query, limit=limit)
    if not found:
        console.print(f"No organisation matches '{query}'.", markup=False)
        raise typer.Exit(1)
    for org in found:
        ended = f" (ended {org.end_date})" if getattr(org, "end_date", None) else ""
        console.print(f"{org.id:<40} {org.name}{ended}", markup=False)
