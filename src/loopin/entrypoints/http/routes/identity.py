"""``/api/auth``: phone sign-in, profile completion and the member's own profile, as the app calls them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import MediaType, RequestEncodingType
from litestar.params import Body, JSONBody, Parameter

from loopin.domain.identity.otp import OtpPolicy
from loopin.domain.identity.profile import ProfileChanges
from loopin.domain.shared.errors import FieldProblem, InvalidInput
from loopin.domain.shared.ids import parse_int_array
from loopin.entrypoints.http.auth import REVOCATION_IN_USE_CASE, AnyRequest, Caller, MemberRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.params import OtpCode, PhoneNumberText
from loopin.entrypoints.http.wire import MessageOut, client_address, partial_update, to_wire
from loopin.usecases.identity.complete_profile import CompleteProfile
from loopin.usecases.identity.interests import ListEventInterests
from loopin.usecases.identity.logout import Logout
from loopin.usecases.identity.profile import ReadProfile, UpdateProfile
from loopin.usecases.identity.request_otp import OtpSent, RequestOtp
from loopin.usecases.identity.verify_otp import SessionStarted, VerifyOtp
from loopin.usecases.identity.views import InterestView, ProfileView
from loopin.usecases.platform.files import UploadedFile

MAX_UPLOAD_BYTES = 70 * 1024 * 1024
_encode = msgspec.json.Encoder().encode


class PhoneIn(msgspec.Struct):
    phone_number: PhoneNumberText


class VerifyOtpIn(msgspec.Struct):
    phone_number: PhoneNumberText
    otp_code: OtpCode


class OtpSentData(msgspec.Struct):
    phone_number: str
    otp_sent: bool
    expires_in_seconds: int
    resend_after_seconds: int


class OtpSentOut(msgspec.Struct):
    success: bool
    message: str
    data: OtpSentData
    token: None = None


class SessionData(msgspec.Struct):
    user_id: int
    phone_number: str
    name: str
    needs_profile_completion: bool
    is_verified: bool
    is_new_user: bool


class SessionOut(msgspec.Struct):
    success: bool
    message: str
    token: str
    needs_profile_completion: bool
    is_verified: bool
    data: SessionData


class InterestOut(msgspec.Struct):
    id: int
    name: str
    slug: str
    is_active: bool
    created_at: datetime | None
    updated_at: datetime | None


class InterestListOut(msgspec.Struct):
    success: bool
    message: str
    data: list[InterestOut]


class ProfileOut(msgspec.Struct):
    success: bool
    id: int
    user_id: int
    name: str
    phone_number: str
    gender: str
    bio: str
    location: str
    birth_date: date | None
    event_interests: list[InterestOut]
    profile_pictures: list[str]
    is_verified: bool
    is_active: bool
    status: str
    role: str
    profile_complete: bool
    waitlist_promote_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


class ProfileCompletedData(msgspec.Struct):
    user_id: int
    profile_id: int
    name: str
    phone_number: str
    gender: str
    event_interests_count: int
    profile_pictures_count: int
    profile_complete: bool
    is_active: bool
    status: str
    waitlist_promote_at: datetime | None


class ProfileCompletedOut(msgspec.Struct):
    success: bool
    message: str
    data: ProfileCompletedData
    token: None = None


class ProfileUpdateIn(msgspec.Struct, omit_defaults=True):
    """Absent keys stay as they are; explicit nulls clear optional fields."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    bio: str | None | msgspec.UnsetType = msgspec.UNSET
    location: str | None | msgspec.UnsetType = msgspec.UNSET
    birth_date: date | None | msgspec.UnsetType = msgspec.UNSET
    gender: str | None | msgspec.UnsetType = msgspec.UNSET
    event_interests: list[int] | msgspec.UnsetType = msgspec.UNSET
    profile_pictures: list[str] | msgspec.UnsetType = msgspec.UNSET


