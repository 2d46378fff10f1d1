"""``localdata standards``: list, show, export and import data standards."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from localdata.cli.library import open_library
from localdata.cli.output import console
from localdata.settings import Settings
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.tableschema import export_table_schema, import_table_schema

app = typer.Typer(help="List, show, export and import data standards.", no_args_is_help=True)


def _catalogue() -> StandardCatalogue:
    return StandardCatalogue(Settings().data_dir / "standards")


@app.command("list")
def list_command() -> None:
    """List the standards this library knows.

    Example: localdata standards list
    """
    for standard in _catalogue().latest():
        console.print(f"{standard.name:<28} {standard.version:<10} {standard.title}", markup=False)


@app.command("show")
def show_command(
    name: str = typer.Argument(..., help="The standard's name, like spend."),
    version: str | None = typer.Option(None, "--version", help="A version; the latest if unset."),
) -> None:
    """Show a standard's fields, datatypes and guidance.

    Example: localdata standards show brownfield-land
    """
    standard = _catalogue().get(name, version)
    console.print(
        f"{standard.title} ({standard.name}, version {standard.version})",
        style="bold",
        markup=False,
    )
    console.print(standard.description, markup=False)
    console.print(
        f"Owner: {standard.owner}. Publish: {standard.frequency.value}. "
        f"Licence: {standard.licence}.",
        markup=False,
    )
    for field in standard.fields:
        need = "required" if field.required else "optional"
        console.print(
            f"\n{field.name} ({field.datatype.value}, {need})", style="bold", markup=False
        )
        for line in (
            field.description,
            field.guidance,
            f"Example: {field.example}" if field.example else "",
            "Also accepted as: " + ", ".join(field.aliases) if field.aliases else "",
            "Allowed values: " + ", ".join(field.code_values) if field.code_values else "",
        ):
            if line:
                console.print(f"  {line}", markup=False)


@app.command("export")
def export_command(
    name: str = typer.Argument(..., help="The standard's name."),
    output: Path | None = typer.Option(None, "--output", help="Write to this file, not stdout."),
) -> None:
    """Export a standard as a Frictionless Table Schema (JSON).

    Example: localdata standards export spend --output spend.schema.json
    """
    text = json.dumps(export_table_schema(_catalogue().get(name)), indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"Wrote {output}", markup=False)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A Table Schema or Data Package JSON file."),
    name: str | None = typer.Option(None, "--name", help="Name the standard (kebab-case)."),
) -> None:
    """Import a Frictionless Table Schema or Data Package as a standard.

    Example: localdata standards import fraud.json --name fraud-local
    """
    if not file.is_file():
        raise typer.BadParameter(f"There is no file at {file}.", param_hint="FILE")
    standard = import_table_schema(
        file.read_text(encoding="utf-8-sig", errors="replace"), name=name
    )
    with open_library() as library:
        path = library.add_standard(standard)
    console.print(
        f"Imported {standard.name} (version {standard.version}, "
        f"{len(standard.fields)} fields) into {path}",
        markup=False,
    )
