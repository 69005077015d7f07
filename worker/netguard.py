"""Fetch stage, address guard: URL or IP in → allowed, or BlockedAddress raised.

Only http/https URLs whose host resolves exclusively to global unicast addresses pass,
unless the address sits in an explicitly allowed network or private networks are
allowed (NEWSWORKER_ALLOW_PRIVATE_NETWORKS). `GuardedBackend` repeats the check at
connect time, on the very address it connects to, so DNS rebinding between the check
and the connection cannot reach an internal host. IPv6 forms that carry an IPv4 address
(IPv4-mapped and -compatible, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo) are judged as
that IPv4; site-local fec0::/10 and the local-use NAT64 prefix 64:ff9b:1::/48 count as
private, on every Python version (the standard library's tables differ between them).
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


# IPv6 forms that carry an IPv4 address and reach it (RFC 4291 §2.5.5, 3056, 6052, 4380).
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated; :: and ::1 are excluded
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
# Not globally reachable, whatever this Python's tables say (they changed in 3.11.10,
# 3.12.4 and 3.13): deprecated site-local, the local-use NAT64 prefix (RFC 8215; its IPv4
# position depends on the operator's prefix length), the IPv6 documentation range of RFC 9637.
NON_GLOBAL_V6 = tuple(
    ipaddress.IPv6Network(n) for n in ("fec0::/10", "64:ff9b:1::/48", "3fff::/20")
)
BROADCAST = ipaddress.IPv4Address("255.255.255.255")


def embedded_ipv4(ip: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address stands for: IPv4-mapped, IPv4-compatible, NAT64
    (64:ff9b::/96) and 6to4 (2002::/16) carry one, Teredo (2001::/32) its server and its
    (de-obfuscated) client. Empty for every other address."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ()
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip in NAT64_WELL_KNOWN or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo
    return ()


def _in_networks(addr: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(addr.version == net.version and addr in net for net in networks)


def is_allowed_address(
    ip: IPAddress | str,
    allowed: Sequence[IPNetwork] = (),
    allow_private: bool = False,
) -> bool:
    """True when we may connect to `ip`.

    Explicitly allowed networks always pass. An IPv6 address carrying IPv4 addresses
    (`embedded_ipv4`) passes only when each of them would. Unspecified (0.0.0.0, ::),
    multicast and broadcast never pass otherwise. Everything else must be globally
    routable, unless `allow_private` (loopback, RFC 1918, link-local, ULA ... then pass too).
    """
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if _in_networks(addr, allowed):
        return True
    inner = embedded_ipv4(addr)
    if inner:
        return all(is_allowed_address(v4, allowed, allow_private) for v4 in inner)
    if addr.is_unspecified or addr.is_multicast or addr == BROADCAST:
        return False
    if allow_private:
        return True
    return addr.is_global and not addr.is_reserved and not _in_networks(addr, NON_GLOBAL_V6)


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
