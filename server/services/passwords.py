"""Passwords for the web app's sign-in: a slow, salted scrypt hash (API tokens stay SHA-256,
§6: they are random, so a slow hash would only cost every request)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from server.errors import field_error
from server.models import User
from server.services.users import find_user

# scrypt with n=2**15, r=8 (32 MiB, ~0.1 s): OWASP's recommended floor for interactive logins.
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 2**20
MIN_LENGTH = 8
MAX_LENGTH = 1024
# Checked when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "="


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(_derive(password, salt, _N, _R, _P))}"


def verify_password(stored: str | None, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = (stored or _DUMMY).split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(password[:MAX_LENGTH], base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return stored is not None and hmac.compare_digest(derived, base64.b64decode(digest))


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise field_error(field, f"At least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise field_error(field, f"At most {MAX_LENGTH} characters.")


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this e-mail and password, or None (same work either way)."""
    user = find_user(session, email) if email.strip() else None
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None else None
