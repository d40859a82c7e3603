"""Mailbox passwords at rest: Fernet, with a key derived from THRICE_SECRET_KEY by HKDF.

Any string works as the secret (a long random one, e.g. `openssl rand -hex 32`); changing it
makes the stored passwords unreadable, and the next sync says to save the settings again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from server.errors import ApiError

# A 409, not a 5xx: the request is fine, the server is not set up for it yet.
NO_KEY = ("Set THRICE_SECRET_KEY on the server to store mailbox passwords (they are kept "
          "encrypted with it).")


class SecretMissing(Exception):
    pass


def fernet(secret: str | None) -> Fernet:
    if not secret:
        raise ApiError(409, NO_KEY)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"thrice mail in",
               info=b"imap password").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str | None, password: str) -> str:
    return fernet(secret).encrypt(password.encode()).decode()


def decrypt(secret: str | None, token: str) -> str:
    """The stored password; SecretMissing when the key is gone or was changed."""
    if not secret:
        raise SecretMissing(NO_KEY)
    try:
        return fernet(secret).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretMissing("The stored mailbox password cannot be read with this "
                            "THRICE_SECRET_KEY: save the mail settings again.") from exc
