"""The Litestar application factory: ``uvicorn --factory loopin.entrypoints.http.app:create_app``."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import structlog
from dishka import AsyncContainer
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar
from litestar.config.cors import CORSConfig

from loopin.adapters.jobs.background import in_background
from loopin.adapters.jobs.relay import OutboxRelay
from loopin.entrypoints.admin.console import SESSION_STORE, admin_router, session_store, template_config
from loopin.entrypoints.demo import DemoSeed
from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.admission import admission
from loopin.entrypoints.http.auth import bearer_auth
from loopin.entrypoints.http.decoding import LoopinRequest, decode_bodies_first, refuse_unreadable_urls
from loopin.entrypoints.http.errors import EXCEPTION_HANDLERS
from loopin.entrypoints.http.media import media_router
from loopin.entrypoints.http.openapi import docs_assets_router, document_answers, openapi_config
from loopin.entrypoints.http.request_context import request_context_middleware, stamp_request_id
from loopin.entrypoints.http.routes.attendance.door import AttendancesController, DoorController
from loopin.entrypoints.http.routes.attendance.invitations import InvitationController
from loopin.entrypoints.http.routes.attendance.requests import JoinRequestController
from loopin.entrypoints.http.routes.attendance.tickets import TicketController
from loopin.entrypoints.http.routes.attendance.waitlist import WaitlistController
from loopin.entrypoints.http.routes.events.feed import EventController
from loopin.entrypoints.http.routes.events.hosts import HostController
from loopin.entrypoints.http.routes.events.public import PublicEventController
from loopin.entrypoints.http.routes.events.venues import VenueController
from loopin.entrypoints.http.routes.health import health, ready
from loopin.entrypoints.http.routes.identity import AuthController
from loopin.entrypoints.http.routes.notifications import DeviceController, InboxController
from loopin.entrypoints.http.routes.payments.callbacks import PayUCallbackController
from loopin.entrypoints.http.routes.payments.fees import PlatformFeeController
from loopin.entrypoints.http.routes.payments.orders import PaymentOrderController
from loopin.entrypoints.http.routes.payments.sandbox import SandboxCheckoutController
from loopin.entrypoints.http.routes.payouts.bank_accounts import BankAccountController
from loopin.entrypoints.http.routes.payouts.requests import PayoutController
from loopin.entrypoints.http.routes.privacy import PrivacyController
from loopin.entrypoints.http.routes.staff.audit import StaffAuditController
from loopin.entrypoints.http.routes.staff.campaigns import StaffCampaignController
from loopin.entrypoints.http.routes.staff.payouts import StaffPayoutController
from loopin.entrypoints.logging import configure_logging
from loopin.entrypoints.settings import Environment, Settings, load_settings
from loopin.entrypoints.worker.schedule import run_on_minute_clock
from loopin.usecases.identity.moderation import AppointStaff

log = structlog.get_logger("loopin.app")
YOUNG_GENERATION_THRESHOLD = 10_000


def _outbox_relay(settings: Settings, container: AsyncContainer):  # type: ignore[no-untyped-def]
    """The relay loop runs in the worker; here only when there is none (no Redis), or when the outbox lives in
    this process's memory (no database), where no worker can see it."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if settings.redis_url and settings.database_url:
            yield
            return
        async with (await container.get(OutboxRelay)).running():
            yield

    return lifespan


