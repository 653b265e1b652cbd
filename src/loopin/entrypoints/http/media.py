"""Uploaded files under ``/api/media``: served so that nothing uploaded can act as a page of this site.

Stored names are chosen by the server from the file's own bytes (``.png``, ``.jpg``, ``.webp``), so the
content type is always an image type. On top of that every file goes out with ``nosniff`` (no browser
second-guesses the type), a sandboxing Content-Security-Policy (even opened directly, a file that is also HTML
runs no script and reaches no origin) and an inline disposition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Response, Router
from litestar.static_files import create_static_files_router

from loopin.entrypoints.http.auth import PUBLIC

MEDIA_PATH = "/api/media"
MEDIA_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=86400",
}


async def _sandboxed(response: Response[Any]) -> Response[Any]:
    response.headers.update(MEDIA_HEADERS)
    return response


def media_router(media_root: Path) -> Router:
    return create_static_files_router(
        path=MEDIA_PATH,
        directories=[media_root],
        include_in_schema=False,
        opt=PUBLIC,
        after_request=_sandboxed,
        resolve_symlinks=False,
    )
