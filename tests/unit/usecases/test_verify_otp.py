"""VerifyOtp: the code proves the phone once; the first proof creates the account; a session token follows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loopin.domain.identity.member import MemberDeactivated, MemberStatus
from loopin.domain.identity.otp import OtpNotRequested, OtpRejected
from loopin.domain.shared.errors import ErrorKind, InvalidInput
from loopin.usecases.identity.verify_otp import AccountNotFound
from loopin.usecases.platform.analytics import CAPTURE, Pseudonyms
from tests.unit.usecases.conftest import MakeWorld
from tests.unit.usecases.world import PHONE, START, World


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10_000:04d}"


async def rejected(world: World, code: str, number: str = PHONE) -> OtpRejected:
    with pytest.raises(OtpRejected) as caught:
        await world.verify(number, code)
    return caught.value


async def test_the_first_verification_creates_an_onboarding_account(world: World) -> None:
    session = await world.verify(PHONE, await world.request_code())
    assert session.created is True
    assert session.member_id > 0
    assert session.phone_number == PHONE
    assert session.name == ""
    assert session.needs_profile_completion is True
    assert session.admitted is False
    [member] = await world.members_with_phone(PHONE)
    assert member.id == session.member_id
    assert member.status is MemberStatus.ONBOARDING
    assert member.joined_at == START


async def test_the_session_token_names_the_member_and_lasts_30_days(world: World) -> None:
    session = await world.sign_in()
    claims = await world.token_claims(session.token)
    assert claims["user_id"] == session.member_id
    assert claims["sub"] == str(session.member_id)
    assert claims["phone_number"] == PHONE
    assert claims["iat"] == int(START.timestamp())
    assert claims["exp"] == int((START + timedelta(days=30)).timestamp())
    assert claims["jti"]


async def test_sign_up_is_recorded_in_analytics_after_commit_without_personal_data(world: World) -> None:
    session = await world.sign_in()
    pseudonym = (await world.get(Pseudonyms)).member(session.member_id)
    assert [(e.event, e.distinct_id, dict(e.properties)) for e in world.analytics()] == [
        ("member_signed_up", pseudonym, {}),
        ("otp_verified", pseudonym, {"new_account": True}),
    ]
    for dispatched in world.jobs.dispatched:
        if dispatched.job.name == CAPTURE:
            assert session.member_id in dispatched.committed["members"]  # the account was committed first


async def test_a_code_requested_in_one_spelling_verifies_in_another(world: World) -> None:
    code = await world.request_code("+91 98123-45678")
    session = await world.verify("919812345678", code)
    assert session.phone_number == PHONE


async def test_the_national_trunk_spelling_signs_into_the_same_account(world: World) -> None:
    first = await world.sign_in("+91 98123-45678")
    world.fakes.clock.advance(timedelta(seconds=30))
    again = await world.verify("09812345678", await world.request_code("919812345678"))
    assert again.member_id == first.member_id


async def test_signing_in_again_finds_the_same_account(world: World) -> None:
    first = await world.sign_in()
    world.fakes.clock.advance(timedelta(seconds=30))
    again = await world.sign_in("919812345678")
    assert again.member_id == first.member_id
    assert again.created is False
    assert again.token != first.token
    assert len(await world.members_with_phone(PHONE)) == 1
    assert [e.event for e in world.analytics()] == ["member_signed_up", "otp_verified", "otp_verified"]
    assert world.analytics()[-1].properties == {"new_account": False}


async def test_a_waitlisted_member_signs_in_with_a_complete_profile_but_not_admitted(world: World) -> None:
    member_id = await world.onboard()
    world.fakes.clock.advance(timedelta(seconds=30))
    session = await world.sign_in()
    assert session.member_id == member_id
    assert session.name == "Asha Rao"
    assert session.needs_profile_completion is False
    assert session.admitted is False


async def test_signing_in_after_the_wait_promotes_the_member(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=215, waitlist_max_minutes=215)
    member_id = await world.onboard()
    world.fakes.clock.advance(timedelta(minutes=215))
    session = await world.sign_in()
    assert session.admitted is True
    assert (await world.stored_member(member_id)).status is MemberStatus.ACTIVE
    assert len(world.analytics("member_promoted")) == 1


@pytest.mark.parametrize("code", ["", "123", "12345", "12a4", "12 4", "١٢٣٤", "+123"])
async def test_a_malformed_code_is_refused_without_using_a_try(world: World, code: str) -> None:
    await world.request_code()
    with pytest.raises(InvalidInput) as caught:
        await world.verify(PHONE, code)
    assert caught.value.code == "INVALID_OTP_FORMAT"
    assert caught.value.problems[0].field == "otp_code"
    challenge = await world.challenge()
    assert challenge is not None
    assert challenge.attempts == 0


async def test_surrounding_spaces_around_the_code_are_ignored(world: World) -> None:
    code = await world.request_code()
    assert (await world.verify(PHONE, f" {code} ")).created


async def test_verifying_without_a_requested_code_is_not_found(world: World) -> None:
    with pytest.raises(OtpNotRequested) as caught:
        await world.verify(PHONE, "1234")
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert caught.value.code == "OTP_NOT_FOUND"
    assert await world.members_with_phone(PHONE) == []


async def test_three_wrong_tries_then_even_the_right_code_is_refused(world: World) -> None:
    code = await world.request_code()
    first, second, third = [await rejected(world, wrong(code)) for _ in range(3)]
    assert (first.code, first.message) == ("OTP_INVALID", "Invalid code. 2 attempts remaining.")
    assert (second.code, second.message) == ("OTP_INVALID", "Invalid code. 1 attempt remaining.")
    assert third.code == "OTP_ATTEMPTS_EXCEEDED"
    assert (await rejected(world, code)).code == "OTP_ATTEMPTS_EXCEEDED"
    challenge = await world.challenge()
    assert challenge is not None
    assert challenge.attempts == 3  # committed even though every call failed
    assert challenge.consumed_at is None
    assert await world.members_with_phone(PHONE) == []
    assert world.analytics() == []
    assert [d.job.name for d in world.jobs.dispatched] == ["identity.send_otp_sms"]  # nothing after a failure


async def test_the_right_code_on_the_third_try_works(world: World) -> None:
    code = await world.request_code()
    await rejected(world, wrong(code))
    await rejected(world, wrong(code))
    assert (await world.verify(PHONE, code)).created


async def test_the_code_expires_after_exactly_ten_minutes(world: World) -> None:
    code = await world.request_code()
    world.fakes.clock.advance(timedelta(minutes=10))
    error = await rejected(world, code)
    assert error.code == "OTP_EXPIRED"
    assert await world.members_with_phone(PHONE) == []


async def test_the_code_works_until_the_last_second(world: World) -> None:
    code = await world.request_code()
    world.fakes.clock.advance(timedelta(minutes=10) - timedelta(seconds=1))
    assert (await world.verify(PHONE, code)).created


async def test_a_used_code_never_works_again(world: World) -> None:
    code = await world.request_code()
    await world.verify(PHONE, code)
    events = len(world.analytics())
    for _ in range(2):
        error = await rejected(world, code)
        assert error.code == "OTP_ALREADY_USED"
    assert len(world.analytics()) == events
    challenge = await world.challenge()
    assert challenge is not None
    assert challenge.consumed_at == START


async def test_the_login_route_never_creates_an_account_but_still_uses_up_the_code(world: World) -> None:
    code = await world.request_code()
    with pytest.raises(AccountNotFound) as caught:
        await world.verify(PHONE, code, create_account=False)
    assert caught.value.code == "ACCOUNT_NOT_FOUND"
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert await world.members_with_phone(PHONE) == []
    assert (await rejected(world, code)).code == "OTP_ALREADY_USED"  # no probing numbers without the code
    assert world.analytics() == []


async def test_the_login_route_signs_existing_members_in(world: World) -> None:
    first = await world.sign_in()
    world.fakes.clock.advance(timedelta(seconds=30))
    code = await world.request_code()
    session = await world.verify(PHONE, code, create_account=False)
    assert session.member_id == first.member_id
    assert session.created is False


async def test_a_deactivated_member_is_refused_and_the_code_is_used_up(world: World) -> None:
    member_id = (await world.sign_in()).member_id
    await world.change_member(member_id, lambda m: m.deactivate(START))
    world.fakes.clock.advance(timedelta(seconds=30))
    code = await world.request_code()  # sending still answers as for anyone (no enumeration)
    events = len(world.analytics())
    with pytest.raises(MemberDeactivated) as caught:
        await world.verify(PHONE, code)
    assert caught.value.code == "ACCOUNT_DEACTIVATED"
    assert caught.value.kind is ErrorKind.FORBIDDEN
    assert len(world.analytics()) == events  # no otp_verified for a refused sign-in
    assert (await rejected(world, code)).code == "OTP_ALREADY_USED"
    assert (await world.stored_member(member_id)).status is MemberStatus.DEACTIVATED


async def test_a_deactivated_waitlisted_member_is_not_promoted_by_signing_in(make_world: MakeWorld) -> None:
    world = await make_world(waitlist_min_minutes=210, waitlist_max_minutes=210)
    member_id = await world.onboard()
    await world.change_member(member_id, lambda m: m.deactivate(START))
    world.fakes.clock.advance(timedelta(minutes=300))
    with pytest.raises(MemberDeactivated):
        await world.sign_in()
    assert (await world.stored_member(member_id)).status is MemberStatus.DEACTIVATED
    assert world.analytics("member_promoted") == []
