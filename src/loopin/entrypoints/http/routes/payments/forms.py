"""Reading what PayU (or the sandbox page) posts: a form, or for webhooks possibly JSON — flat string fields
only, each name once; anything else is a malformed notice (400), never a 500."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import SerializationException

from loopin.domain.payments.errors import ForgedNotice
from loopin.entrypoints.http.auth import AnyRequest

MAX_NOTICE_BYTES = 64 * 1024
MAX_FIELDS = 200


async def posted_fields(request: AnyRequest) -> dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
        try:
            raw: Any = await request.json()
        except SerializationException:
            raise ForgedNotice("The payment response is not valid JSON.") from None
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
    except Exception:  # a body the form parser cannot read at all
        raise ForgedNotice("The payment response is not a readable form.") from None
    fields = {}
    for name, value in form.multi_items():
        if not isinstance(value, str) or name in fields or len(fields) >= MAX_FIELDS:
            raise ForgedNotice("The payment response is malformed.")
        fields[name] = value
    return fields
