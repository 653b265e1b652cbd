"""What the service reads off the wire, checked once for every route before any handler sees it.

Text anywhere in a request (path, query, JSON strings, multipart fields and file names) must be valid UTF-8
without NUL characters: PostgreSQL cannot store either, and nothing a person types contains them. JSON bodies
must say they are JSON (``application/json``): a page on another site can post ``text/plain`` without a CORS
preflight, so accepting it would let any web page make a visitor's browser trigger an SMS. JSON is nested at
most ``MAX_JSON_DEPTH`` levels (every body of this API is two or three deep), so a small body cannot exhaust
the decoder's stack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
from litestar import Request
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.types import ASGIApp, Empty, Receive, Scope, Send

MAX_JSON_DEPTH = 32
FORMS = (RequestEncodingType.MULTI_PART, RequestEncodingType.URL_ENCODED)
JSON_MEDIA_TYPE = "application/json"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be accepted, or None when it can."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. a JSON "\ud800"
        return "must be valid UTF-8 text"
    return None


def _refuse(source: str, key: str | None, message: str) -> ValidationException:
    return ValidationException(message, extra=[{"source": source, "key": key, "message": message}])


def _walk(value: Any) -> Iterator[tuple[str, str, int]]:
    """Every string of a decoded JSON value (keys included) with its dotted location and depth, iteratively:
    the value may be nested as deep as the decoder allowed."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, location, depth = stack.pop()
        if isinstance(item, str):
            yield item, location, depth
        elif isinstance(item, dict):
            for key, child in item.items():
                yield str(key), location, depth
                stack.append((child, f"{location}.{key}" if location else str(key), depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{location}[{i}]", depth + 1) for i, child in enumerate(item))
        else:
            yield "", location, depth


def check_json(value: Any) -> None:
    for text, location, depth in _walk(value):
        if depth > MAX_JSON_DEPTH:
            raise _refuse("body", None, f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels).")
        if problem := text_problem(text):
            raise _refuse("body", location or None, f"Text {problem}.")


def decode_json_text(raw: str | bytes) -> Any:
    """Decodes JSON that a client sent as text inside another format (a multipart field) by the same rules."""
    try:
        value = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    try:
        check_json(value)
    except ValidationException as exc:
        raise ValueError(str(exc.detail)) from exc
    return value


class LoopinRequest(Request[Any, Any, Any]):
    """The app's request: JSON and form bodies decoded under the rules above."""

    async def json(self) -> Any:
        if self._json is not Empty or self._connection_state.json is not Empty:  # decoded and checked once
            return await super().json()
        body = await self.body()
        if body:
            media_type, _ = self.content_type
            if media_type != JSON_MEDIA_TYPE and not media_type.endswith("+json"):
                raise HTTPException(
                    status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                    detail=f"Send this body as {JSON_MEDIA_TYPE}.",
                )
        try:
            value = await super().json()
        except (RecursionError, UnicodeDecodeError, SerializationException) as exc:
            if isinstance(exc, RecursionError):
                message = f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."
            elif isinstance(exc, UnicodeDecodeError):
                message = "The body is not valid UTF-8."
            else:  # read for a route's data or by a handler itself (the payment webhook): the same answer
                message = str(exc.detail)
            raise _refuse("body", None, message) from exc
        check_json(value)
        return value

    async def form(self) -> FormMultiDict:
        if self.content_type[0] == RequestEncodingType.URL_ENCODED and (
            problem := _url_text_problem(await self.body())
        ):  # url-decoding would quietly replace bytes that are not UTF-8
            raise _refuse("body", None, f"Form fields {problem}.")
        try:
            form = await super().form()
        except (UnicodeDecodeError, LookupError) as exc:  # bytes that are not text in the declared charset
            raise _refuse("body", None, "Form fields must be valid UTF-8 text.") from exc
        for key, value in form.multi_items():
            text = value.filename if isinstance(value, UploadFile) else value
            if isinstance(text, str) and (problem := text_problem(text) or text_problem(key)):
                raise _refuse("body", key, f"{key}: text {problem}.")
        return form


async def decode_bodies_first(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook, for the routes that take a body.

    Forms: Litestar's form extraction (multipart and url-encoded) reuses a form the request already decoded, so
    decoding it here puts every form through ``LoopinRequest.form`` and its text rule. Their fields are text by
    nature, so Litestar's lax conversion (``"false"`` to False, ``"3"`` to 3) is what they need.

    JSON: Litestar converts every parameter with ``strict=False``, the forms' rule, which would let ``"false"``
    stand for a boolean and ``"1"`` for a number. JSON has types of its own and the app sends them (booleans as
    booleans, numbers as numbers), so the body is first converted strictly to the route's type: a string where a
    boolean or a number belongs is a 422 before any handler runs. The body was decoded once (the request keeps it);
    this adds one conversion of a small value."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return
    media_type = getattr(data.kwarg_definition, "media_type", None)
    if media_type in FORMS:
        if request.content_type[0] == media_type:
            await request.form()
        return
    if not await request.body() or _path_out_of_bounds(request):
        return  # no body (the route's default, or Litestar's "missing"), or a path naming nothing: Litestar's 404
    value = await request.json()
    try:
        msgspec.convert(
            value,
            data.annotation,
            strict=True,
            str_keys=True,
            dec_hook=request.route_handler.default_deserializer,
        )
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$")
        key = where.rstrip("`").lstrip(".") or None
        raise _refuse("body", key, message) from exc


def _path_out_of_bounds(request: Request[Any, Any, Any]) -> bool:
    """A path parameter outside the bounds its route declares (an id past 2^63): Litestar's own conversion then
    answers 404 (``errors.validation_error``), which must come before any complaint about the body."""
    parameters = request.route_handler.parsed_fn_signature.parameters
    for name, value in request.path_params.items():
        declared = getattr(parameters.get(name), "kwarg_definition", None)
        if not isinstance(value, int) or declared is None:
            continue
        ge, le, gt, lt = (getattr(declared, bound, None) for bound in ("ge", "le", "gt", "lt"))
        if (
            (ge is not None and value < ge)
            or (le is not None and value > le)
            or (gt is not None and value <= gt)
            or (lt is not None and value >= lt)
        ):
            return True
    return False


def _url_text_problem(raw: bytes) -> str | None:
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return "must be valid UTF-8 text"
    return "must not contain NUL characters" if "\x00" in text else None


def refuse_unreadable_urls(app: ASGIApp) -> ASGIApp:
    """The path and query string of every request follow the text rule (the body is the request class's).

    A check before the app, not a wrapper around it: it hands back the app's own coroutine, so it adds no frame
    that every resumption of the request would pass through."""

    def middleware(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == ScopeType.HTTP:
            raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if problem := _url_text_problem(raw_path.split(b"?", 1)[0]):
                raise _refuse("path", None, f"The path {problem}.")
            if problem := _url_text_problem(scope.get("query_string", b"")):
                raise _refuse("query", None, f"Query parameters {problem}.")
        return app(scope, receive, send)

    return middleware
