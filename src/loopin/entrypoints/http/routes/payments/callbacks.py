"""PayU's post-backs: the buyer's browser at ``surl``/``furl`` (answered with a redirect to a small result page
whose URL the app's WebView recognises: this host, the surl/furl path, ``status`` and ``txnid`` in the
query) and the server-to-server webhook (answered 2xx only once the order is settled and committed)."""

from __future__ import annotations

from urllib.parse import urlencode

import msgspec
import structlog
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, MediaType, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from loopin.adapters.payments.payu_protocol import FAILURE_PATH, SUCCESS_PATH, WEBHOOK_PATH
from loopin.domain.shared.errors import DomainError, ErrorKind
from loopin.entrypoints.http.auth import PUBLIC, AnyRequest
from loopin.entrypoints.http.errors import STATUS
from loopin.entrypoints.http.routes.payments import pages
from loopin.entrypoints.http.routes.payments.forms import MAX_NOTICE_BYTES, posted_fields
from loopin.usecases.payments.notices import HandlePaymentNotice

log = structlog.get_logger("loopin.payments")


class NoticeOut(msgspec.Struct):
    success: bool
    order_id: str
    status: str


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(body, status_code=status, media_type=MediaType.HTML)


def _result_url(path: str, status: str, txnid: str) -> str:
    return f"{path}?{urlencode({'status': status, 'txnid': txnid})}"


async def _browser(request: AnyRequest, source: str, path: str, handle: HandlePaymentNotice) -> Response[str]:
    fields: dict[str, str] = {}
    try:
        fields = await posted_fields(request)
        handled = await handle(source=source, fields=fields)
    except DomainError as exc:
        if exc.kind is ErrorKind.UNAVAILABLE:  # PayU unreachable: the webhook and reconciliation settle it
            txnid = "".join(c for c in str(fields.get("txnid", "")) if c.isalnum())[:25]
            return Redirect(_result_url(path, "pending", txnid), status_code=303)
        return _html(pages.refused(exc.message), STATUS[exc.kind])
    return Redirect(_result_url(path, handled.status, handled.txnid), status_code=303)


class PayUCallbackController(Controller):
    path = "/"
    tags = ["payments"]
    opt = PUBLIC

    @post(SUCCESS_PATH, status_code=303, request_max_body_size=MAX_NOTICE_BYTES, summary="PayU success (surl)")
    @inject
    async def success(self, request: AnyRequest, handle: FromDishka[HandlePaymentNotice]) -> Response[str]:
        return await _browser(request, "surl", SUCCESS_PATH, handle)

    @post(FAILURE_PATH, status_code=303, request_max_body_size=MAX_NOTICE_BYTES, summary="PayU failure (furl)")
    @inject
    async def failure(self, request: AnyRequest, handle: FromDishka[HandlePaymentNotice]) -> Response[str]:
        return await _browser(request, "furl", FAILURE_PATH, handle)

    @get(SUCCESS_PATH, media_type=MediaType.HTML, include_in_schema=False)
    async def success_page(self, status: FromQuery[str] = "pending", txnid: FromQuery[str] = "") -> str:
        return pages.result(status)

    @get(FAILURE_PATH, media_type=MediaType.HTML, include_in_schema=False)
    async def failure_page(self, status: FromQuery[str] = "failed", txnid: FromQuery[str] = "") -> str:
        return pages.result(status)

    @post(WEBHOOK_PATH, status_code=200, request_max_body_size=MAX_NOTICE_BYTES, summary="PayU webhook")
    @inject
    async def webhook(self, request: AnyRequest, handle: FromDishka[HandlePaymentNotice]) -> NoticeOut:
        handled = await handle(source="webhook", fields=await posted_fields(request))
        return NoticeOut(success=True, order_id=handled.txnid, status=handled.status)
