from __future__ import annotations

from loopin.domain.shared.client_network import client_network


def test_ipv4_addresses_are_counted_one_by_one() -> None:
    assert client_network("203.0.113.7") == "203.0.113.7"
    assert client_network("203.0.113.8") != client_network("203.0.113.7")


def test_ipv6_addresses_are_counted_per_64() -> None:
    assert client_network("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert client_network("2001:DB8:1:2:0:0:0:1") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:3::1") == "2001:db8:1:3::/64"


def test_ipv4_mapped_ipv6_is_the_ipv4_address() -> None:
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"


def test_anything_else_is_its_own_key() -> None:
    assert client_network("testclient") == "testclient"
    assert client_network("") == "unknown"
