"""Address classification is tested on the pure functions: nothing here connects anywhere."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from worker.errors import BlockedAddress, ConnectError, SettingsError
from worker.netguard import check_url, embedded_ipv4, is_allowed_address, parse_networks
from worker.settings import load_settings

pytestmark = pytest.mark.unit

NON_GLOBAL = [
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "127.0.0.1",
    "127.0.0.2",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "2001:db8::1",
    # deprecated site-local fec0::/10 (fec0:: to feff::), judged non-global on any Python
    "fec0::1",
    "fed0:1::1",
    "feff:ffff::1",
    # 6to4 2002:AABB:CCDD::/48 carrying a non-global IPv4 in bits 16-48
    "2002:7f00:1::1",  # 127.0.0.1
    "2002:a00:1::1",  # 10.0.0.1
    "2002:c0a8:101::",  # 192.168.1.1
    "2002:a9fe:a9fe:1::1",  # 169.254.169.254
    "2002::1",  # 0.0.0.0
    # NAT64 well-known prefix, IPv4 in the last 32 bits
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::a00:1",
    # local-use NAT64 prefix (RFC 8215): not globally reachable, whatever it carries
    "64:ff9b:1::a00:1",
    "64:ff9b:1::808:808",
    # IPv4-compatible (deprecated) carrying a non-global IPv4
    "::127.0.0.1",
    "::10.0.0.1",
    "::ffff:0:0",
    # Teredo: server 65.54.227.120, client 192.0.2.45 (RFC 4380's example: documentation)
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    # Teredo: server 10.0.0.1, client 8.8.8.8 (obfuscated f7f7:f7f7)
    "2001:0:a00:1:8000:63bf:f7f7:f7f7",
    "2001::1",
    "3fff::1",  # RFC 9637 documentation
]
GLOBAL = [
    "8.8.8.8",
    "1.1.1.1",
    "203.113.131.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8 (what DNS64 answers for an IPv4-only host)
    "64:ff9b::cb71:8301",  # 203.113.131.1
    "::8.8.8.8",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo: server 65.54.227.120, client 8.8.8.8
]


@pytest.mark.parametrize("ip", NON_GLOBAL)
def test_non_global_refused(ip: str) -> None:
    assert not is_allowed_address(ip)


@pytest.mark.parametrize("ip", GLOBAL)
def test_global_allowed(ip: str) -> None:
    assert is_allowed_address(ip)


@pytest.mark.parametrize("ip", ["10.0.0.1", "127.0.0.1", "192.168.1.1", "::1", "fc00::1"])
def test_allow_private_opens_private_ranges(ip: str) -> None:
    assert is_allowed_address(ip, allow_private=True)


@pytest.mark.parametrize("ip", ["0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255"])
def test_never_allowed_even_with_allow_private(ip: str) -> None:
    assert not is_allowed_address(ip, allow_private=True)


def test_allowed_networks_are_exact() -> None:
    allowed = parse_networks(["127.0.0.1/32"])
    assert is_allowed_address("127.0.0.1", allowed)
    assert is_allowed_address(ipaddress.ip_address("127.0.0.1"), allowed)
    assert not is_allowed_address("127.0.0.2", allowed)
    assert not is_allowed_address("::1", allowed)
    assert is_allowed_address("::ffff:127.0.0.1", allowed)  # mapped form judged as IPv4


@pytest.mark.parametrize(
    ("ip", "inner"),
    [
        ("::ffff:10.1.2.3", ["10.1.2.3"]),
        ("::10.1.2.3", ["10.1.2.3"]),
        ("64:ff9b::10.1.2.3", ["10.1.2.3"]),
        ("2002:a01:203:4::5", ["10.1.2.3"]),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", ["65.54.227.120", "192.0.2.45"]),
        ("::1", []),
        ("::", []),
        ("64:ff9b:1::a01:203", []),
        ("2606:4700:4700::1111", []),
        ("10.1.2.3", []),
    ],
)
def test_embedded_ipv4(ip: str, inner: list[str]) -> None:
    assert [str(a) for a in embedded_ipv4(ipaddress.ip_address(ip))] == inner


@pytest.mark.parametrize("ip", ["2002:7f00:1::1", "64:ff9b::7f00:1", "::127.0.0.1"])
def test_embedded_ipv4_judged_like_the_ipv4(ip: str) -> None:
    """Allowed exactly when 127.0.0.1 would be: by the allowed networks or allow_private."""
    assert not is_allowed_address(ip)
    assert not is_allowed_address(ip, parse_networks(["127.0.0.2/32"]))
    assert is_allowed_address(ip, parse_networks(["127.0.0.1/32"]))
    assert is_allowed_address(ip, allow_private=True)


def test_parse_networks_tolerates_spaces_and_host_bits() -> None:
    nets = parse_networks([" 10.1.2.3/8 ", "", "::1"])
    assert [str(n) for n in nets] == ["10.0.0.0/8", "::1/128"]


def _resolver(*addresses: str) -> Any:
    def resolve(host: str, port: int, *args: Any) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for a in addresses:
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            out.append((fam, socket.SOCK_STREAM, 6, "", (a, port)))
        return out

    return resolve


def test_check_url_refuses_if_any_address_is_private() -> None:
    resolver = _resolver("8.8.8.8", "10.0.0.1")
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.1"):
        check_url("https://news.example.vn/a", resolver=resolver)


@pytest.mark.parametrize("ip", ["2002:a9fe:a9fe::1", "64:ff9b::a9fe:a9fe", "fec0::1"])
def test_check_url_refuses_ipv6_forms_of_private_addresses(ip: str) -> None:
    with pytest.raises(BlockedAddress, match=ip):
        check_url("https://news.example.vn/a", resolver=_resolver("2606:4700:4700::1111", ip))


def test_check_url_passes_global_hosts() -> None:
    addrs = check_url("https://news.example.vn:8443/a", resolver=_resolver("8.8.8.8"))
    assert [str(a) for a in addrs] == ["8.8.8.8"]


def test_check_url_strips_ipv6_scope() -> None:
    with pytest.raises(BlockedAddress):
        check_url("http://x.vn/", resolver=_resolver("fe80::1%eth0"))


@pytest.mark.parametrize(
    "url", ["ftp://example.vn/x", "file:///etc/passwd", "gopher://example.vn/", "javascript:x"]
)
def test_only_http_schemes(url: str) -> None:
    with pytest.raises(BlockedAddress, match="scheme"):
        check_url(url, resolver=_resolver("8.8.8.8"))


def test_literal_loopback_refused_without_allowance() -> None:
    with pytest.raises(BlockedAddress):
        check_url("http://127.0.0.1:9/x")  # literal: resolved locally, never contacted
    with pytest.raises(BlockedAddress):
        check_url("http://[::1]:9/x")


def test_unresolvable_host_is_a_connect_error() -> None:
    def fail(*args: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(ConnectError):
        check_url("http://no-such-host.invalid/", resolver=fail)


def test_settings_parse_allowed_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWORKER_ALLOWED_NETWORKS", "127.0.0.1/32, 10.20.0.0/16")
    assert load_settings().allowed_networks == ["127.0.0.1/32", "10.20.0.0/16"]
    monkeypatch.setenv("NEWSWORKER_ALLOWED_NETWORKS", "not-a-network")
    with pytest.raises(SettingsError, match="NEWSWORKER_ALLOWED_NETWORKS"):
        load_settings()
