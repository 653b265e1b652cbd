"""The app served by a real uvicorn on a free local port, in a thread of the test process: for tests that need
real HTTP (a browser, forwarded headers, the OpenAPI fuzzer). The server is configured exactly as
``loopin serve`` configures it (``entrypoints.server.uvicorn_options``)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import uvicorn
from dishka import Provider

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.server import uvicorn_options
from loopin.entrypoints.settings import Settings

STARTUP_SECONDS = 20.0


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:<port>
    settings: Settings


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def live_server(settings: Settings, overrides: Sequence[Provider] = ()) -> Iterator[LiveServer]:
    port = free_port()
    container = make_container(settings, *overrides)  # its resources open on the server's loop, on first use
    config = uvicorn.Config(
        create_app(settings, container), host="127.0.0.1", port=port, lifespan="on", **uvicorn_options(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the test server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
