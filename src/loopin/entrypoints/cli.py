"""``loopin``: run the API (embedded or production), the worker, and database migrations."""

from __future__ import annotations

import sys
from typing import Any

import click

from loopin.entrypoints.server import APP_FACTORY, uvicorn_options
from loopin.entrypoints.settings import Environment, SettingsError, load_settings


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
    if settings.waitlist_policy().max_minutes == 0:
        click.echo("New members are let in as soon as they complete their profile (development).")
    if settings.environment is Environment.DEVELOPMENT and settings.dev_staff_phone:
        click.echo(
            f"Staff console: http://{host}:{port}/admin  (sign in as a superuser with {settings.dev_staff_phone}; "
            "the code is printed below)"
        )
    if settings.seeds_demo:
        from loopin.entrypoints.demo import DEMO_HOST_PHONE, PLAN

        click.echo(
            f"Demo host: sign in as {DEMO_HOST_PHONE} — a past paid event with ₹{PLAN.host_share} ready to pay out"
        )
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, **uvicorn_options(settings))


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", type=int, default=None, help="worker processes  [default: WEB_CONCURRENCY or 2]")
def serve(host: str, port: int, workers: int | None) -> None:
    """Production server: uvicorn with uvloop/httptools, several worker processes."""
    import uvicorn

    settings = load_settings()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.web_concurrency,
        timeout_keep_alive=30,
        **uvicorn_options(settings),
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


@main.group()
def members() -> None:
    """Staff: the member waitlist. Works on the database (DATABASE_URL); the embedded default keeps its members
    in the server's own memory, and development lets new members in at once anyway."""


@members.command("promote")
@click.argument("phone")
def members_promote(phone: str) -> None:
    """Let the member with PHONE in now (a waitlisted member only)."""
    from loopin.usecases.identity.waitlist import AdmitMember

    member = _run_use_case(AdmitMember, phone_number=phone)
    click.echo(
        f"member {member.id} ({member.phone.e164}, {member.profile.name or 'no name'}) is {member.status.value}"
    )


@members.command("make-staff")
@click.argument("phone")
@click.option("--superuser", is_flag=True, help="a superuser: staff who may also change the platform fee")
def members_make_staff(phone: str, superuser: bool) -> None:
    """Give the member with PHONE the staff role (registering an account when the number has none): they can
    then sign in to the console at /admin. With --superuser they may also change the platform fee there."""
    from loopin.usecases.identity.moderation import AppointStaff

    member = _run_use_case(AppointStaff, phone_number=phone, superuser=superuser)
    click.echo(f"member {member.id} ({member.phone.e164}) is {member.role.value}")


@members.command("list")
@click.option("--waitlisted", is_flag=True, default=True, help="members on the waitlist (the only list so far)")
@click.option("--limit", default=100, show_default=True)
def members_list(waitlisted: bool, limit: int) -> None:
    """Waitlisted members, the soonest to be let in first."""
    from loopin.usecases.identity.waitlist import ListWaitlistedMembers

    waiting = _run_use_case(ListWaitlistedMembers, limit=limit)
    if not waiting:
        click.echo("nobody is on the waitlist")
    for m in waiting:
        due = m.promote_at.isoformat(timespec="minutes") if m.promote_at else "-"
        click.echo(f"{m.id}\t{m.phone.e164}\t{due}\t{m.profile.name}")


def _run_use_case(use_case: type[Any], **kwargs: Any) -> Any:
    """One use case in one request scope of a fresh container, its refusals printed as the error."""
    import asyncio

    from loopin.domain.shared.errors import DomainError
    from loopin.entrypoints.di import make_container

    settings = load_settings()
    if not settings.database_url:
        raise click.ClickException(
            "DATABASE_URL is not set: the embedded default keeps members in the running server's memory "
            "(and development lets new members in as they complete their profile)."
        )

    async def run() -> Any:
        container = make_container(settings)
        try:
            async with container() as scope:
                return await (await scope.get(use_case))(**kwargs)
        finally:
            await container.close()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


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

    report = _run_use_case(VerifyAuditChain)
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

    days = _run_use_case(SummarizeAuditDays)
    click.echo(f"summarised {len(days)} days" + (f": {days[0]} to {days[-1]}" if days else ""))


def _database_url() -> str:
    """Checks the settings first: in production the one-shot migration then refuses to run (and the API and
    worker that wait for it never start) instead of leaving them to restart forever on a missing setting."""
    settings = load_settings()
    try:
        settings.check()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if not settings.database_url:
        raise click.ClickException("DATABASE_URL is not set")
    return settings.database_url


def _upgrade(url: str, revision: str = "head") -> None:
    from loopin.adapters.persistence.database import upgrade

    upgrade(url, revision)


if __name__ == "__main__":
    main()