@dataclass
class CompleteProfileForm:
    """``profile_pictures`` may be missing in decoding (the use case answers it clearly); the document lists
    it as required, as it is."""

    REQUIRED: ClassVar[list[str]] = ["name", "birth_date", "gender", "event_interests", "profile_pictures"]

    name: Annotated[str, Parameter(description="Full name, 2-100 characters.")]
    birth_date: Annotated[str, Parameter(description="YYYY-MM-DD; members are at least 16.")]
    gender: Annotated[str, Parameter(description="female, male, other or prefer_not_to_say.")]
    event_interests: Annotated[
        str,
        Parameter(
            description="A JSON array of 1-5 interest ids as text, e.g. [1,4,7] (GET /api/auth/event-interests)."
        ),
    ]
    profile_pictures: Annotated[
        list[UploadFile],
        Parameter(description="1-6 pictures (JPEG, PNG or WebP, 10 MB each); the first is shown."),
    ] = field(default_factory=list)
    phone_number: Annotated[
        str | None, Parameter(description="The signed-in number, if sent; another number is refused.")
    ] = None
    bio: Annotated[str, Parameter(description="Up to 500 characters.")] = ""
    location: Annotated[str, Parameter(description="Up to 100 characters.")] = field(default="")


def _interest_out(i: InterestView) -> InterestOut:
    return to_wire(InterestOut, i)


def _profile_out(p: ProfileView) -> ProfileOut:
    return to_wire(
        ProfileOut,
        p,
        success=True,
        user_id=p.id,
        event_interests=[_interest_out(i) for i in p.interests],
        profile_pictures=list(p.picture_urls),
        is_verified=p.is_active,
        status=p.status.value,
        waitlist_promote_at=p.promote_at,
    )


def _completed_out(p: ProfileView) -> ProfileCompletedData:
    return to_wire(
        ProfileCompletedData,
        p,
        user_id=p.id,
        profile_id=p.id,
        event_interests_count=len(p.interests),
        profile_pictures_count=len(p.picture_urls),
        status=p.status.value,
        waitlist_promote_at=p.promote_at,
    )


def otp_sent_out(sent: OtpSent, next_step: str = "") -> OtpSentOut:
    """Says a code went out, and its length as the policy makes it (``OtpCode`` documents the same pattern)."""
    message = f"We sent a {OtpPolicy().length}-digit code to your phone. {next_step}".rstrip()
    data = OtpSentData(sent.phone_number, True, sent.expires_in_seconds, sent.resend_after_seconds)
    return OtpSentOut(success=True, message=message, data=data)


def _session_out(s: SessionStarted) -> SessionOut:
    if s.needs_profile_completion:
        message = "Code verified. Please complete your profile to continue."
    elif s.admitted:
        message = "Code verified. You are logged in."
    else:
        message = "Code verified. Your account is on the waitlist; we will let you in soon."
    data = SessionData(s.member_id, s.phone_number, s.name, s.needs_profile_completion, s.admitted, s.created)
    return SessionOut(True, message, s.token, s.needs_profile_completion, s.admitted, data)


def _completed_message(first_time: bool, p: ProfileView) -> str:
    """Promises only the wait this member really has left (none at all when the window is zero)."""
    if p.is_active:
        return "Profile completed. Welcome to Loopin!" if first_time else "Profile saved."
    if p.promote_at is None or p.updated_at is None:
        return "Profile completed. You are on the waitlist; we will let you in automatically."
    minutes = max(1, round((p.promote_at - p.updated_at).total_seconds() / 60))
    wait = f"{round(minutes / 30) / 2:g} hours" if minutes >= 90 else f"{minutes} minutes"
    return f"Profile completed. You are on the waitlist; we will let you in automatically in about {wait}."


def _parse_interest_ids(raw: str) -> list[int]:
    value = parse_int_array(raw) if raw.strip() else None
    if value is None:
        raise InvalidInput(
            [FieldProblem("event_interests", "event_interests must be a JSON array of interest ids, e.g. [1,4,7]")]
        )
    return value


