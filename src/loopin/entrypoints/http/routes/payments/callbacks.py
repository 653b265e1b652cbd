"""PayU's post-backs: the buyer's browser at ``surl``/``furl`` (answered with a redirect to a small result page
whose URL the app's WebView recognises: this host, the surl/furl path, ``status`` and ``txnid`` in the
query) and the server-to-server webhook (answered 2xx only once the order is settled and committed)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import MediaType, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect

from loopin.adapters.payments.payu_protocol import FAILURE_PATH, NOTICE_REQUIRED, SUCCESS_PATH, WEBHOOK_PATH
from loopin.domain.shared.errors import DomainError, ErrorKind
from loopin.entrypoints.http.auth import PUBLIC, AnyRequest
from loopin.entrypoints.http.controller import LoopinController
from loopin.entrypoints.http.routes.payments import pages
from loopin.entrypoints.http.routes.payments.browser import browser_form_post, form_operation, notice_schema
from loopin.entrypoints.http.routes.payments.forms import MAX_NOTICE_BYTES, posted_fields
from loopin.usecases.payments.notices import HandlePaymentNotice
from loopin.usecases.payments.orders import ReadPaymentResult

NOTICE = notice_schema([*NOTICE_REQUIRED, "mihpayid", "mode", "unmappedstatus", "error_Message"], NOTICE_REQUIRED)
WebhookNotice = form_operation(NOTICE, also_json=True)


ResultStatus = Annotated[
    str,
    QueryParameter(
        description="Kept in the address for the app's WebView; the page shows the order's own status."
    ),
]


class NoticeOut(msgspec.Struct):
    success: bool
    order_id: str
    status: str


def _result_url(path: str, status: str, txnid: str) -> str:
    return f"{path}?{urlencode({'status': status, 'txnid': txnid})}"


async def _browser(request: AnyRequest, source: str, path: str, handle: HandlePaymentNotice) -> Redirect:
    """A refusal goes on to the route's ``REFUSED_AS_PAGES``."""
    fields = await posted_fields(request)
    try:
        handled = await handle(source=source, fields=fields)
    except DomainError as exc:
        if exc.kind is not ErrorKind.UNAVAILABLE:
            raise
        # PayU unreachable: the webhook and reconciliation settle it
        txnid = "".join(c for c in str(fields.get("txnid", "")) if c.isalnum())[:25]
        return Redirect(_result_url(path, "pending", txnid), status_code=303)
    return Redirect(_result_url(path, handled.status, handled.txnid), status_code=303)


class PayUCallbackController(LoopinController):
    path = "/"
    tags = ["payments"]
    opt = PUBLIC

    @browser_form_post(
        SUCCESS_PATH, summary="PayU success (surl): 303 to the result page", form=NOTICE, redirects=True
    )
    async def success(self, request: AnyRequest, handle: FromDishka[HandlePaymentNotice]) -> Redirect:
        return await _browser(request, "surl", SUCCESS_PATH, handle)

    @browser_form_post(
        FAILURE_PATH, summary="PayU failure (furl): 303 to the result page", form=NOTICE, redirects=True
    )
    async def failure(self, request: AnyRequest, handle: FromDishka[HandlePaymentNotice]) -> Redirect:
        return await _browser(request, "furl", FAILURE_PATH, handle)

    @get(
        [SUCCESS_PATH, FAILURE_PATH],
        media_type=MediaType.HTML,
        summary="The result page after surl or furl (the app's WebView stops here)",
    )
    async def result_page(
        self, read: FromDishka[ReadPaymentResult], status: ResultStatus = "", txnid: FromQuery[str] = ""
    ) -> str:
        return pages.result(await read(reference=txnid))

    @post(
        WEBHOOK_PATH,
        status_code=200,
        request_max_body_size=MAX_NOTICE_BYTES,
        summary="PayU webhook (server to server): 200 once the order is settled",
        operation_class=WebhookNotice,
    )
    async def webhook(self, request: AnyRequest, handle: FromDishka[HandlePaymentNotice]) -> NoticeOut:
        handled = await handle(source="webhook", fields=await posted_fields(request))
        return NoticeOut(success=True, order_id=handled.txnid, status=handled.status)
