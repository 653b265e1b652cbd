"""The console's security over HTTP (PostgreSQL and Redis): no page without a staff session, a new session id
at sign-in and step-up, CSRF on every form, step-up before sensitive actions, idle timeout, no open redirect,
and the headers every page carries."""

from __future__ import annotations

from datetime import timedelta

from dishka import AsyncContainer

from loopin.domain.identity.member import MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.entrypoints.admin.session import STEP_UP_VALID
from loopin.usecases.identity.ports import MemberRepository
from loopin.usecases.shared.ports import UnitOfWork
from tests.api import admin_console
from tests.api.admin_console import STAFF_PHONE, appoint, post_form, sign_in
from tests.api.attendance_rig import Rig
from tests.factories import MemberFactory, ProfileFactory
from tests.support import Fakes

console = admin_console.console  # fixture
MEMBER_PHONE = "+919812300001"


async def waitlisted(container: AsyncContainer, fakes: Fakes, phone: str = MEMBER_PHONE) -> int:
    member = MemberFactory.build(
        phone=PhoneNumber.parse(phone),
        status=MemberStatus.WAITLISTED,
        role=Role.MEMBER,
        profile=ProfileFactory.build(name="Asha Rao"),
        joined_at=fakes.clock.now(),
        waitlisted_at=fakes.clock.now(),
        promote_at=fakes.clock.now() + timedelta(hours=4),
    )
    async with container() as scope:
        stored = await (await scope.get(MemberRepository)).add(member)
        await (await scope.get(UnitOfWork)).commit()
    return stored.id


async def status_of(container: AsyncContainer, member_id: int) -> MemberStatus:
    async with container() as scope:
        member = await (await scope.get(MemberRepository)).get(member_id)
    assert member is not None
    return member.status


