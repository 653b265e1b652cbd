"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec

from loopin.entrypoints.health import Readiness
from loopin.entrypoints.http.auth import PUBLIC


@get("/health", opt=PUBLIC, tags=["platform"], summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/health/ready",
    opt=PUBLIC,
    tags=["platform"],
    summary="Readiness: PostgreSQL and Redis answer (503 when one does not)",
    responses={503: ResponseSpec(dict[str, Any], description="A dependency is down: the checks say which.")},
)
@inject
async def ready(readiness: FromDishka[Readiness]) -> Response[dict[str, Any]]:
    checks = await readiness.report()
    ok = all(v == "ok" for v in checks.values())
    body: dict[str, Any] = {"success": ok, "status": "ready" if ok else "unavailable", "checks": checks}
    if not ok:
        body["detail"] = "Some dependencies are unavailable: " + ", ".join(
            k for k, v in checks.items() if v != "ok"
        )
    return Response(body, status_code=200 if ok else 503)
