"""``loopin``: run the API (embedded or production), the worker, and database migrations."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import click
import msgspec

from loopin.entrypoints.settings import load_settings


@click.group()
def main() -> None:
    """Loopin backend."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
def dev(host: str, port: int) -> None:
    """Run on the embedded default: no database or Redis needed (unless DATABASE_URL/REDIS_URL are set)."""
    import uvicorn

    settings = load_settings()
    if settings.database_url:
        _upgrade(settings.database_url)
    click.echo(f"Loopin API on http://{host}:{port}  (docs: http://{host}:{port}/api/docs)")
    if not settings.database_url:
        click.echo("Embedded mode: in-memory data, console SMS (codes are printed below), in-process jobs.")
    uvicorn.run(
        "loopin.entrypoints.http.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=int(os.environ.get("WEB_CONCURRENCY", "2")), show_default=True)
def serve(host: str, port: int, workers: int) -> None:
    """Production server: uvicorn with uvloop/httptools, several worker processes."""
    import uvicorn

    uvicorn.run(
        "loopin.entrypoints.http.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        access_log=False,
        log_level="warning",
        timeout_keep_alive=30,
    )


@main.command()
def worker() -> None:
    """The SAQ worker: background jobs and the scheduled waitlist sweep (needs REDIS_URL)."""
    from saq.worker import start

    start("loopin.entrypoints.worker.main.settings")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    url = _database_url()
    _upgrade(url, revision)
    click.echo(f"database upgraded to {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from loopin.adapters.persistence.database import downgrade

    downgrade(_database_url(), revision)


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the table rows."""
    from loopin.adapters.persistence.database import make_revision

    make_revision(_database_url(), message)


@main.command()
@click.option("--output", default="-", show_default=True)
def openapi(output: str) -> None:
    """Print (or write) the OpenAPI document."""
    import json

    from loopin.entrypoints.http.app import create_app

    document = json.dumps(create_app().openapi_schema.to_schema(), indent=2)
    if output == "-":
        click.echo(document)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(document)


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the whole hash chain; name the first entry that does not verify (exit status 1)."""
    from loopin.usecases.audit.verify import VerifyAuditChain

    report = asyncio.run(_run_on_database(VerifyAuditChain))
    if report.broken is not None:
        b = report.broken
        entry = f" ({b.entry_id})" if b.entry_id else ""
        click.echo(f"audit chain BROKEN at entry #{b.seq}{entry}: {b.reason}", err=True)
        click.echo(f"{report.checked} entries before it verified", err=True)
        sys.exit(1)
    head = f"#{report.head.seq} {report.head.digest}" if report.head else "none (the log is empty)"
    click.echo(f"audit chain intact: {report.checked} entries, {report.anchors} daily anchors; head {head}")
    if report.unsealed:
        click.echo(f"{report.unsealed} entries were recorded before the log was chained (not covered)")


@audit.command("summarize")
def audit_summarize() -> None:
    """Close the days not summarised yet, up to yesterday (the worker does this every hour)."""
    from loopin.usecases.audit.summaries import SummarizeAuditDays

    days = asyncio.run(_run_on_database(SummarizeAuditDays))
    click.echo(f"summarised {len(days)} days" + (f": {days[0]} to {days[-1]}" if days else ""))


async def _run_on_database(use_case: type[Any]) -> Any:
    """Runs one use case on DATABASE_URL. Jobs stay in the process: these commands leave none."""
    settings = msgspec.structs.replace(load_settings(), redis_url=None)
    if not settings.database_url:
        raise click.ClickException("DATABASE_URL is not set")
    from loopin.entrypoints.di import make_container

    container = make_container(settings)
    try:
        async with container() as scope:
            return await (await scope.get(use_case))()
    finally:
        await container.close()


def _database_url() -> str:
    url = load_settings().database_url
    if not url:
        raise click.ClickException("DATABASE_URL is not set")
    return url


def _upgrade(url: str, revision: str = "head") -> None:
    from loopin.adapters.persistence.database import upgrade

    upgrade(url, revision)


if __name__ == "__main__":
    main()
