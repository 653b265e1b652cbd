"""The ``loopin`` command line on the real database: staff list the waitlist and let a member in."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner, Result
from dishka import AsyncContainer

from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.entrypoints.cli import main
from loopin.usecases.identity.ports import MemberRepository
from tests.integration.conftest import phone, store_members, waitlisted
from tests.support import TEST_DATABASE_URL, Fakes


async def test_staff_list_the_waitlist_and_let_a_member_in(
    service_container: AsyncContainer, fakes: Fakes
) -> None:
    now = fakes.clock.now()
    (waiting,) = await store_members(service_container, waitlisted(1, now + timedelta(hours=3)))
    await store_members(service_container, Member.register(phone(2), now=now))
    runner = CliRunner(env={"DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": "", "ENVIRONMENT": "test"})

    listed = await _invoke(runner, ["members", "list", "--waitlisted"])
    assert listed.exit_code == 0, listed.output
    assert phone(1).e164 in listed.output
    assert phone(2).e164 not in listed.output

    promoted = await _invoke(runner, ["members", "promote", phone(1).e164])
    assert promoted.exit_code == 0, promoted.output
    assert "active" in promoted.output
    async with service_container() as scope:
        member = await (await scope.get(MemberRepository)).get(waiting.id)
    assert member is not None
    assert member.status is MemberStatus.ACTIVE

    onboarding = await _invoke(runner, ["members", "promote", phone(2).e164])
    assert onboarding.exit_code != 0
    assert "not completed their profile" in onboarding.output
    assert "nobody" in (await _invoke(runner, ["members", "list"])).output


async def test_an_operator_appoints_the_first_superuser(service_container: AsyncContainer) -> None:
    runner = CliRunner(env={"DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": "", "ENVIRONMENT": "test"})
    staff = await _invoke(runner, ["members", "make-staff", phone(3).e164])
    assert staff.exit_code == 0, staff.output
    assert staff.output.strip().endswith("is staff")
    boss = await _invoke(runner, ["members", "make-staff", "--superuser", phone(3).e164])
    assert boss.exit_code == 0, boss.output
    assert boss.output.strip().endswith("is superuser")
    async with service_container() as scope:
        member = await (await scope.get(MemberRepository)).find_by_phone(phone(3))
    assert member is not None
    assert member.role is Role.SUPERUSER


async def test_the_embedded_default_says_why_there_is_nothing_to_promote() -> None:
    runner = CliRunner(env={"DATABASE_URL": "", "REDIS_URL": ""})
    result = await _invoke(runner, ["members", "promote", "+919812345678"])
    assert result.exit_code != 0
    assert "DATABASE_URL is not set" in result.output


async def _invoke(runner: CliRunner, args: list[str]) -> Result:
    """The command runs its own event loop (asyncio.run), so it runs in a thread beside the test's loop."""
    import asyncio

    return await asyncio.to_thread(runner.invoke, main, args, catch_exceptions=False)
