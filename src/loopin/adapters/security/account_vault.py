"""Bank account numbers encrypted at rest: AES-256-GCM (``cryptography``) under keys derived from the master
secret with HKDF-SHA256, one key to encrypt and another for fingerprints.

Stored form: ``version (1 byte) | nonce (12 bytes) | ciphertext+tag``. The host's id is authenticated data,
so a sealed number copied onto another host's row does not open. A new version byte is how a rotated key
would be told apart.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from loopin.usecases.payouts.ports import AccountNumberVault

VERSION = b"\x01"
NONCE_BYTES = 12


def derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"loopin/{purpose}".encode()).derive(master)


class AesGcmAccountVault(AccountNumberVault):
    __slots__ = ("_aead", "_fingerprint_key")

    def __init__(self, master_secret: bytes) -> None:
        if len(master_secret) < 16:
            raise ValueError("the master secret needs at least 16 bytes")
        self._aead = AESGCM(derive(master_secret, "bank-accounts/v1"))
        self._fingerprint_key = derive(master_secret, "bank-accounts/fingerprint")

    def __repr__(self) -> str:
        return "AesGcmAccountVault(<keys hidden>)"

    @staticmethod
    def _bound(host_id: int) -> bytes:
        return f"bank-account:{host_id}".encode()

    def seal(self, number: str, *, host_id: int) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, number.encode(), self._bound(host_id))

    def open(self, sealed: bytes, *, host_id: int) -> str:
        if len(sealed) <= 1 + NONCE_BYTES or sealed[:1] != VERSION:
            raise ValueError("not a sealed account number")
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, self._bound(host_id)).decode()
        except InvalidTag as exc:
            raise ValueError("the sealed account number does not open for this host") from exc

    def fingerprint(self, ifsc_code: str, number: str) -> str:
        return hmac.new(self._fingerprint_key, f"{ifsc_code}\x1f{number}".encode(), hashlib.sha256).hexdigest()
