"""The bulk import's validation fast paths accept exactly what the full validators accept.

`fast_email` may decline (then email-validator decides) but never accepts an address that
email-validator rejects, and returns its normalised form.
"""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from server.schemas.fields import fast_email

# Characters that matter to e-mail syntax: atext, specials, dots, hyphens, case, non-ASCII,
# whitespace and controls.
EMAIL_ALPHABET = st.sampled_from(list(
    "abcxyzABCXYZ0189.-_+!#$%&'*/=?^`{|}~@\"(),:;<>[\\] \t\x00éü\u0430\u200bＡ"))
LABELS = st.sampled_from(["example", "x", "a-b", "xn--bcher-kva", "ab--cd", "-a", "a-", "1",
                          "test", "localhost", "local", "onion", "arpa", "invalid", "COM", "com",
                          "c0m", "io", "museum", "a" * 63, "a" * 64, "", "ex_ample"])
LOCALS = st.sampled_from(["info", "Info", "POSTMASTER", "jane.doe", "jane..doe", ".jane",
                          "jane.", "j", "a+b", "o'neil", "a" * 64, "a" * 65, "\"quoted\"",
                          "ü", "sales", "Www"])


def _reference(text: str) -> str | None:
    """What EmailAddress does without the fast path: email-validator's verdict."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _check_email(text: str) -> None:
    fast = fast_email(text)
    if fast is not None:
        assert _reference(text) == fast, text


@given(st.text(EMAIL_ALPHABET, max_size=40))
@settings(max_examples=2000, deadline=None)
def test_fast_email_never_accepts_what_email_validator_rejects(text: str) -> None:
    _check_email(text)


@given(LOCALS, st.lists(LABELS, min_size=1, max_size=5))
@settings(max_examples=2000, deadline=None)
@example("jane", ["example", "com"])
@example("Info", ["example", "com"])
@example("jane", ["a", "test"])
@example("jane", ["contest"])
@example("jane", ["xn--bcher-kva", "ch"])
@example("jane", ["a" * 63] * 4 + ["com"])
def test_fast_email_on_address_shapes(local: str, labels: list[str]) -> None:
    _check_email(f"{local}@{'.'.join(labels)}")


@pytest.mark.parametrize("text, expected", [
    ("Jane.Doe@Example.COM", "Jane.Doe@example.com"),
    ("a+b@sub.example.io", "a+b@sub.example.io"),
    ("x@b.c0m", "x@b.c0m"),
])
def test_fast_email_takes_the_common_case(text: str, expected: str) -> None:
    assert fast_email(text) == expected == _reference(text)


@pytest.mark.parametrize("text", ["Info@example.com", "x@b.c0", "x@xn--bcher-kva.ch",
                                  "é@example.com", "x@a.test", "x@localhost"])
def test_fast_email_declines_what_needs_the_full_check(text: str) -> None:
    assert fast_email(text) is None
