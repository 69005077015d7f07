"""Fetch stage, address guard: URL or IP in → allowed, or BlockedAddress raised.

Only http/https URLs whose host resolves exclusively to global unicast addresses pass,
unless the address sits in an explicitly allowed network or private networks are
allowed (NEWSWORKER_ALLOW_PRIVATE_NETWORKS). `GuardedBackend` repeats the check at
connect time, on the very address it connects to, so DNS rebinding between the check
and the connection cannot reach an internal host.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpcore

from worker.errors import BlockedAddress, ConnectError

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., list[tuple[Any, ...]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """'127.0.0.1/32, ::1' style strings → networks (host bits tolerated)."""
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


def _unmap(ip: IPAddress) -> IPAddress:
    """IPv4-mapped (::ffff:a.b.c.d) and 6to4/NAT64-free forms judged as the IPv4 inside."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_allowed_address(
    ip: IPAddress | str,
    allowed: Sequence[IPNetwork] = (),
    allow_private: bool = False,
) -> bool:
    """True when we may connect to `ip`.

    Explicitly allowed networks always pass. Unspecified (0.0.0.0, ::), multicast and
    broadcast never pass otherwise. Everything else must be globally routable, unless
    `allow_private` (loopback, RFC 1918, link-local, ULA ... then pass too).
    """
    addr = _unmap(ipaddress.ip_address(ip) if isinstance(ip, str) else ip)
    if any(addr.version == net.version and addr in net for net in allowed):
        return True
    if addr.is_unspecified or addr.is_multicast:
        return False
    if addr == ipaddress.IPv4Address("255.255.255.255"):
        return False
    if allow_private:
        return True
    return addr.is_global and not addr.is_reserved


def resolve(host: str, port: int, resolver: Resolver = socket.getaddrinfo) -> list[IPAddress]:
    """All addresses `host` resolves to (a literal IP resolves to itself)."""
    try:
        infos = resolver(host, port, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectError(host, f"cannot resolve host {host}: {exc}") from exc
    # sockaddr[0] may carry an IPv6 scope ("fe80::1%eth0"); the scope is not part of the IP.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def first_blocked(
    addresses: Sequence[IPAddress], allowed: Sequence[IPNetwork], allow_private: bool
) -> IPAddress | None:
    """The first address we may not connect to, or None when all are allowed."""
    for addr in addresses:
        if not is_allowed_address(addr, allowed, allow_private):
            return addr
    return None


def check_host(
    host: str,
    port: int,
    *,
    allowed: Sequence[IPNetwork] = (),
    allow_private: bool = False,
    resolver: Resolver = socket.getaddrinfo,
    url: str | None = None,
) -> list[IPAddress]:
    """Resolve `host`; raise BlockedAddress if ANY address is not allowed."""
    addresses = resolve(host, port, resolver)
    if not addresses:
        raise ConnectError(url or host, "host resolved to no address")
    blocked = first_blocked(addresses, allowed, allow_private)
    if blocked is not None:
        logger.warning("blocked address", extra={"host": host, "address": str(blocked)})
        raise BlockedAddress(url or host, f"{host} resolves to non-allowed address {blocked}")
    return addresses


def check_url(
    url: str,
    *,
    allowed: Sequence[IPNetwork] = (),
    allow_private: bool = False,
    resolver: Resolver = socket.getaddrinfo,
) -> list[IPAddress]:
    """Refuse non-http(s) schemes and hosts resolving to a non-allowed address."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddress(url, f"scheme {parts.scheme!r} not allowed")
    if not parts.hostname:
        raise BlockedAddress(url, "URL has no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise BlockedAddress(url, "invalid port") from exc
    return check_host(
        parts.hostname,
        port,
        allowed=allowed,
        allow_private=allow_private,
        resolver=resolver,
        url=url,
    )


class GuardedBackend(httpcore.SyncBackend):
    """httpcore network backend that connects only to vetted addresses.

    The hostname is resolved here, every address checked, and the socket opened to the
    first vetted address itself; TLS still uses the original hostname for SNI.
    """

    def __init__(
        self,
        allowed: Sequence[IPNetwork] = (),
        allow_private: bool = False,
        resolver: Resolver = socket.getaddrinfo,
    ) -> None:
        self._allowed = tuple(allowed)
        self._allow_private = allow_private
        self._resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = check_host(
            host,
            port,
            allowed=self._allowed,
            allow_private=self._allow_private,
            resolver=self._resolver,
        )
        return super().connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)