async def test_no_page_without_a_session(console: Rig) -> None:
    api, _service_container, _fakes = console.client, console.container, console.fakes
    home = await api.get("/admin", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (303, "/admin/login")
    profile = await api.get("/admin/members/7?tab=x", follow_redirects=False)
    assert profile.headers["location"] == "/admin/login?next=/admin/members/7%3Ftab%3Dx"
    login = await api.get("/admin/login")
    assert login.status_code == 200
    assert "text/html" in login.headers["content-type"]
    csp = login.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert login.headers["cache-control"] == "no-store"
    assert "loopin_staff" not in login.headers.get("set-cookie", "")  # no session for an anonymous look
    csrf = home.headers["set-cookie"]
    assert csrf.startswith("loopin_csrf=")
    assert "HttpOnly" in csrf
    assert "SameSite=strict" in csrf


async def test_sign_in_gives_a_new_session_id_and_signs_out(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    sent = await post_form(api, "/admin/login", "/admin/login", phone_number=STAFF_PHONE)
    before = api.cookies["loopin_staff"]
    code = fakes.sms.last_code_for(STAFF_PHONE)
    signed_in = await post_form(api, "/admin/login/code", "/admin/login/code", otp_code=code)
    assert sent.status_code == signed_in.status_code == 303
    assert signed_in.headers["location"] == "/admin"
    after = api.cookies["loopin_staff"]
    assert after != before  # no fixation: the pre-sign-in id is gone
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Max-Age=1800" in cookie
    dashboard = await api.get("/admin")
    assert dashboard.status_code == 200
    assert 'data-testid="dashboard"' in dashboard.text
    api.cookies.set("loopin_staff", before)  # the old id opens nothing
    assert (await api.get("/admin", follow_redirects=False)).status_code == 303
    api.cookies.set("loopin_staff", after)
    out = await post_form(api, "/admin/logout", "/admin")
    assert out.headers["location"] == "/admin/login"
    assert (await api.get("/admin", follow_redirects=False)).status_code == 303


async def test_members_who_are_not_staff_never_see_a_page(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await waitlisted(service_container, fakes)
    refused = await sign_in(api, fakes, MEMBER_PHONE)
    assert refused.status_code == 403
    assert 'data-testid="denied"' in refused.text
    assert (await api.get("/admin/members", follow_redirects=False)).headers["location"].startswith("/admin/login")


async def test_a_staff_member_demoted_mid_session_is_shown_out(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    staff = await appoint(service_container)
    await sign_in(api, fakes)
    async with service_container() as scope:
        repo = await scope.get(MemberRepository)
        member = await repo.get_for_update(staff.id)
        assert member is not None
        member.role = Role.MEMBER
        await repo.save(member)
        await (await scope.get(UnitOfWork)).commit()
    page = await api.get("/admin/members")
    assert page.status_code == 403
    assert 'data-testid="denied"' in page.text
    assert (await api.get("/admin", follow_redirects=False)).status_code == 303  # the session ended


async def test_a_form_without_its_csrf_token_changes_nothing(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    member_id = await waitlisted(service_container, fakes)
    await sign_in(api, fakes)
    forged = await api.post("/admin/members/admit", data={"phone_number": MEMBER_PHONE}, follow_redirects=False)
    assert forged.status_code == 403
    assert "did not come from this console" in forged.text
    wrong = await api.post("/admin/members/admit", data={"phone_number": MEMBER_PHONE, "_csrf_token": "0" * 128})
    assert wrong.status_code == 403
    assert await status_of(service_container, member_id) is MemberStatus.WAITLISTED
    admitted = await post_form(
        api, "/admin/members/admit", f"/admin/members/{member_id}", phone_number=MEMBER_PHONE
    )
    assert admitted.headers["location"] == f"/admin/members/{member_id}"
    assert await status_of(service_container, member_id) is MemberStatus.ACTIVE


async def test_deactivating_takes_a_fresh_code(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    member_id = await waitlisted(service_container, fakes)
    await sign_in(api, fakes)
    fakes.clock.advance(STEP_UP_VALID + timedelta(seconds=1))  # the sign-in's own code lapses
    profile = f"/admin/members/{member_id}"
    refused = await post_form(api, f"{profile}/deactivate", profile)
    assert refused.headers["location"] == f"/admin/step-up?next={profile}"
    assert await status_of(service_container, member_id) is MemberStatus.WAITLISTED
    fakes.clock.advance(timedelta(seconds=31))  # the resend cooldown since the sign-in code
    sent = await post_form(api, "/admin/step-up/send", f"/admin/step-up?next={profile}", next=profile)
    assert sent.status_code == 303
    before = api.cookies["loopin_staff"]
    code = fakes.sms.last_code_for(STAFF_PHONE)
    confirmed = await post_form(
        api, "/admin/step-up/", f"/admin/step-up?next={profile}", otp_code=code, next=profile
    )
    assert confirmed.headers["location"] == profile
    assert api.cookies["loopin_staff"] != before  # a step-up rotates the id too
    done = await post_form(api, f"{profile}/deactivate", profile)
    assert done.headers["location"] == profile
    assert await status_of(service_container, member_id) is MemberStatus.DEACTIVATED
    fakes.clock.advance(timedelta(minutes=6))  # the step-up lapses
    reactivated = await post_form(api, f"{profile}/reactivate", profile)  # not sensitive: no code needed
    assert reactivated.headers["location"] == profile
    again = await post_form(api, f"{profile}/deactivate", profile)
    assert again.headers["location"].startswith("/admin/step-up")


async def test_an_idle_session_ends(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    await sign_in(api, fakes)
    fakes.clock.advance(timedelta(minutes=29))
    assert (await api.get("/admin")).status_code == 200  # each click restarts the idle clock
    fakes.clock.advance(timedelta(minutes=29))
    assert (await api.get("/admin")).status_code == 200
    fakes.clock.advance(timedelta(minutes=31))
    idle = await api.get("/admin/members", follow_redirects=False)
    assert idle.headers["location"] == "/admin/login?next=/admin/members"


async def test_next_never_leaves_the_console(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    landed = await sign_in(api, fakes, next_path="//evil.example/admin")
    assert landed.headers["location"] == "/admin"
    elsewhere = await api.get("/admin/step-up?next=https://evil.example")
    assert 'href="https://evil.example"' not in elsewhere.text


async def test_bad_input_is_a_page_not_a_crash(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    await sign_in(api, fakes)
    huge = await api.get(f"/admin/members/{2**63}")
    assert huge.status_code == 404
    assert "text/html" in huge.headers["content-type"]
    assert (await api.get("/admin/members/424242")).status_code == 404
    assert (await api.get("/admin/members?offset=-1")).status_code == 400
    erased = await api.get("/admin/members?status=erased")
    assert erased.status_code == 422
    assert "The status is one of" in erased.text
    assert (await api.get("/admin/members?q=" + "x" * 101)).status_code == 400
    nul = await post_form(api, "/admin/members/admit", "/admin/members", phone_number="+91\x00")
    assert nul.status_code in (400, 422)


async def test_signing_in_is_a_fresh_code_for_five_minutes(console: Rig) -> None:
    """The sign-in code was typed seconds ago: a sensitive action right after it goes through without a second
    code (which the 30-second resend rule would refuse to send), and the step-up page sends straight on."""
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container, superuser=True)
    await sign_in(api, fakes)
    texts = len(fakes.sms.sent)
    page = await api.get("/admin/fee")
    assert 'data-testid="change-fee"' in page.text
    changed = await post_form(api, "/admin/fee/change", "/admin/fee", percentage="12")
    assert changed.headers["location"] == "/admin/fee"
    assert "12.00%" in (await api.get("/admin/fee")).text
    onward = await api.get("/admin/step-up?next=/admin/fee", follow_redirects=False)
    assert onward.status_code == 303, onward.text
    assert onward.headers["location"] == "/admin/fee"
    assert len(fakes.sms.sent) == texts  # no second code was needed
    fakes.clock.advance(STEP_UP_VALID + timedelta(seconds=1))
    refused = await post_form(api, "/admin/fee/change", "/admin/fee", percentage="15")
    assert refused.headers["location"] == "/admin/step-up?next=/admin/fee"
    assert (await api.get("/admin/step-up?next=/admin/fee")).status_code == 200


async def test_the_fee_and_refunds_take_a_fresh_code(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container, superuser=True)
    await sign_in(api, fakes)
    fakes.clock.advance(STEP_UP_VALID + timedelta(seconds=1))  # the sign-in's own code lapses
    page = await api.get("/admin/fee")
    assert 'data-testid="change-fee"' not in page.text  # the form waits for a fresh code
    refused = await post_form(api, "/admin/fee/change", "/admin/fee", percentage="15")
    assert refused.headers["location"] == "/admin/step-up?next=/admin/fee"
    assert "10.00%" in (await api.get("/admin/fee")).text
    refund = await post_form(api, "/admin/orders/LP2612060000000000/refund", "/admin/orders")
    assert refund.headers["location"] == "/admin/step-up?next=/admin/orders/LP2612060000000000"
    cancel = await post_form(api, "/admin/events/1/cancel", "/admin/events")
    assert cancel.headers["location"] == "/admin/step-up?next=/admin/events/1"
    assert (await api.get("/admin/orders/LP2612060000000000")).status_code == 404
    assert (await api.get("/admin/orders/not%20a%20txnid")).status_code == 404


async def test_only_a_superuser_sees_the_fee_form_and_other_staff_change_nothing(console: Rig) -> None:
    """Staff who are not superusers see the fee and its history, and one line saying who may change it; a post
    of the form (crafted: they have none) is refused with that line and changes nothing."""
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container, superuser=True)
    await sign_in(api, fakes)
    await post_form(api, "/admin/fee/change", "/admin/fee", percentage="12", description="Festive")
    await post_form(api, "/admin/fee/change", "/admin/fee", percentage="12.00", description="Diwali")  # a note
    assert (await post_form(api, "/admin/logout", "/admin")).status_code == 303
    await appoint(service_container, MEMBER_PHONE)
    await sign_in(api, fakes, MEMBER_PHONE)  # fresh: the sign-in's code counts for five minutes
    page = await api.get("/admin/fee")
    assert 'data-testid="change-fee"' not in page.text
    assert "Only a superuser can change the platform fee." in page.text
    assert "12.00%" in page.text
    assert "Festive" in page.text  # the history
    assert "unchanged (new note)" in page.text
    assert "Diwali" in page.text
    refused = await post_form(api, "/admin/fee/change", "/admin/fee", percentage="15")
    assert refused.headers["location"] == "/admin/fee"
    after = await api.get("/admin/fee")
    assert 'data-testid="notice">Only a superuser can change the platform fee.' in after.text  # the refusal
    assert 'data-testid="fee-now">12.00%' in after.text


async def test_every_screen_answers_a_page(console: Rig) -> None:
    api, service_container, fakes = console.client, console.container, console.fakes
    await appoint(service_container)
    await sign_in(api, fakes)
    for path in (
        "/admin",
        "/admin/members?sort=name&order=asc",
        "/admin/events?status=published",
        "/admin/orders?txnid=LP&status=paid",
        "/admin/fee",
        "/admin/audit?action=member.",
        "/admin/leads",
    ):
        answer = await api.get(path)
        assert answer.status_code == 200, path
        assert "text/html" in answer.headers["content-type"]
    assert (await api.get("/admin/orders?status=lost")).status_code == 422
    assert (await api.get("/admin/audit?target_id=0")).status_code == 400


async def test_a_deleted_event_says_it_is_deleted_not_published(console: Rig) -> None:
    api, fakes = console.client, console.fakes
    host = await console.member()
    event = await console.event(host)
    await appoint(console.container)
    await sign_in(api, fakes)
    assert 'data-testid="unpublish"' in (await api.get(f"/admin/events/{event.id}")).text  # listed, no guests
    assert (await api.delete(f"/api/events/{event.id}", headers=host.headers)).status_code == 200
    page = await api.get(f"/admin/events/{event.id}")
    assert page.status_code == 200
    assert 'data-testid="unpublish"' not in page.text
    assert "A deleted event can no longer be changed." in page.text
    assert "A published event can no longer be changed." not in page.text
