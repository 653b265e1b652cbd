"""Prove the phone with its code; create the account on first sight; hand out a session token."""

from __future__ import annotations

from dataclasses import dataclass

from loopin.domain.identity.member import Member, MemberDeactivated, MemberStatus
from loopin.domain.identity.otp import OtpLocked, OtpNotRequested, OtpOutcome, OtpRejected
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.shared.client_network import client_network
from loopin.domain.shared.errors import NotFound
from loopin.domain.shared.keyed_digest import KeyedDigest
from loopin.usecases.identity import jobs
from loopin.usecases.identity.config import IdentityConfig
from loopin.usecases.identity.member_use_case import MemberUseCase
from loopin.usecases.identity.ports import MemberRepository, OtpChallengeRepository, TokenIssuer
from loopin.usecases.platform.analytics import analytics_event
from loopin.usecases.shared.ports import Clock


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


class VerifyOtp(MemberUseCase):
    """Consumes the code exactly once: parallel calls with one code yield one session and one account.

    Wrong codes are also counted per phone across all its codes (``otp_wrong_codes``, kept on the challenge's
    row: a new code keeps them); past that limit the phone is locked until the day's wrong codes leave the
    window, except for one try of a fresh code typed in from the network that asked for it. The phone's row lock
    serialises every verification of one phone, so the count is exact under parallel guesses.
    """

    otps: OtpChallengeRepository
    members: MemberRepository
    tokens: TokenIssuer
    clock: Clock
    digest: KeyedDigest
    config: IdentityConfig

    async def __call__(
        self, *, phone_number: str, otp_code: str, create_account: bool = True, client_address: str = ""
    ) -> SessionStarted:
        phone = PhoneNumber.parse(phone_number)
        policy = self.config.otp
        code = policy.read_code(otp_code)
        now = self.clock.now()
        locked = await self.otps.lock_for_sign_in(phone)
        if locked is None:
            raise OtpNotRequested()
        challenge = locked.challenge
        wrong_codes = self.config.otp_wrong_codes
        locked_for = challenge.locked_for(now, wrong_codes)
        if locked_for and not challenge.allows_one_try_from(client_network(client_address)):
            raise OtpLocked(locked_for)
        outcome = challenge.attempt(code, now=now, policy=policy, digest=self.digest)
        if outcome is OtpOutcome.WRONG_CODE:
            if locked_for:
                challenge.spend(policy)
            challenge.count_wrong_code(now, wrong_codes)
            locked_for = challenge.locked_for(now, wrong_codes)
        elif outcome is OtpOutcome.VERIFIED:  # its owner is in: the lockout, if any, ends
            challenge.forget_wrong_codes()
        await self.otps.put(challenge)
        if outcome is not OtpOutcome.VERIFIED:
            await self.uow.commit()  # the wrong try counts even though the call fails
            if locked_for:
                raise OtpLocked(locked_for)
            raise OtpRejected.for_outcome(outcome, challenge.attempts_left(policy))

        member = None
        if create_account and not locked.phone_taken:  # a first sign-in: its member inserted, nobody to read
            member = await self.members.add_if_phone_free(Member.register(phone, now=now))
        created = member is not None
        if member is None:
            # read under the row lock: a deactivation or a promotion may be committing
            member = await self.members.lock_by_phone(phone)
        if member is None:
            if not create_account:
                await self.uow.commit()
                raise AccountNotFound()
            member = await self.members.add(Member.register(phone, now=now))
            created = True
        if created:
            self.uow.enqueue(analytics_event("member_signed_up", member.id))
        if member.status is MemberStatus.DEACTIVATED:
            await self.uow.commit()
            raise MemberDeactivated()
        await self.access.promote(member, now)
        issued = self.tokens.issue(member, now=now)
        self.uow.enqueue(analytics_event("otp_verified", member.id, new_account=created))
        self.uow.enqueue(
            jobs.audited_member("signed_in", member.id, actor_id=member.id, at=now, new_account=created)
        )
        await self.uow.commit()
        return SessionStarted(
            token=issued.token,
            member_id=member.id,
            phone_number=member.phone.e164,
            name=member.profile.name,
            needs_profile_completion=not member.profile.is_complete,
            admitted=member.is_active,
            created=created,
        )
