"""The composition root: one dishka container for the API, the worker and the CLI.

Each infrastructure switch is independent: ``DATABASE_URL`` picks PostgreSQL over the in-memory store,
``REDIS_URL`` picks Redis limits, revocations, the event cache and the SAQ queue over their in-process
equivalents. Every port is declared once, beside both of its adapters (``persistence.PERSISTENCE``,
``services.SHARED_STATE``); both providers are built from those tables.

- ``core``: settings, the policies and keys derived from them, the clock, the per-transaction job buffer;
- ``persistence``: PostgreSQL or the in-memory store, and the repositories over either;
- ``services``: vendors (SMS, push, analytics, files) and Redis or in-process shared state and jobs;
- ``usecases``: every use case, per context.
"""

from __future__ import annotations

from dishka import AsyncContainer, Provider, make_async_container

from loopin.entrypoints.di.core import CoreProvider
from loopin.entrypoints.di.persistence import memory_persistence, sql_persistence
from loopin.entrypoints.di.services import VendorProvider, in_process_services, readiness_provider, redis_services
from loopin.entrypoints.di.usecases import UseCaseProvider
from loopin.entrypoints.settings import Settings


def providers_for(settings: Settings) -> list[Provider]:
    return [
        CoreProvider(),
        VendorProvider(),
        *(sql_persistence() if settings.database_url else memory_persistence()),
        *(redis_services() if settings.redis_url else in_process_services()),
        UseCaseProvider(),
        readiness_provider(settings),
    ]


def make_container(settings: Settings, *overrides: Provider) -> AsyncContainer:
    """``overrides`` replace bindings (tests swap the clock, SMS or dispatcher this way)."""
    return make_async_container(*providers_for(settings), *overrides, context={Settings: settings})
