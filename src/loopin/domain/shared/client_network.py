"""Whom a per-address limit counts: the client's IPv4 address, or the /64 network of an IPv6 address.

One IPv6 subscriber (a phone, a home router) is routinely given a whole /64 and may pick any address in it, so
counting single IPv6 addresses would let one sender look like 2^64 of them.
"""

from __future__ import annotations

import ipaddress

IPV6_PREFIX = 64


def client_network(address: str) -> str:
    """The key a per-address limit counts ``address`` under; text that is not an IP address is its own key."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip() or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)
