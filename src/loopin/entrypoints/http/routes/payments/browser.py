"""What the payment routes a browser posts to (``surl``/``furl``, the sandbox pages) answer, and how the OpenAPI
document says so: the form they read, their redirects and pages, and refusals shown as pages.

A refusal of the payment response itself (forged, mismatched, unknown order, a race lost) is a page with its
status, because a person reads it inside the app's WebView. Everything else (the decoding rule's 422, a body
too large, an outage) is the app's usual envelope, as on every other route.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litestar import MediaType, Request, Response, post
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from loopin.domain.shared.errors import DomainError, ErrorKind
from loopin.entrypoints.http.errors import STATUS, domain_error
from loopin.entrypoints.http.routes.payments import pages
from loopin.entrypoints.http.routes.payments.forms import MAX_NOTICE_BYTES

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
PAGE_KINDS = {
    ErrorKind.INVALID: "The form is forged, truncated or malformed, or does not match its order: a page.",
    ErrorKind.NOT_FOUND: "No order of this service has this txnid: a page.",
    ErrorKind.CONFLICT: "The order changed at the same moment: a page.",
}


def refusal_page(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """The page for a refused payment response; any other failure leaves in the app's envelope."""
    if exc.kind not in PAGE_KINDS:
        return domain_error(request, exc)
    return Response(pages.refused(exc.message), status_code=STATUS[exc.kind], media_type=MediaType.HTML)


REFUSED_AS_PAGES: dict[Any, Any] = {DomainError: refusal_page}  # a route's ``exception_handlers``
REFUSAL_PAGES = {
    STATUS[kind]: ResponseSpec(str, media_type=MediaType.HTML, generate_examples=False, description=text)
    for kind, text in PAGE_KINDS.items()
}


def _fields_schema(names: Iterable[str], required: Iterable[str], description: str) -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        properties={name: Schema(type=OpenAPIType.STRING) for name in names},
        required=list(required),
        additional_properties=Schema(type=OpenAPIType.STRING),
        description=description,
    )


def form_operation(schema: Schema, *, also_json: bool = False) -> type[Operation]:
    """An ``operation_class`` that documents the form a handler reads itself (through ``posted_fields``)."""
    content = {FORM_MEDIA_TYPE: OpenAPIMediaType(schema=schema)}
    if also_json:
        content["application/json"] = OpenAPIMediaType(schema=schema)

    @dataclass
    class FormOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = RequestBody(content=dict(content), required=True)

    return FormOperation


def notice_schema(notice_fields: Iterable[str], required: Iterable[str]) -> Schema:
    return _fields_schema(
        notice_fields,
        required,
        "PayU's response after the payment (every field a string; unknown fields are kept out of the hash and "
        "ignored). Refused unless its reverse hash is this merchant's.",
    )


def checkout_schema(checkout_fields: Iterable[str], *, outcome: bool = False) -> Schema:
    names = [*checkout_fields, *(["outcome"] if outcome else [])]
    return _fields_schema(
        names,
        checkout_fields,
        "The signed checkout form of an order (`payu_redirect.payload`)"
        + ("; `outcome` is pay or fail." if outcome else "."),
    )


def browser_form_post(path: str, *, summary: str, form: Schema, redirects: bool = False) -> HTTPRouteHandler:
    """The route decorator of a page a browser posts a payment form to: the form documented, refusals as pages;
    its answer is a 303 (``redirects``) or an HTML page."""
    return post(
        path,
        status_code=303 if redirects else 200,
        media_type=MediaType.JSON if redirects else MediaType.HTML,
        request_max_body_size=MAX_NOTICE_BYTES,
        summary=summary,
        operation_class=form_operation(form),
        responses=REFUSAL_PAGES,
        exception_handlers=REFUSED_AS_PAGES,
    )
