"""Ticket codes: unguessable, shown again whenever the guest asks, and useless to whoever copies the database.

The code is ``HMAC(server key, ticket uuid ‖ nonce)`` in 32 base-62 characters (about 190 bits). The row
keeps the uuid, a random nonce and a keyed digest of the code for the door lookup; without the key none of
them yields a code, and a code cannot be tested against the digests.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid

from loopin.domain.shared.keyed_digest import KeyedDigest, server_key

SECRET_LENGTH = 32
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SHAPE = re.compile(rf"^[0-9A-Za-z]{{{SECRET_LENGTH}}}$")
_QR = re.compile(r"^EVENT:(\d+):TICKET:([0-9A-Za-z]+)$")


def _base62(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(43, "0")


class TicketCodes:
    __slots__ = ("_digest", "_key")

    def __init__(self, key: bytes) -> None:
        self._key = server_key(key, "a ticket key")
        self._digest = KeyedDigest(hashlib.sha256(b"ticket-lookup\x1f" + key).digest())

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_hex(16)

    def secret(self, ticket_uuid: uuid.UUID, nonce: str) -> str:
        mac = hmac.new(self._key, f"ticket\x1f{ticket_uuid}\x1f{nonce}".encode(), hashlib.sha256).digest()
        return _base62(mac)[-SECRET_LENGTH:]

    def lookup_digest(self, secret: str) -> str:
        return self._digest.digest(secret, context="ticket")

    @staticmethod
    def qr_payload(event_id: int, secret: str) -> str:
        return f"EVENT:{event_id}:TICKET:{secret}"

    @staticmethod
    def parse(presented: str) -> tuple[int | None, str] | None:
        """What a door device sent: the bare code or the QR payload. None when it cannot be a code at all."""
        text = presented.strip()
        event_id: int | None = None
        qr = _QR.match(text)
        if qr:
            event_id, text = int(qr.group(1)), qr.group(2)
        if not _SHAPE.match(text):
            return None
        return event_id, text
