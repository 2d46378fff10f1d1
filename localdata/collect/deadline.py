"""Total deadlines for outgoing HTTP requests: connecting, headers and body, all within one limit.

httpx's timeouts bound each network operation, not the request: a server that sends one byte a
second, of its headers or its body, never lets a read time out, and holds the request for as
long as it likes. So collection and webhook delivery run their requests inside
``within(seconds)``, and the network backend their clients are built on
(``addresses.GuardedBackend``) gives every DNS lookup, connect, TLS handshake, read and write
only the time left (``left``), raising httpcore's own timeout once none is. A watchdog also
shuts the block's sockets down at the deadline, so nothing the operating system does in one
call (a TLS handshake fed a byte at a time) can outlast it.

The deadline belongs to the thread (a ``ContextVar``), so workers running side by side each
have their own; a block inside another keeps the earlier of the two deadlines.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpcore


@dataclass
class Deadline:
    """When a block of requests must be over, and the sockets to shut down then."""

    at: float
    sockets: set[socket.socket] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    passed: bool = False

    def watch(self, sock: socket.socket) -> None:
        """Shut this socket down when the deadline passes (at once if it has)."""
        with self.lock:
            if not self.passed:
                self.sockets.add(sock)
                return
        _shut(sock)

    def expire(self) -> None:
        """The deadline has come: shut down every socket the block used."""
        with self.lock:
            self.passed = True
            found, self.sockets = self.sockets, set()
        for sock in found:
            _shut(sock)


_current: ContextVar[Deadline | None] = ContextVar("localdata_http_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[Deadline]:
    """Run the requests made in this block (in this thread) within ``seconds`` in all."""
    outer = _current.get()
    at = time.monotonic() + seconds
    if outer is not None and outer.at <= at:
        yield outer
        return
    found = Deadline(at)
    timer = threading.Timer(seconds, found.expire)
    timer.daemon = True
    token = _current.set(found)
    timer.start()
    try:
        yield found
    finally:
        timer.cancel()
        _current.reset(token)


def expired() -> bool:
    """True when this thread's requests have run out of time."""
    found = _current.get()
    return found is not None and time.monotonic() >= found.at


def left(timeout: float | None, error: type[Exception] = httpcore.ReadTimeout) -> float | None:
    """The time one operation may take: ``timeout``, or less when the deadline is nearer.

    Raises ``error`` (an httpcore timeout) when the deadline has passed.
    """
    found = _current.get()
    if found is None:
        return timeout
    remaining = found.at - time.monotonic()
    if remaining <= 0:
        raise error("the request took longer than it was allowed in all")
    return remaining if timeout is None else min(timeout, remaining)


def watch(stream: httpcore.NetworkStream) -> httpcore.NetworkStream:
    """The stream, made to keep this thread's deadline on every operation."""
    return DeadlineStream(stream)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads, writes and TLS handshake end by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self.stream = stream

    def _watch(self) -> None:
        found = _current.get()
        sock = self.stream.get_extra_info("socket")
        if found is not None and isinstance(sock, socket.socket):
            found.watch(sock)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, waiting no longer than the deadline allows."""
        self._watch()
        return self.stream.read(max_bytes, left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting no longer than the deadline allows."""
        self._watch()
        self.stream.write(buffer, left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the connection."""
        self.stream.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """Upgrade to TLS, the handshake ending by the deadline."""
        self._watch()
        wait = left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self.stream.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        """What the underlying stream says about itself."""
        return self.stream.get_extra_info(info)


def _shut(sock: socket.socket) -> None:
    """Stop every read and write on the socket now; a blocked call returns at once."""
    with contextlib.suppress(OSError):  # already closed, or never connected
        sock.shutdown(socket.SHUT_RDWR)
