"""A real HTTP server on 127.0.0.1 for collection tests, serving whatever a test asks.

Each path has a route: a function that answers the request. The helpers make the routes the
tests need: a file with an ETag and Last-Modified (answering 304 when they match), server
errors before a success, a slow answer, an endless body, a redirect loop and a web page.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
MARCH = HEADER + "05/03/2024,T1,1,100.00,ACME LTD\n06/03/2024,T2,1,200.00,BETA LTD\n"
APRIL = HEADER + "05/03/2024,T1,1,150.00,ACME LTD\n07/04/2024,T3,1,300.00,GAMMA LTD\n"
BROKEN = HEADER + "TBC,T9,1,n/a,\n"


class SourceServer:
    """The server: its base URL, its routes, and how often each path was asked for."""

    def __init__(self, http: ThreadingHTTPServer) -> None:
        self.http = http
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        host, port = http.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def serve(self, path: str, route: Route) -> str:
        """Answer requests for ``path`` with ``route``; return its full URL."""
        self.routes[path] = route
        return self.url + path


def file(
    content: bytes,
    *,
    etag: str | None = None,
    modified: float | None = None,
    content_type: str = "text/csv",
) -> Route:
    """A file, answering 304 when the request's ETag or date says it already has it."""
    last_modified = formatdate(modified, usegmt=True) if modified is not None else None

    def route(request: BaseHTTPRequestHandler) -> None:
        if (etag and request.headers.get("If-None-Match") == etag) or (
            last_modified and request.headers.get("If-Modified-Since") == last_modified
        ):
            request.send_response(304)
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(content)))
        if etag:
            request.send_header("ETag", etag)
        if last_modified:
            request.send_header("Last-Modified", last_modified)
        request.end_headers()
        request.wfile.write(content)

    return route


def failing_then(times: int, then: Route, status: int = 500) -> Route:
    """Answer ``status`` the first ``times`` times, then as ``then`` does."""
    count = 0
    lock = threading.Lock()

    def route(request: BaseHTTPRequestHandler) -> None:
        nonlocal count
        with lock:
            count += 1
            fail = count <= times
        if fail:
            request.send_response(status)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        then(request)

    return route


def slow(seconds: float, then: Route) -> Route:
    """Wait before answering."""

    def route(request: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        then(request)

    return route


def dripping(every: float) -> Route:
    """A body sent one byte at a time, each a little sooner than a read would time out."""

    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        try:
            for _ in range(100_000):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(every)
        except OSError:
            return

    return route


def dripping_headers(every: float, headers: int = 400) -> Route:
    """Headers sent one byte at a time (``headers`` bytes of them), each a little sooner than
    a read would time out: a server that never finishes saying what it is sending."""

    def route(request: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * headers + b"\r\n\r\n"
        try:
            for byte in head:
                request.wfile.write(bytes([byte]))
                request.wfile.flush()
                time.sleep(every)
        except OSError:
            return

    return route


def endless(request: BaseHTTPRequestHandler) -> None:
    """A body that never ends (chunked, no length)."""
    request.send_response(200)
    request.send_header("Content-Type", "text/csv")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    chunk = b"x" * 65536
    try:
        while True:
            request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    except OSError:
        return


def redirect(to: str) -> Route:
    """A redirect to ``to``."""

    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", to)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return route


def page(html: str) -> Route:
    """A web page."""
    return file(html.encode(), content_type="text/html; charset=utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?")[0]
        owner.hits[path] += 1
        owner.headers.setdefault(path, []).append(dict(self.headers))
        route = owner.routes.get(path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: SourceServer


@contextmanager
def running_server() -> Iterator[SourceServer]:
    """A server on a free port of 127.0.0.1, stopped afterwards."""
    http = _Server(("127.0.0.1", 0), _Handler)
    owner = SourceServer(http)
    http.owner = owner
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield owner
    finally:
        http.shutdown()
        http.server_close()
        thread.join()
