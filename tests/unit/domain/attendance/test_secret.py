"""Ticket codes: derived with the server key, shown again on demand, unusable from a database copy."""

from __future__ import annotations

import uuid

import pytest

from loopin.domain.attendance.secret import SECRET_LENGTH, TicketCodes

KEY = b"k" * 32


def test_a_code_is_32_alphanumerics_and_the_same_every_time() -> None:
    codes, ticket_uuid, nonce = TicketCodes(KEY), uuid.uuid4(), TicketCodes.new_nonce()
    secret = codes.secret(ticket_uuid, nonce)
    assert len(secret) == SECRET_LENGTH
    assert secret.isalnum()
    assert secret.isascii()
    assert codes.secret(ticket_uuid, nonce) == secret


def test_codes_differ_per_ticket_nonce_and_key() -> None:
    ticket_uuid, nonce = uuid.uuid4(), TicketCodes.new_nonce()
    codes = TicketCodes(KEY)
    secret = codes.secret(ticket_uuid, nonce)
    assert codes.secret(uuid.uuid4(), nonce) != secret
    assert codes.secret(ticket_uuid, TicketCodes.new_nonce()) != secret
    assert TicketCodes(b"x" * 32).secret(ticket_uuid, nonce) != secret


def test_many_codes_never_collide() -> None:
    codes = TicketCodes(KEY)
    made = {codes.secret(uuid.uuid4(), TicketCodes.new_nonce()) for _ in range(2000)}
    assert len(made) == 2000


def test_the_lookup_digest_needs_the_key_and_does_not_contain_the_code() -> None:
    codes = TicketCodes(KEY)
    secret = codes.secret(uuid.uuid4(), TicketCodes.new_nonce())
    digest = codes.lookup_digest(secret)
    assert digest == codes.lookup_digest(secret)
    assert secret not in digest
    assert TicketCodes(b"x" * 32).lookup_digest(secret) != digest
    assert codes.lookup_digest(secret.lower()) != digest  # codes are case-sensitive


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        TicketCodes(b"short")


def test_door_input_is_the_bare_code_or_the_qr_payload() -> None:
    codes = TicketCodes(KEY)
    secret = codes.secret(uuid.uuid4(), TicketCodes.new_nonce())
    assert TicketCodes.parse(f"  {secret}\n") == (None, secret)
    assert TicketCodes.parse(TicketCodes.qr_payload(42, secret)) == (42, secret)
    for junk in ("", "short", secret + "x", secret[:-1] + "-", "EVENT:x:TICKET:" + secret, "'; DROP TABLE"):
        assert TicketCodes.parse(junk) is None
