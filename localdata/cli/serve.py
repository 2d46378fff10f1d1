"""``localdata serve``: run the web service."""

from __future__ import annotations

import typer


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the Local Data Library's API on HOST:PORT.

    Example: localdata serve --port 8000
    """
    import uvicorn

    from localdata.app import create_app
    from localdata.settings import Settings

    uvicorn.run(create_app(Settings()), host=host, port=port)