def _in_process_scheduler(settings: Settings, container: AsyncContainer):  # type: ignore[no-untyped-def]
    """Embedded mode has no SAQ worker, so the periodic jobs run here, on the worker's schedule."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if settings.redis_url:
            yield
            return
        async with in_background(run_on_minute_clock(container), name="embedded-schedule"):
            yield

    return lifespan


def _settled_heap() -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    """What start-up built (the app, the container, SQLAlchemy's metadata) lives as long as the process: frozen
    out of the garbage collector's generations, so a full collection walks only what requests left behind and
    does not stall every in-flight request while it scans the whole heap. Measured (``make bench``, the API's
    cached reads at 8 connections): the profile's p99 168 ms without, 4.6-5.8 ms with; the feed's 93 -> 5.6 ms.

    The youngest generation is collected after ``YOUNG_GENERATION_THRESHOLD`` allocations instead of 700. A
    request leaves ~55 objects in reference cycles (SQLAlchemy's session, transaction and connection, dishka's
    request container, Litestar's request), and at 700 the collector also walked, again and again, the objects of
    every request still in flight. Measured in-process at the door (``bench/cpu_per_request.py``): 98 -> 41 µs of
    collection per check-in, the same garbage collected; a collection of the young generation stays well under
    a millisecond."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        gc.freeze()  # no collection first: at ~0.1 s a start-up it would slow every test that builds an app
        before = gc.get_threshold()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *before[1:])
        try:
            yield
        finally:
            gc.set_threshold(*before)
            gc.unfreeze()  # an app that stops before its process does (tests) leaves nothing uncollectable

    return lifespan


def _development_staff(settings: Settings, container: AsyncContainer):  # type: ignore[no-untyped-def]
    """``make run``: a staff account exists from the start, a superuser, so a newcomer can try the whole console
    at once, the platform fee included (``loopin dev`` prints its number; codes appear in the console SMS log)."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if settings.environment is Environment.DEVELOPMENT and settings.dev_staff_phone:
            try:
                async with container() as scope:
                    await (await scope.get(AppointStaff))(phone_number=settings.dev_staff_phone, superuser=True)
            except Exception:
                log.exception("could not create the development staff account")
        yield

    return lifespan


def _development_demo(settings: Settings, container: AsyncContainer):  # type: ignore[no-untyped-def]
    """``make run``: a demo host whose past paid event's money is ready to pay out (``entrypoints/demo.py``),
    seeded before the server answers anyone, so the payout screens can be walked at once."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if settings.seeds_demo:
            try:
                seeded = await DemoSeed(container)()
            except Exception:
                log.exception("could not seed the development demo")
            else:
                if seeded is not None:
                    log.info("development demo seeded", host_id=seeded.host_id, available=str(seeded.available))
        yield

    return lifespan


def create_app(settings: Settings | None = None, container: AsyncContainer | None = None) -> Litestar:
    settings = settings or load_settings()
    settings.check()
    configure_logging(settings)
    container = container or make_container(settings)
    media_root = Path(settings.media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    origins = [o.strip() for o in settings.cors_allow_origins.split(",") if o.strip()]
    app = Litestar(
        route_handlers=[
            AuthController,
            PrivacyController,
            DeviceController,
            InboxController,
            EventController,
            VenueController,
            PublicEventController,
            HostController,
            JoinRequestController,
            InvitationController,
            TicketController,
            WaitlistController,
            PaymentOrderController,
            PayUCallbackController,
            PlatformFeeController,
            *([] if settings.uses_payu else [SandboxCheckoutController]),
            DoorController,
            AttendancesController,
            BankAccountController,
            PayoutController,
            StaffAuditController,
            StaffPayoutController,
            StaffCampaignController,
            health,
            ready,
            media_router(media_root),
            docs_assets_router(),
            admin_router(settings),
        ],
        middleware=[
            request_context_middleware,
            admission(settings.http_max_in_flight, settings.db_pool_timeout),
            refuse_unreadable_urls,
            bearer_auth,
        ],
        request_class=LoopinRequest,
        before_request=decode_bodies_first,
        before_send=[stamp_request_id],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        cors_config=CORSConfig(allow_origins=origins) if origins else None,
        lifespan=[
            _outbox_relay(settings, container),
            _in_process_scheduler(settings, container),
            _development_staff(settings, container),
            _development_demo(settings, container),
            _settled_heap(),
        ],
        template_config=template_config(settings),
        stores={SESSION_STORE: session_store(settings)},
        on_shutdown=[container.close],
        logging_config=None,
        debug=False,
    )
    setup_dishka(container, app)
    document_answers(app)
    return app
