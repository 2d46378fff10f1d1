"""The ``localdata`` command: one command group per part of the library.

Every command turns a ``LocalDataError`` into its plain-English message and exit code 2;
``check`` exits 0 when nothing must be fixed and 1 when something must.
"""

from __future__ import annotations

import typer

from localdata import __version__
from localdata.cli import access as access_cli
from localdata.cli import check, demo, library, organisations, serve, standards
from localdata.cli import events as events_cli
from localdata.cli import sources as sources_cli
from localdata.cli import worker as worker_cli
from localdata.cli.output import fail
from localdata.errors import LocalDataError

app = typer.Typer(
    name="localdata",
    help="The Local Data Library: check, publish and serve local government data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("check")(check.check_command)
app.command("init")(library.init_command)
app.command("publish")(library.publish_command)
app.command("versions")(library.versions_command)
app.command("diff")(library.diff_command)
app.command("export")(library.export_command)
app.command("demo")(demo.demo_command)
app.add_typer(standards.app, name="standards")
app.add_typer(organisations.app, name="organisations")
app.command("serve")(serve.serve_command)
app.add_typer(sources_cli.app, name="sources")
app.command("worker")(worker_cli.worker_command)
app.command("events")(events_cli.events_command)
app.add_typer(access_cli.users_app, name="users")
app.add_typer(access_cli.keys_app, name="keys")
app.add_typer(access_cli.agreements_app, name="agreements")
app.add_typer(access_cli.access_app, name="access")
app.add_typer(access_cli.audit_app, name="audit")


@app.callback(invoke_without_command=True)
def _version(
    version: bool = typer.Option(False, "--version", help="Show the version and stop."),
) -> None:
    if version:
        typer.echo(f"localdata {__version__}")
        raise typer.Exit(0)


def main() -> None:
    """Run the command line, turning every error into a plain message and an exit code.

    Typer itself answers usage errors (exit 2) and ``--help``; the library's own errors and
    anything unexpected are turned into a plain-English message here, never a traceback.
    """
    try:
        app()
    except LocalDataError as error:
        fail(error.message, *error.details)
    except Exception as error:  # never show a traceback to a user
        fail(
            "The Local Data Library could not finish this because of a fault on our side "
            f"({type(error).__name__}). Nothing was changed. Report it with the file you used."
        )
