"""The bulk import's validation fast paths accept exactly what the full validators accept.

`fast_email` may decline (then email-validator decides) but never accepts an address that
email-validator rejects, and returns its normalised form; `LeanLoader(BulkItemIn())` returns
what the schema returns, or None whenever the schema would raise, so errors stay the schema's.
"""

from __future__ import annotations

from typing import Any

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields, post_load

from server.schemas.contact import BulkItemIn
from server.schemas.fastload import LeanLoader
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


# Items: a valid LinkedIn-like base, with fields replaced by awkward or invalid values.
SCHEMA = BulkItemIn()
LEAN = LeanLoader(SCHEMA)
BASE: dict[str, Any] = {
    "name": "Jane Doe", "source": "import", "first_name": "Jane", "company": "Acme, Inc.",
    "title": "Engineer", "emails": ["Jane.Doe@Example.com"],
    "profiles": [{"url": "https://www.linkedin.com/in/jane-doe", "network": "linkedin"}],
    "interactions": [{"type": "social_follow", "network": "linkedin",
                      "occurred_at": "2020-02-08T12:00:00Z", "external_id": "li-conn:jane",
                      "notes": "Connected on LinkedIn"}],
}
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False), st.just(""),
    st.just("x" * 201), st.just("x" * 10_001), st.just("a\x00b"), st.just("\ud800"),
    st.just("Europe/Berlin"), st.just("Mars/Olympus"), st.just("hiring_manager"),
    st.just("https://example.com/a.png"), st.just("ftp://x"), st.just("2020-02-08T12:00:00"),
    st.just("2020-02-08T12:00:00+02:00"), st.just("0001-01-01T00:00:00Z"), st.just("nope"),
    st.just("info@example.com"), st.text(max_size=5), st.just({}), st.just([]),
    st.just({"url": "https://x.com/jane"}), st.just({"url": "https://x.com/j", "extra": 1}),
    st.lists(st.sampled_from(["a@b.io", "Bad", "", "x" * 60, None, 1]), max_size=3),
    st.lists(st.just("t"), min_size=49, max_size=52),
    st.lists(st.just({"url": "https://github.com/jane"}), min_size=19, max_size=22),
)
FIELDS = st.sampled_from(sorted(SCHEMA.load_fields) + ["salary", "id"])
INTERACTION_FIELDS = st.sampled_from(["type", "occurred_at", "network", "notes", "external_id",
                                      "promise"])


@st.composite
def items(draw: st.DrawFn) -> Any:
    item: dict[str, Any] = {k: v for k, v in BASE.items()
                            if draw(st.booleans()) or k == "name"}
    for _ in range(draw(st.integers(0, 3))):
        item[draw(FIELDS)] = draw(ODD_VALUES)
    if draw(st.booleans()):
        item.pop("name", None)
    if draw(st.booleans()):
        interaction = dict(BASE["interactions"][0])
        for _ in range(draw(st.integers(0, 2))):
            key = draw(INTERACTION_FIELDS)
            if draw(st.booleans()):
                interaction.pop(key, None)
            else:
                interaction[key] = draw(ODD_VALUES)
        item["interactions"] = [interaction]
    return item if draw(st.integers(0, 20)) else draw(ODD_VALUES)


def _full(raw: Any) -> tuple[str, Any]:
    try:
        return "ok", SCHEMA.load(raw)
    except ValidationError as exc:
        return "error", exc.messages


@given(items())
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_lean_loader_returns_what_the_schema_returns_or_declines(raw: Any) -> None:
    lean = LEAN.load(raw)
    outcome, full = _full(raw)
    if lean is not None:
        assert outcome == "ok" and lean == full


def test_lean_loader_takes_the_common_item() -> None:
    assert LEAN.enabled
    loaded = LEAN.load(BASE)
    assert loaded is not None and loaded == SCHEMA.load(BASE)
    assert loaded["emails"] == ["Jane.Doe@example.com"]
    assert loaded["interactions"][0]["occurred_at"].isoformat() == "2020-02-08T12:00:00+00:00"


def test_lean_loader_falls_back_per_e_mail_not_per_item() -> None:
    raw = {**BASE, "emails": ["amélie@example.com"]}  # beyond the ASCII fast check
    assert LEAN.load(raw) == SCHEMA.load(raw)


@pytest.mark.parametrize("raw", [
    {"name": ""}, {"name": "x", "salary": 1}, {"name": "x", "emails": ["nope"]},
    {"name": "x", "interactions": [{"type": "email_sent"}]}, {"name": "x\x00"},
    {"name": "x", "role": "boss"}, {"name": "x", "tags": ["a"] * 51}, {"company": "x"},
    {"name": "x", "starred": 1}, {"name": None}, ["x"],
])
def test_lean_loader_declines_every_invalid_item(raw: Any) -> None:
    assert LEAN.load(raw) is None
    assert _full(raw)[0] == "error"


def test_schema_hooks_disable_the_lean_loader() -> None:
    class Hooked(Schema):
        name = fields.String()

        @post_load
        def _upper(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
            return {"name": data["name"].upper()}

    loader = LeanLoader(Hooked())
    assert not loader.enabled and loader.load({"name": "x"}) is None


def test_unknown_field_types_use_the_fields_own_deserialize() -> None:
    class Odd(Schema):
        n = fields.Integer(strict=True)
        when = fields.Date()

    loader = LeanLoader(Odd())
    assert loader.load({"n": 3, "when": "2020-01-02"}) == Odd().load({"n": 3, "when": "2020-01-02"})
    assert loader.load({"n": "3"}) is None
