"""Secrets kept encrypted at rest: webhook addresses, signing secrets, API tokens.

Fernet (from `cryptography`: AES-128-CBC with an HMAC-SHA256, the token carries its own IV and
timestamp) with a key derived by HKDF from `INTEGRATION_SECRETS_KEY`, or from `SECRET_KEY`
when that setting is empty. A stolen database dump alone does not reveal them; rotating the
key makes the stored secrets unreadable (`open_secret` raises `SealBroken`), so the channels
and ticket systems must be entered again.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SealBroken(Exception):
    """The stored secret cannot be decrypted with the current key."""


def _fernet() -> Fernet:
    material = (settings.INTEGRATION_SECRETS_KEY or settings.SECRET_KEY).encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"harmony-portal", info=b"integration-secrets"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str) -> str:
    """Encrypt a secret for storage (a text column)."""
    return _fernet().encrypt(plain.encode()).decode()


def open_secret(sealed: str) -> str:
    """Decrypt a stored secret; `SealBroken` when the key changed or the value was altered."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SealBroken("The stored secret cannot be read with the current key.") from exc


def new_signing_secret() -> str:
    """A fresh random secret for signing webhook payloads (256 bits, URL-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)
