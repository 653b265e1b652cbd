"""Reading what PayU (or the sandbox page) posts: a url-encoded form, or for webhooks possibly JSON.

The bytes are decoded by the service's one rule (``LoopinRequest``: UTF-8 text without NUL, JSON syntax and
depth; a 422 in the app's envelope otherwise). What this adds is the shape of a notice: flat string fields,
each name once, at most ``MAX_FIELDS``; anything else is a malformed notice (400), never a 500.
"""

from __future__ import annotations

from typing import Any

from litestar.exceptions import ClientException, ValidationException
from litestar.status_codes import HTTP_400_BAD_REQUEST

from loopin.domain.payments.errors import ForgedNotice
from loopin.entrypoints.http.auth import AnyRequest

MAX_NOTICE_BYTES = 64 * 1024
MAX_FIELDS = 200
JSON_MEDIA_TYPE = "application/json"


async def posted_fields(request: AnyRequest) -> dict[str, str]:
    if request.content_type[0] == JSON_MEDIA_TYPE:
        raw: Any = await request.json()
        if not isinstance(raw, dict) or len(raw) > MAX_FIELDS:
            raise ForgedNotice("The payment response must be one flat object.")
        fields: dict[str, str] = {}
        for name, value in raw.items():
            if isinstance(value, bool) or (value is not None and not isinstance(value, str | int | float)):
                raise ForgedNotice("The payment response must be flat.")
            fields[str(name)] = "" if value is None else str(value)
        return fields
    try:
        form = await request.form()
    except ValidationException:
        raise  # the decoding rule's own answer
    except ClientException as exc:  # a multipart body its parser cannot read; a body too large keeps its 413
        if exc.status_code != HTTP_400_BAD_REQUEST:
            raise
        raise ForgedNotice("The payment response is not a readable form.") from None
    fields = {}
    for name, value in form.multi_items():
        if not isinstance(value, str) or name in fields or len(fields) >= MAX_FIELDS:
            raise ForgedNotice("The payment response is malformed.")
        fields[name] = value
    return fields
