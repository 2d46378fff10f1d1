"""A real webhook receiver on 127.0.0.1 for event tests: it records what it is sent.

It answers the CloudEvents validation handshake (``OPTIONS`` with ``WebHook-Request-Origin``)
by allowing the origin. It records each POST as it arrives, and answers it with ``status``
(200 unless a test changes it; 503 for the first ``fail_first``) after ``delay`` seconds
(``delay_first``: only the first). It can be started on a port chosen before, so a test can
register its URL while nothing listens there yet (a receiver that is down).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One POST the receiver got: its headers, body and when it arrived."""

    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """What a running receiver has been sent, and how it answers."""

    port: int
    status: int = 200
    delay: float = 0.0
    delay_first: float = 0.0
    allow_handshake: bool = True
    fail_first: int = 0
    failed: int = 0
    posts: list[Received] = field(default_factory=list)
    handshakes: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Where to send events."""
        return f"http://127.0.0.1:{self.port}/hook"

    def wait_for(self, count: int, seconds: float = 20.0) -> list[Received]:
        """The first ``count`` posts, waiting for them to arrive."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.posts) >= count:
                    return list(self.posts)
            time.sleep(0.02)
        raise AssertionError(f"the receiver got {len(self.posts)} posts, not {count}")


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_OPTIONS(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            with receiver.lock:
                receiver.handshakes.append(headers)
            self.send_response(200)
            if receiver.allow_handshake:
                origin = headers.get("webhook-request-origin", "")
                self.send_header("WebHook-Allowed-Origin", origin)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with receiver.lock:
                receiver.posts.append(Received(headers, body, time.monotonic()))
                status = receiver.status
                if receiver.failed < receiver.fail_first:
                    receiver.failed += 1
                    status = 503
                first = len(receiver.posts) == 1
            if receiver.delay or (first and receiver.delay_first):
                time.sleep(receiver.delay or receiver.delay_first)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running_receiver(receiver: Receiver | None = None) -> Iterator[Receiver]:
    """Serve a receiver (on its chosen port, or a free one) until the block ends."""
    receiver = receiver or Receiver(port=0)
    http = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    http.daemon_threads = True
    receiver.port = int(http.server_address[1])
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        http.shutdown()
        http.server_close()
        thread.join()


@dataclass
class Dripper:
    """A receiver that answers every request a byte at a time, never finishing its headers in
    the time a delivery has (issue 15); ``requests`` counts what it was sent."""

    port: int = 0
    every: float = 0.05
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Where to send events."""
        return f"http://127.0.0.1:{self.port}/hook"


def _dripping_handler(dripper: Dripper) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _drip(self) -> None:
            with dripper.lock:
                dripper.requests += 1
            head = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 400 + b"\r\n\r\n"
            try:
                for byte in head:  # at most 400 * every seconds: the test's server stops itself
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(dripper.every)
            except OSError:
                return

        def do_OPTIONS(self) -> None:
            self._drip()

        def do_POST(self) -> None:
            self._drip()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running_dripper() -> Iterator[Dripper]:
    """Serve a dripping receiver on a free port of 127.0.0.1 until the block ends."""
    dripper = Dripper()
    http = ThreadingHTTPServer(("127.0.0.1", 0), _dripping_handler(dripper))
    http.daemon_threads = True
    dripper.port = int(http.server_address[1])
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield dripper
    finally:
        http.shutdown()
        http.server_close()
        thread.join()
