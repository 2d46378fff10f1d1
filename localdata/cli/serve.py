"""``localdata serve``: run the web service, with a worker in the same process."""

from __future__ import annotations

import typer


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    worker: bool = typer.Option(
        True,
        "--worker/--no-worker",
        help="Also collect sources and run jobs in this process (on by default).",
    ),
) -> None:
    """Serve the Local Data Library's API on HOST:PORT, and run a worker beside it.

    The worker collects registered sources when they are due, checks and publishes what they
    bring, and delivers events, each kind of job on threads of its own (as ``localdata
    worker`` does); turn it off with --no-worker when separate ``localdata worker`` processes
    do that. When the demo is loaded, its source's files are served on 127.0.0.1:8001 too.

    Example: localdata serve --port 8000
    """
    import uvicorn

    from localdata.app import create_app
    from localdata.collect.work import BackgroundWorker
    from localdata.demo.source import serve_demo_files
    from localdata.settings import Settings
    from localdata.store.library import Library

    settings = Settings()
    library = Library(settings)
    files = serve_demo_files(settings)
    allowed = frozenset({files.origin}) if files else frozenset()
    background = BackgroundWorker(library, allowed=allowed).start() if worker else None
    try:
        uvicorn.run(create_app(settings, library), host=host, port=port)
    finally:
        if background is not None:
            background.stop()
        if files is not None:
            files.stop()
        library.close()
