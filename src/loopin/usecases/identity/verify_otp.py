"""Prove the phone with its code; create the account on first sight; hand out a session token."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.member import Member, MemberDeactivated, MemberStatus
from loopin.domain.identity.otp import OtpLocked, OtpNotRequested, OtpOutcome, OtpRejected
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.client_network import client_network
from loopin.domain.shared.errors import InvalidInput, NotFound
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository, TokenIssuer
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.platform.ports import RateLimiter
from loopin.usecases.shared.ports import Clock, JobQueue, UnitOfWork


@dataclass(frozen=True, slots=True)
class VerifyOtpInput:
    phone_number: str
    otp_code: str
    create_account: bool = True  # False for the older verify-login route: existing accounts only
    client_address: str = ""


@dataclass(frozen=True, slots=True)
class SessionStarted:
    token: str
    member_id: int
    phone_number: str
    name: str
    needs_profile_completion: bool
    admitted: bool  # off the waitlist: the app's ``is_verified``
    created: bool


class AccountNotFound(NotFound):
    code = "ACCOUNT_NOT_FOUND"
    default_message = "There is no account for this number yet. Please sign up."


class VerifyOtp:
    """Consumes the code exactly once: parallel calls with one code yield one session and one account.

    Wrong codes are also counted per phone across all its codes (``otp_wrong_codes``); past that limit the
    phone is locked until the day's wrong codes leave the window, except for one try of a fresh code typed in
    from the network that asked for it. The phone's row lock serialises every verification of one phone, so
    the count is exact under parallel guesses.
    """

    def __init__(
        self,
        otps: OtpChallengeRepository,
        members: MemberRepository,
        tokens: TokenIssuer,
        limiter: RateLimiter,
        uow: UnitOfWork,
        jobs: JobQueue,
        clock: Clock,
        digest: KeyedDigest,
        config: IdentityConfig,
    ) -> None:
        self._otps = otps
        self._members = members
        self._tokens = tokens
        self._limiter = limiter
        self._uow = uow
        self._jobs = jobs
        self._clock = clock
        self._digest = digest
        self._config = config

    async def __call__(self, data: VerifyOtpInput) -> SessionStarted:
        phone = PhoneNumber.parse(data.phone_number)
        policy = self._config.otp
        code = data.otp_code.strip()
        if len(code) != policy.length or not code.isascii() or not code.isdigit():
            raise InvalidInput.single(
                "otp_code", f"The code must be exactly {policy.length} digits", code="INVALID_OTP_FORMAT"
            )
        now = self._clock.now()
        challenge = await self._otps.get_for_update(phone)
        if challenge is None:
            raise OtpNotRequested()
        wrong_codes = self._config.otp_wrong_codes
        locked_for = await self._limiter.retry_after(wrong_codes, phone.e164, now=now)
        if locked_for and not challenge.allows_one_try_from(client_network(data.client_address)):
            raise OtpLocked(locked_for)
        outcome = challenge.attempt(code, now=now, policy=policy, digest=self._digest)
        if outcome is OtpOutcome.WRONG_CODE:
            if locked_for:
                challenge.spend(policy)
            locked_for = await self._limiter.acquire([(wrong_codes, phone.e164)], now=now) or (
                await self._limiter.retry_after(wrong_codes, phone.e164, now=now)
            )
        await self._otps.put(challenge)
        if outcome is not OtpOutcome.VERIFIED:
            await self._uow.commit()  # the wrong try counts even though the call fails
            if locked_for:
                raise OtpLocked(locked_for)
            raise OtpRejected.for_outcome(outcome, challenge.attempts_left(policy))
        await self._limiter.reset(wrong_codes, phone.e164)  # the phone's owner is in: the lockout ends

        member = await self._members.find_by_phone(phone)
        if member is not None:  # re-read under the row lock: a deactivation or a promotion may be committing
            member = await self._members.get_for_update(member.id)
        created = member is None
        if member is None:
            if not data.create_account:
                await self._uow.commit()
                raise AccountNotFound()
            member = await self._members.add(Member.register(phone, now=now))
            self._jobs.enqueue(analytics_event("member_signed_up", member.id))
        if member.status is MemberStatus.DEACTIVATED:
            await self._uow.commit()
            raise MemberDeactivated()
        if member.promote_if_due(now):
            await self._members.save(member)
            self._jobs.enqueue(analytics_event("member_promoted", member.id))
        issued = self._tokens.issue(member, now=now)
        self._jobs.enqueue(analytics_event("otp_verified", member.id, new_account=created))
        await self._uow.commit()
        return SessionStarted(
            token=issued.token,
            member_id=member.id,
            phone_number=member.phone.e164,
            name=member.profile.name,
            needs_profile_completion=not member.profile.is_complete,
            admitted=member.is_active,
            created=created,
        )
