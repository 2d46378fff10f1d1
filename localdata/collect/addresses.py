"""Refuse to connect to private addresses: a network backend for httpx that checks first.

A source's URL comes from outside, so collecting it must not become a way to reach the
library's own network (a cloud metadata service, a database, an admin page). Before each
connection, including every redirect, the host is resolved, every address it resolves to is
checked, and the connection is made to an address that passed the check, so a second lookup
cannot swap in another address (DNS rebinding). TLS still checks the certificate against the
host name, which httpcore passes separately.

Refused: anything that is not a global unicast address, which covers private (10/8,
172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16, fe80::/10, so cloud metadata
services), shared (100.64/10), multicast and reserved ranges.

A refusal never says which address the host resolved to: the message is shown to whoever reads
the source's log or the webhook's delivery log, and the library's own DNS answers about its
network are not theirs to see. The address is logged for the people who run the library.

The backend also keeps the thread's total deadline (``deadline.py``): the lookup, the connect
and every read and write of the connection get only the time left.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
import typing

import httpcore

from localdata.collect import deadline

log = logging.getLogger(__name__)


class AddressRefused(Exception):
    """The host resolves to an address collection may not reach."""


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses that pass the check.

    ``allowed`` holds ``(host, port)`` pairs that may be reached even when private: the file
    server ``localdata serve`` runs for the demo's source.
    """

    def __init__(
        self, *, allow_private: bool, allowed: frozenset[tuple[str, int]] = frozenset()
    ) -> None:
        self.allow_private = allow_private
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        allow = self.allow_private or (host, port) in self.allowed
        address = checked_address(
            host, port, allow, deadline.left(timeout, httpcore.ConnectTimeout)
        )
        wait = deadline.left(timeout, httpcore.ConnectTimeout)
        stream = super().connect_tcp(address, port, wait, local_address, socket_options)
        return deadline.watch(stream)


def checked_address(host: str, port: int, allow_private: bool, timeout: float | None = None) -> str:
    """The first address of the host, after checking that every one of them may be reached."""
    addresses = _resolve(host, port, timeout)
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                log.warning("refused %s:%s, which resolves to %s", host, port, address)
                raise AddressRefused(
                    f"{host} is at a private, loopback or link-local address, so the library "
                    "does not collect from it. Publish the file at a public address."
                )
    return addresses[0]


def is_public(address: str) -> bool:
    """True for a global unicast address, the only kind collection may reach."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
    """Every address the host resolves to (a literal address resolves to itself)."""
    try:
        found = _lookup(host, port, timeout)
    except socket.gaierror as error:
        raise httpcore.ConnectError(f"{host} could not be found ({error.strerror})") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise httpcore.ConnectError(f"{host} could not be found")
    return addresses


Found = list[tuple[typing.Any, ...]]


def _lookup(host: str, port: int, timeout: float | None) -> Found:
    """``getaddrinfo``, given up after ``timeout`` seconds.

    The system resolver has no timeout of its own that a caller can set, so a slow name server
    could hold a request past its deadline: the lookup runs in a thread of its own, which is
    left to finish by itself when it is too slow.
    """
    if timeout is None or _literal(host):
        return list(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    answer: dict[str, typing.Any] = {}
    done = threading.Event()

    def look() -> None:
        try:
            answer["found"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            answer["error"] = error
        finally:
            done.set()

    threading.Thread(target=look, name=f"lookup-{host}", daemon=True).start()
    if not done.wait(timeout):
        raise httpcore.ConnectTimeout(f"{host} could not be looked up in time")
    if "error" in answer:
        raise answer["error"]
    return list(answer["found"])


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


RESOLVED = re.compile(r" is at [0-9A-Za-z:.%]+, a private")


def redact_addresses(message: str) -> str:
    """The message without the address a refused host resolved to.

    Refusals recorded before they stopped naming the address ("x is at 10.0.0.5, a private
    ...") are shown through this, so old logs do not give the address away either.
    """
    return RESOLVED.sub(" is at a private", message)
