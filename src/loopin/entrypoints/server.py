"""How uvicorn serves the app, from the settings: one place for ``loopin dev``, ``loopin serve`` and tests."""

from __future__ import annotations

from typing import Any

from loopin.entrypoints.settings import Settings

APP_FACTORY = "loopin.entrypoints.http.app:create_app"


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Client addresses come from ``X-Forwarded-For`` only when the connection comes from a configured proxy
    (``FORWARDED_ALLOW_IPS``); with none configured the headers are ignored and the socket peer is the client,
    so per-address limits cannot be dodged by sending the header oneself."""
    proxies = settings.trusted_proxies
    return {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else None,
        "server_header": False,
        "access_log": False,
        "log_level": "warning",
    }
