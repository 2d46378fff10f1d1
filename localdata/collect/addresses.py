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
"""

from __future__ import annotations

import ipaddress
import socket
import typing

import httpcore


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
        address = checked_address(host, port, self.allow_private or (host, port) in self.allowed)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def checked_address(host: str, port: int, allow_private: bool) -> str:
    """The first address of the host, after checking that every one of them may be reached."""
    addresses = _resolve(host, port)
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise AddressRefused(
                    f"{host} is at {address}, a private, loopback or link-local address, so "
                    "the library does not collect from it. Publish the file at a public address."
                )
    return addresses[0]


def is_public(address: str) -> bool:
    """True for a global unicast address, the only kind collection may reach."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (a literal address resolves to itself)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise httpcore.ConnectError(f"{host} could not be found ({error.strerror})") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise httpcore.ConnectError(f"{host} could not be found")
    return addresses
