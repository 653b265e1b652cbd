"""``make run`` gives a newcomer a staff account at once: the development server makes ``DEV_STAFF_PHONE``
a superuser on start (in the embedded in-memory mode, as ``make run`` serves it), and that number signs in to the
console with the code the console SMS prints. Other environments never do."""

from __future__ import annotations

from pathlib import Path

import msgspec
from litestar.testing import AsyncTestClient

from loopin.entrypoints.di import make_container
from loopin.entrypoints.http.app import create_app
from loopin.entrypoints.settings import Environment, Settings
from tests.api.admin_console import STAFF_PHONE, post_form, sign_in
from tests.support import Fakes, fakes_provider


async def test_the_development_server_starts_with_a_staff_account(
    memory_settings: Settings, fakes: Fakes, tmp_path: Path
) -> None:
    settings = msgspec.structs.replace(memory_settings, environment=Environment.DEVELOPMENT)
    assert settings.dev_staff_phone == STAFF_PHONE
    container = make_container(settings, fakes_provider(fakes))
    try:
        async with AsyncTestClient(create_app(settings, container)) as client:  # runs the start-up hooks
            signed_in = await sign_in(client, fakes)
            assert signed_in.headers["location"] == "/admin"
            dashboard = await client.get("/admin")
            assert dashboard.status_code == 200
            assert 'data-testid="dashboard"' in dashboard.text
            fee = await client.get("/admin/fee")  # a superuser: the newcomer can change the fee too
            assert 'data-testid="change-fee"' in fee.text
            changed = await post_form(client, "/admin/fee/change", "/admin/fee", percentage="12")
            assert changed.headers["location"] == "/admin/fee"
            assert 'data-testid="fee-now">12.00%' in (await client.get("/admin/fee")).text
    finally:
        await container.close()


async def test_other_environments_make_nobody_staff(memory_settings: Settings, fakes: Fakes) -> None:
    container = make_container(memory_settings, fakes_provider(fakes))  # environment "test"
    try:
        async with AsyncTestClient(create_app(memory_settings, container)) as client:
            refused = await sign_in(client, fakes)
            assert refused.status_code == 403  # the number has no account: no staff console
            assert 'data-testid="denied"' in refused.text
    finally:
        await container.close()
