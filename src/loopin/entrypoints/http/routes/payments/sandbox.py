"""The sandbox checkout page (mounted only when the sandbox gateway is in use): the app's WebView posts the
checkout form here instead of PayU; "Pay" or "Fail" records the outcome and posts a signed PayU response
back to ``surl``/``furl``."""

from __future__ import annotations

from dishka.integrations.litestar import FromDishka

from loopin.adapters.payments.sandbox import SANDBOX_CHECKOUT_PATH, SANDBOX_COMPLETE_PATH, SandboxGateway
from loopin.entrypoints.http.auth import PUBLIC, AnyRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.routes.payments import pages
from loopin.entrypoints.http.routes.payments.browser import browser_form_post, checkout_schema
from loopin.entrypoints.http.routes.payments.forms import posted_fields
from loopin.usecases.payments.ports import CHECKOUT_FIELDS


class SandboxCheckoutController(LoopinController):
    """Development only: absent (and not in the document) when PayU is configured."""

    path = "/"
    tags = ["payments"]
    opt = PUBLIC

    @browser_form_post(
        SANDBOX_CHECKOUT_PATH,
        summary="Sandbox checkout page (stands in for PayU's): the order and Pay / Fail",
        form=checkout_schema(CHECKOUT_FIELDS),
    )
    async def checkout(self, request: AnyRequest, sandbox: FromDishka[SandboxGateway]) -> str:
        form = sandbox.read_checkout(await posted_fields(request))
        return pages.sandbox_checkout(form, SANDBOX_COMPLETE_PATH)

    @browser_form_post(
        SANDBOX_COMPLETE_PATH,
        summary="Sandbox Pay / Fail: records the outcome, posts the signed response back to surl / furl",
        form=checkout_schema(CHECKOUT_FIELDS, outcome=True),
    )
    async def complete(self, request: AnyRequest, sandbox: FromDishka[SandboxGateway]) -> str:
        fields = await posted_fields(request)
        back = await sandbox.complete(fields, pay=fields.get("outcome") == "pay")
        return pages.post_back(back.url, back.fields)
