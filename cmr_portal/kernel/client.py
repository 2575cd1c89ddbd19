"""Who is at the other end of a request: the client's address behind trusted proxies.

Behind a TLS proxy or load balancer every request comes from the proxy's address, and the client's
is in ``X-Forwarded-For``, which anyone can also send. The address is read from the right of that
header, past the proxies named in ``TRUSTED_PROXIES`` (addresses or networks), as nginx's
``real_ip_recursive`` does: the first address that is not a trusted proxy is the client. With no
trusted proxies, the header is ignored. The audit trail, the sign-in lockout (django-axes) and the
logs all read the address from ``client_address``.
"""

import ipaddress
import logging
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" if unknown): ``REMOTE_ADDR``, or, when that is a
    trusted proxy, the right-most address of ``X-Forwarded-For`` that is not one. An address that
    is not an IP address stops the walk: the proxy that passed it on is taken instead."""
    address = str(request.META.get("REMOTE_ADDR") or "")
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while _is_proxy(address) and hops:
        candidate = hops.pop()
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            break
        address = candidate
    return address


class ClientAddressFilter(logging.Filter):
    """Adds ``client`` to log records about a request (``django.request``, ``django.security``),
    from ``client_address``; "-" for records about no request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.client = client_address(request) if isinstance(request, HttpRequest) else "-"
        return True
