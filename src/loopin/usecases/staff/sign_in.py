"""Staff prove who they are to the web console with the app's own sign-in codes (``RequestOtp`` sends them).

``StaffSignIn`` starts a console session; ``StaffStepUp`` checks a fresh code of the signed-in staff member
before a sensitive action (a fee change, a refund, a deactivation). Both spend the code exactly like the app's
sign-in (tries per code, wrong codes per phone, the lockout) because they *are* that sign-in (``VerifyOtp``,
which commits the code's fate first); only then is the staff role checked, so the console tells nobody which
numbers belong to staff. Each success is audited (``staff.signed_in``, ``staff.stepped_up``).
"""

from __future__ import annotations

from dataclasses import dataclass

from loopin.usecases.identity.request_otp import OtpSent, RequestOtp
from loopin.usecases.identity.verify_otp import VerifyOtp
from loopin.usecases.staff.desk import StaffDesk


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    member_id: int
    phone_number: str
    name: str


class StaffSignIn(StaffDesk):
    verify: VerifyOtp

    async def __call__(self, *, phone_number: str, otp_code: str, client_address: str) -> StaffIdentity:
        started = await self.verify(
            phone_number=phone_number, otp_code=otp_code, create_account=False, client_address=client_address
        )
        staff = await self.staff(started.member_id)
        self.record("staff.signed_in", staff, "member", staff.id)
        await self.uow.commit()
        return StaffIdentity(staff.id, staff.phone.e164, staff.profile.name)


class StaffStepUp(StaffDesk):
    """The code must be the signed-in staff member's own: the phone comes from their account, not the form."""

    verify: VerifyOtp

    async def __call__(self, *, staff_id: int, otp_code: str, purpose: str, client_address: str) -> None:
        staff = await self.staff(staff_id)
        await self.uow.commit()
        await self.verify(
            phone_number=staff.phone.e164, otp_code=otp_code, create_account=False, client_address=client_address
        )
        self.record("staff.stepped_up", staff, "member", staff.id, {"purpose": purpose[:64]})
        await self.uow.commit()


class RequestStepUpCode(StaffDesk):
    """Sends a fresh code to the signed-in staff member's own number (read from their account), within the
    app's send limits."""

    request: RequestOtp

    async def __call__(self, *, staff_id: int, client_address: str) -> OtpSent:
        staff = await self.staff(staff_id)
        await self.uow.commit()
        return await self.request(phone_number=staff.phone.e164, client_address=client_address)