class AuthController(LoopinController):
    path = "/api/auth"
    tags = ["identity"]

    @post("/signup", status_code=200, summary="Send a sign-in code by SMS (new and existing members)")
    async def signup(
        self, request: AnyRequest, data: JSONBody[PhoneIn], request_otp: FromDishka[RequestOtp]
    ) -> OtpSentOut:
        sent = await request_otp(phone_number=data.phone_number, client_address=client_address(request))
        return otp_sent_out(sent, "Enter it to continue.")

    @post("/login", status_code=200, summary="Send a sign-in code (older route, same as signup)")
    async def login(
        self, request: AnyRequest, data: JSONBody[PhoneIn], request_otp: FromDishka[RequestOtp]
    ) -> OtpSentOut:
        sent = await request_otp(phone_number=data.phone_number, client_address=client_address(request))
        return otp_sent_out(sent)

    @post("/verify-otp", status_code=200, summary="Verify the code; creates the account on first sign-in")
    async def verify_otp(
        self, request: AnyRequest, data: JSONBody[VerifyOtpIn], verify: FromDishka[VerifyOtp]
    ) -> SessionOut:
        return _session_out(
            await verify(
                phone_number=data.phone_number, otp_code=data.otp_code, client_address=client_address(request)
            )
        )

    @post("/verify-login", status_code=200, summary="Verify the code for an existing account only")
    async def verify_login(
        self, request: AnyRequest, data: JSONBody[VerifyOtpIn], verify: FromDishka[VerifyOtp]
    ) -> SessionOut:
        return _session_out(
            await verify(
                phone_number=data.phone_number,
                otp_code=data.otp_code,
                create_account=False,
                client_address=client_address(request),
            )
        )

    @get("/event-interests", summary="Interests to choose from (open to waitlisted members)")
    async def event_interests(
        self, caller: Caller, list_interests: FromDishka[ListEventInterests]
    ) -> InterestListOut:
        found = await list_interests(member_id=caller)
        return InterestListOut(True, "Event interests retrieved successfully", [_interest_out(i) for i in found])

    @post(
        "/complete-profile",
        status_code=200,
        request_max_body_size=MAX_UPLOAD_BYTES,
        summary="Complete the profile with 1-6 pictures; the first completion joins the waitlist",
    )
    async def complete_profile(
        self,
        caller: Caller,
        data: Annotated[
            CompleteProfileForm,
            Body(
                media_type=RequestEncodingType.MULTI_PART, schema_extra={"required": CompleteProfileForm.REQUIRED}
            ),
        ],
        complete: FromDishka[CompleteProfile],
    ) -> ProfileCompletedOut:
        pictures = [UploadedFile(f.filename or "", await f.read()) for f in data.profile_pictures]
        done = await complete(
            member_id=caller,
            phone_number=data.phone_number,
            name=data.name,
            birth_date=data.birth_date,
            gender=data.gender,
            interest_ids=_parse_interest_ids(data.event_interests),
            pictures=pictures,
            bio=data.bio,
            location=data.location,
        )
        p = done.profile
        message = _completed_message(done.waitlisted_now, p)
        return ProfileCompletedOut(True, message, _completed_out(p))

    @get(
        "/profile",
        opt=REVOCATION_IN_USE_CASE,
        summary="The signed-in member's profile; is_active=false means waitlisted",
    )
    async def profile(self, request: MemberRequest, read_profile: FromDishka[ReadProfile]) -> Response[ProfileOut]:
        session = request.user
        body = await read_profile(
            member_id=session.member_id,
            token_id=session.token_id,
            present=lambda view: _encode(_profile_out(view)),
        )
        return Response[Any](body, media_type=MediaType.JSON)

    @put("/profile", summary="Edit the profile; only the keys sent change")
    async def update_profile(
        self,
        caller: Caller,
        data: JSONBody[ProfileUpdateIn],
        update: FromDishka[UpdateProfile],
    ) -> ProfileOut:
        changes = partial_update(
            ProfileChanges, data, interest_ids=data.event_interests, picture_urls=data.profile_pictures
        )
        return _profile_out(await update(member_id=caller, changes=changes))

    @post("/logout", status_code=200, summary="End this session: the token stops working")
    async def logout(self, request: MemberRequest, logout: FromDishka[Logout]) -> MessageOut:
        session = request.user
        await logout(member_id=session.member_id, token_id=session.token_id, expires_at=session.expires_at)
        return MessageOut(True, "Logged out successfully")
