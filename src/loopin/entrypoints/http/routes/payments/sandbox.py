"""The sandbox checkout page (mounted only when the sandbox gateway is in use): the app's WebView posts the
checkout form here instead of PayU; "Pay" or "Fail" records the outcome and posts a signed PayU response
back to ``surl``/``furl``."""

from __future__ import annotations

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, MediaType, Response, post

from loopin.adapters.payments.sandbox import SANDBOX_CHECKOUT_PATH, SANDBOX_COMPLETE_PATH, SandboxGateway
from loopin.domain.shared.errors import DomainError
from loopin.entrypoints.http.auth import PUBLIC, AnyRequest
from loopin.entrypoints.http.errors import STATUS
from loopin.entrypoints.http.routes.payments import pages
from loopin.entrypoints.http.routes.payments.forms import MAX_NOTICE_BYTES, posted_fields


class SandboxCheckoutController(Controller):
    path = "/"
    tags = ["payments"]
    opt = PUBLIC
    include_in_schema = False

    @post(SANDBOX_CHECKOUT_PATH, status_code=200, request_max_body_size=MAX_NOTICE_BYTES)
    @inject
    async def checkout(self, request: AnyRequest, sandbox: FromDishka[SandboxGateway]) -> Response[str]:
        try:
            form = sandbox.read_checkout(await posted_fields(request))
        except DomainError as exc:
            return Response(pages.refused(exc.message), status_code=STATUS[exc.kind], media_type=MediaType.HTML)
        return Response(pages.sandbox_checkout(form, SANDBOX_COMPLETE_PATH), media_type=MediaType.HTML)

    @post(SANDBOX_COMPLETE_PATH, status_code=200, request_max_body_size=MAX_NOTICE_BYTES)
    @inject
    async def complete(self, request: AnyRequest, sandbox: FromDishka[SandboxGateway]) -> Response[str]:
        try:
            fields = await posted_fields(request)
            back = await sandbox.complete(fields, pay=fields.get("outcome") == "pay")
        except DomainError as exc:
            return Response(pages.refused(exc.message), status_code=STATUS[exc.kind], media_type=MediaType.HTML)
        return Response(pages.post_back(back.url, back.fields), media_type=MediaType.HTML)
