"""Bad input of every kind is a 4xx envelope with field messages, never a 5xx (SPEC §6)."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import assert_error, li, make_contact

CONTACT_FIELDS = [
    "name", "first_name", "headline", "company", "title", "location", "timezone", "emails",
    "phones", "role", "notes", "avatar_url", "tags", "starred", "do_not_contact", "source",
    "archived", "profiles",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=60),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
HYPO = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.mark.parametrize("body, fields", [
    ({}, ["name"]),
    ({"name": 5}, ["name"]),
    ({"name": ""}, ["name"]),
    ({"name": "x" * 201}, ["name"]),
    ({"name": ["a"]}, ["name"]),
    ({"name": {"first": "a"}}, ["name"]),
    ({"name": "ok", "company": 12}, ["company"]),
    ({"name": "ok", "company": "c" * 201}, ["company"]),
    ({"name": "ok", "headline": "h" * 501}, ["headline"]),
    ({"name": "ok", "notes": "n" * 10_001}, ["notes"]),
    ({"name": "ok", "starred": "true"}, ["starred"]),
    ({"name": "ok", "starred": 1}, ["starred"]),
    ({"name": "ok", "archived": "no"}, ["archived"]),
    ({"name": "ok", "emails": {"a": "b"}}, ["emails"]),
    ({"name": "ok", "emails": "a@b.co"}, ["emails"]),
    ({"name": "ok", "emails": ["not-an-email"]}, ["emails"]),
    ({"name": "ok", "emails": ["a@b"]}, ["emails"]),
    ({"name": "ok", "emails": ["x" * 250 + "@example.com"]}, ["emails"]),
    ({"name": "ok", "emails": [5]}, ["emails"]),
    ({"name": "ok", "tags": "one"}, ["tags"]),
    ({"name": "ok", "tags": [""]}, ["tags"]),
    ({"name": "ok", "tags": ["t" * 51]}, ["tags"]),
    ({"name": "ok", "tags": ["t"] * 51}, ["tags"]),
    ({"name": "ok", "phones": [12345]}, ["phones"]),
    ({"name": "ok", "role": "ceo"}, ["role"]),
    ({"name": "ok", "role": None}, ["role"]),
    ({"name": "ok", "source": "scraper"}, ["source"]),
    ({"name": "ok", "timezone": "Mars/Olympus"}, ["timezone"]),
    ({"name": "ok", "timezone": "+02:00"}, ["timezone"]),
    ({"name": "ok", "avatar_url": "javascript:alert(1)"}, ["avatar_url"]),
    ({"name": "ok", "avatar_url": "ftp://example.com/a.png"}, ["avatar_url"]),
    ({"name": "ok", "avatar_url": "https://e.com/" + "a" * 2040}, ["avatar_url"]),
    ({"name": "ok", "profiles": {"url": "https://linkedin.com/in/a"}}, ["profiles"]),
    ({"name": "ok", "profiles": ["https://linkedin.com/in/a"]}, ["profiles"]),
    ({"name": "ok", "profiles": [{}]}, ["profiles"]),
    ({"name": "ok", "profiles": [{"url": "javascript:alert(1)"}]}, ["profiles"]),
    ({"name": "ok", "profiles": [{"url": "ftp://linkedin.com/in/a"}]}, ["profiles"]),
    ({"name": "ok", "profiles": [{"url": "https://linkedin.com/in/" + "a" * 2030}]},
     ["profiles"]),
    ({"name": "ok", "profiles": [{"url": li(), "network": "myspace"}]}, ["profiles"]),
    ({"name": "ok", "profiles": [{"url": li(), "extra": 1}]}, ["profiles"]),
    ({"name": "ok", "id": 3}, ["id"]),
    ({"name": "ok", "user_id": 3}, ["user_id"]),
    ({"name": "ok", "warmth": {"score": 100}}, ["warmth"]),
    ({"name": "a\u0000b"}, ["name"]),
    ('{"name": "ok", "notes": "\\ud800"}', ["notes"]),
    ('{"name": "ok", "tags": ["\\udfff"]}', ["tags"]),
])
def test_bad_contact_fields_are_422_with_field_messages(user, body, fields):
    before = user.get("/contacts").get_json()["items"]
    if isinstance(body, str):  # raw JSON text: the test client can't encode lone surrogates
        r = user.post("/contacts", data=body, headers={"Content-Type": "application/json"})
    else:
        r = user.post("/contacts", json=body)
    assert_error(r, 422, *fields)
    assert user.get("/contacts").get_json()["items"] == before


@pytest.mark.parametrize("raw, content_type", [
    (b"{not json", "application/json"),
    (b'{"name": "a",}', "application/json"),
    (b"", "application/json"),
    (b"[]", "application/json"),
    (b'[{"name": "a"}]', "application/json"),
    (b'"just a string"', "application/json"),
    (b"42", "application/json"),
    (b"null", "application/json"),
    (b"\xff\xfe{", "application/json"),
    (b"[" * 100_000, "application/json"),
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
    (b"name=x", "application/x-www-form-urlencoded"),
    (b'{"name": "x"}', "text/plain"),
    (b"", None),
])
def test_malformed_bodies_are_4xx(user, raw, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    for path in ("/contacts", "/contacts/bulk", "/tokens", "/opportunities"):
        r = user.post(path, data=raw, headers=headers)
        assert 400 <= r.status_code < 500, (path, r.status_code, r.get_data()[:300])
        assert_error(r, r.status_code)
    c = make_contact(user, "Target")
    r = user.patch(f"/contacts/{c['id']}", data=raw, headers=headers)
    assert 200 <= r.status_code < 500, r.get_data()[:300]


def test_malformed_json_says_so(user):
    body = assert_error(user.post("/contacts", data=b"{oops",
                                  headers={"Content-Type": "application/json"}), 400)
    assert "json" in body["message"].lower()


@given(field=st.sampled_from(CONTACT_FIELDS), value=json_values)
@HYPO
def test_any_json_in_any_contact_field_never_5xx(user, field, value):
    body = {"name": "Fuzz", field: value} if field != "name" else {"name": value}
    r = user.post("/contacts", json=body)
    assert r.status_code < 500, (body, r.get_data()[:500])
    if r.status_code >= 400:
        assert_error(r, r.status_code)


@given(body=json_values)
@HYPO
def test_any_json_body_never_5xx(user, body):
    for path in ("/contacts", "/contacts/bulk", "/opportunities", "/tokens"):
        r = user.post(path, json=body)
        assert r.status_code < 500, (path, body, r.get_data()[:500])


@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=250))
@HYPO
def test_any_text_is_stored_verbatim_or_rejected(user, text):
    r = user.post("/contacts", json={"name": text or "x", "notes": text, "company": text[:200]})
    assert r.status_code in (201, 422), r.get_data()[:300]
    if r.status_code == 201:
        got = user.get(f"/contacts/{r.get_json()['id']}").get_json()
        assert got["notes"] == text and got["company"] == text[:200]


@given(params=st.dictionaries(
    st.sampled_from(["q", "role", "band", "tag", "starred", "archived", "sort", "limit",
                     "cursor"]),
    st.text(alphabet=string.printable + "\u00e9\u0000", max_size=30), max_size=4))
@HYPO
def test_any_list_query_never_5xx(user, params):
    r = user.get("/contacts", query_string=params)
    assert r.status_code in (200, 422), (params, r.get_data()[:300])


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"])
def test_valid_timezones_accepted(user, tz):
    r = user.post("/contacts", json={"name": "Tz", "timezone": tz})
    assert r.status_code == 201 and r.get_json()["timezone"] == tz


def test_valid_email_is_normalised_and_phones_kept_as_written_when_unparseable(user):
    r = user.post("/contacts", json={"name": "E", "emails": ["  Jo.Doe@Example.COM "],
                                     "phones": ["ask reception"]})
    assert r.status_code == 201, r.get_json()
    c = r.get_json()
    assert c["emails"][0].lower() == "jo.doe@example.com"
    assert c["phones"] == ["ask reception"]


def test_error_envelope_shape_for_422(user):
    body = assert_error(user.post("/contacts", json={"name": 1, "role": "x", "bogus": 1}), 422)
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["status"] == "Unprocessable Entity"
    errors = json.dumps(body["errors"])
    for name in ("name", "role", "bogus"):
        assert name in errors


def test_method_not_allowed_and_unknown_path_use_the_envelope(user):
    assert_error(user.put("/contacts"), 405)
    assert_error(user.get("/no-such-thing"), 404)


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000])
def test_json_nested_too_deeply_is_a_400_not_a_500(user, body):
    answer = user.app.test_client().post(
        "/api/v1/contacts", data=body, headers={**user.headers, "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.get_data()[:200]
    assert answer.get_json()["message"] == "The body is not valid JSON."
