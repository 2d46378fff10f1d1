"""The demo's source: a council that publishes its spending on its own web page.

Decision: ``localdata demo`` writes a small transparency page and the spend file it links to
into ``<data_dir>/demo-sources/``, and registers the page as a source of the council's spend.
``localdata serve`` serves that folder on ``127.0.0.1:8001`` (``DEMO_FILES_PORT``), read-only,
while it runs, so ``make run`` collects the source with nothing else to start: the worker in
``serve`` fetches the page, follows its link to the CSV, checks it and publishes it. The
address is a loopback one, which collection refuses; ``serve`` allows exactly this one origin
while it serves the demo's files, and nothing else.

The council is the demo's fifth, which otherwise never publishes spend, so the organisation
page shows it going from "never published" to "current" once the source is collected.
"""

from __future__ import annotations

import functools
import html
import logging
import threading
from dataclasses import dataclass
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from localdata.collect.sources import Source, add_source, list_sources
from localdata.demo import spend
from localdata.demo.places import Council
from localdata.settings import Settings
from localdata.store.library import Library

DEMO_FILES_HOST = "127.0.0.1"
DEMO_FILES_PORT = 8001
FOLDER = "demo-sources"
log = logging.getLogger(__name__)


def demo_files_folder(settings: Settings) -> Path:
    """Where the demo's source files are kept."""
    return settings.data_dir / FOLDER


def register_demo_source(
    library: Library, councils: list[Council], seed: int, today: date
) -> Source:
    """Write the demo council's page and file, and register the page as its spend source."""
    council = councils[min(4, len(councils) - 1)]
    slug = council.organisation.reference.lower()
    url = f"http://{DEMO_FILES_HOST}:{DEMO_FILES_PORT}/{slug}/transparency.html"
    with library.database.transaction() as conn:
        existing = [s for s in list_sources(conn, organisation=council.id) if s.url == url]
    if existing:
        return existing[0]
    style = spend.spend_style(council, seed)
    month = today.year * 12 + today.month - 2  # last month's spending
    name = spend.spend_filename(style, month)
    folder = demo_files_folder(library.settings) / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(spend.spend_file(style, seed, month))
    (folder / "transparency.html").write_text(_page(council, name), encoding="utf-8")
    return add_source(library, "spend", council.id, url, created_by="demo")


def _page(council: Council, filename: str) -> str:
    title = html.escape(f"{council.name}: spending over £500")
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>We publish our spending every month.</p>"
        '<p><a href="/">Home</a> <a href="accessibility.html">Accessibility</a></p>'
        f'<p><a href="{html.escape(filename)}">Spend, last month (CSV)</a></p>'
        "</body></html>"
    )


@dataclass
class DemoFileServer:
    """The demo's file server, running in a background thread."""

    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def origin(self) -> tuple[str, int]:
        """The host and port collection may reach although it is a loopback address."""
        return DEMO_FILES_HOST, DEMO_FILES_PORT

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


def serve_demo_files(settings: Settings) -> DemoFileServer | None:
    """Serve the demo's source files, if the demo wrote any; None if not (or the port is busy)."""
    folder = demo_files_folder(settings)
    if not folder.is_dir():
        return None
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        server = ThreadingHTTPServer((DEMO_FILES_HOST, DEMO_FILES_PORT), handler)
    except OSError as error:
        log.warning("not serving the demo's source files on port %s: %s", DEMO_FILES_PORT, error)
        return None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="demo-files", daemon=True)
    thread.start()
    return DemoFileServer(server, thread)
