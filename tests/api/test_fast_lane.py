"""The fast lane (server/api/fast_lane.py) answers its four requests exactly as Flask's general
path does (status, body byte for byte, headers), hands everything unusual to Flask before
writing anything, and never lets a token see another user's data.

Every comparison sends the same request with the lane on and with
``app.config["THRICE_FAST_LANE"] = False``; a spy on the lane's ``flask_wsgi`` tells which path
answered.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from server.api.fast_lane import FastLane, plain_due_limit
from server.domain.nudges.context import MANAGER_ROLES
from server.extensions import db
from server.models import Contact, Nudge
from tests.api.test_hot_paths import _due_nudges
from tests.conftest import ApiUser, _make_app, new_user

ALLOWED = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
ALSO_ALLOWED = "moz-extension://0b5c8a52-7d3e-4f7e-9a51-0c1d2e3f4a5b"
FOREIGN = "https://evil.example"
UNKNOWN_TOKEN = "The token is unknown or revoked; create a new one."
NO_TOKEN = "Send 'Authorization: Bearer <token>'; create one with 'thrice user create EMAIL'."


# --- instruments --------------------------------------------------------------------------

class FlaskSpy:
    """Wraps the lane's `flask_wsgi`: records every request the lane handed to Flask."""

    def __init__(self, inner: Callable[..., Any]) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.calls.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
                          f"?{environ.get('QUERY_STRING', '')}")
        return self.inner(environ, start_response)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Callable[[Flask], FlaskSpy]:
    """spy(app): the app's FlaskSpy, installed for this test only."""
    installed: dict[int, FlaskSpy] = {}

    def install(app: Flask) -> FlaskSpy:
        if id(app) not in installed:
            lane = app.wsgi_app
            assert isinstance(lane, FastLane)
            installed[id(app)] = FlaskSpy(lane.flask_wsgi)
            monkeypatch.setattr(lane, "flask_wsgi", installed[id(app)])
        return installed[id(app)]

    return install


@contextmanager
def lane_off(app: Flask) -> Iterator[None]:
    missing = object()
    before = app.config.get("THRICE_FAST_LANE", missing)
    app.config["THRICE_FAST_LANE"] = False
    try:
        yield
    finally:
        if before is missing:
            app.config.pop("THRICE_FAST_LANE", None)
        else:
            app.config["THRICE_FAST_LANE"] = before


def send(user: ApiUser, method: str, path: str, *, auth: str | None = "user",
         **kwargs: Any) -> TestResponse:
    """A request as the extension sends it; auth="user" sends the user's token, None sends no
    Authorization header, anything else is sent as the header."""
    headers = dict(kwargs.pop("headers", {}))
    if auth == "user":
        headers["Authorization"] = f"Bearer {user.token}"
    elif auth is not None:
        headers["Authorization"] = auth
    url = path if path.startswith("/api/") else f"/api/v1{path}"
    return user.app.test_client().open(url, method=method, headers=headers, **kwargs)


def on_and_off(spy: Callable[[Flask], FlaskSpy], user: ApiUser, method: str, path: str, *,
               by_lane: bool, **kwargs: Any) -> tuple[TestResponse, TestResponse]:
    """The request's answers with the lane on and off; checks which path answered."""
    flask = spy(user.app)
    before = len(flask.calls)
    on = send(user, method, path, **kwargs)
    assert len(flask.calls) - before == (0 if by_lane else 1), flask.calls[before:]
    with lane_off(user.app):
        off = send(user, method, path, **kwargs)
    assert len(flask.calls) - before == (1 if by_lane else 2), flask.calls[before:]
    return on, off


def assert_same_answer(on: TestResponse, off: TestResponse) -> None:
    assert on.status_code == off.status_code, (on.get_data(), off.get_data())
    assert on.headers.get("Content-Type") == off.headers.get("Content-Type")
    assert on.get_json() == off.get_json()
    assert on.get_data() == off.get_data()  # same encoder, key order and trailing newline
    assert sorted(on.headers.items()) == sorted(off.headers.items())


def same_both_ways(spy: Callable[[Flask], FlaskSpy], user: ApiUser, method: str, path: str, *,
                   by_lane: bool = True, **kwargs: Any) -> TestResponse:
    on, off = on_and_off(spy, user, method, path, by_lane=by_lane, **kwargs)
    assert_same_answer(on, off)
    return on


def comparable(view: dict[str, Any], tag: str) -> Any:
    """A contact's view without what differs between two saves of two people built from one
    template (ids, timestamps, and the per-person tag in names, e-mails and URLs)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()
                    if k not in {"id", "created_at", "updated_at", "computed_at"}}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.loads(json.dumps(strip(view)).replace(tag, "TAG"))


def person(tag: str, **extra: Any) -> dict[str, Any]:
    return {"name": f"Pat {tag}", "headline": "Builds things", "company": "Initech",
            "title": "Engineer", "location": "Boston", "timezone": "America/New_York",
            "emails": [f"Pat.{tag}@Example.com", f"pat.{tag}@example.com"],
            "phones": ["(415) 555-0134", "415.555.0199", "+44 20 7946 0000"],
            "notes": "met at PyCon", "avatar_url": f"https://example.com/{tag}.png",
            "tags": ["lead", " lead ", "pycon"], "starred": True,
            "profiles": [{"url": f"https://www.linkedin.com/in/Pat-{tag}/"},
                         {"url": f"http://github.com/pat-{tag}"}], **extra}


def new_tag() -> str:
    return f"t{secrets.token_hex(4)}"


def count_contacts(user: ApiUser) -> int:
    with user.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact)
                                 .where(Contact.user_id == user.id))


# --- an app with a phone region and CORS origins, on both databases ----------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def configured_app(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance = tmp_path_factory.mktemp("fast-lane")
    url = (f"sqlite:///{instance / 'fast-lane.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    return _make_app(url, instance, cors_origins=[ALLOWED, ALSO_ALLOWED], phone_region="US")


@pytest.fixture
def member(configured_app: Flask) -> ApiUser:
    return new_user(configured_app)


# --- the popup's list ----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "?state=due", "?limit=1", "?state=due&limit=200",
                                   "?limit=50&state=due"])
def test_an_empty_popup_list_is_flasks(spy, user, query):
    answer = same_both_ways(spy, user, "GET", f"/nudges{query}")
    assert answer.status_code == 200 and answer.get_json() == {"items": [], "next": None}


def test_a_popup_list_with_due_nudges_is_flasks_and_its_cursor_walks_the_same(spy, user):
    _due_nudges(user, 4)
    for query in ("", "?state=due", "?limit=2", "?state=due&limit=4", "?limit=200"):
        answer = same_both_ways(spy, user, "GET", f"/nudges{query}")
        assert answer.status_code == 200
    everything = send(user, "GET", "/nudges").get_json()
    assert len(everything["items"]) == 4 and everything["next"] is None

    # limit=1: the lane's `next` cursor is Flask's, and following it pages the same way.
    walked: list[int] = []
    first = same_both_ways(spy, user, "GET", "/nudges?limit=1").get_json()
    page = first
    while True:
        assert len(page["items"]) == 1
        walked.append(page["items"][0]["id"])
        if page["next"] is None:
            break
        # A cursor is unusual: Flask answers it whether the lane is on or off.
        page = same_both_ways(spy, user, "GET", f"/nudges?limit=1&cursor={page['next']}",
                              by_lane=False).get_json()
    assert walked == [n["id"] for n in everything["items"]]


# --- the badge ---------------------------------------------------------------------------

def test_the_badge_summary_is_flasks(spy, user):
    empty = same_both_ways(spy, user, "GET", "/nudges/summary")
    assert empty.get_json() == {"due": 0, "overdue": 0, "next_due_at": None}
    _due_nudges(user, 3)
    until = datetime.now(UTC) + timedelta(hours=3, microseconds=11)
    with user.app.app_context():
        row = db.session.scalars(select(Nudge).where(Nudge.user_id == user.id)
                                 .order_by(Nudge.id)).first()
        row.state, row.snoozed_until = "snoozed", until
        db.session.commit()
    summary = same_both_ways(spy, user, "GET", "/nudges/summary").get_json()
    assert summary["due"] == 2
    assert summary["next_due_at"] == until.isoformat().replace("+00:00", "Z")


# --- lookup --------------------------------------------------------------------------------

def test_lookup_found_is_flasks_in_every_form_of_the_url(spy, user):
    tag = new_tag()
    saved = send(user, "POST", "/contacts", json={
        "name": "Lu Lookup", "emails": ["lu@example.com"], "tags": ["x"],
        "profiles": [{"url": f"https://linkedin.com/in/lu-{tag}"},
                     {"url": f"https://github.com/lu-{tag}"}]}).get_json()
    read = send(user, "GET", f"/contacts/{saved['id']}").get_json()
    for url in (f"https://linkedin.com/in/lu-{tag}", f"https://www.linkedin.com/in/LU-{tag}/",
                f"http://de.linkedin.com/in/lu-{tag}?trk=abc", f"linkedin.com/in/lu-{tag}",
                f"https://GitHub.com/Lu-{tag}/"):
        found = same_both_ways(spy, user, "GET", "/contacts/lookup", query_string={"url": url})
        assert found.status_code == 200, url
        assert found.get_json() == read, url


def test_lookup_not_found_is_flasks_404_envelope(spy, user):
    missing = same_both_ways(spy, user, "GET", "/contacts/lookup",
                             query_string={"url": f"https://github.com/{new_tag()}"})
    assert missing.status_code == 404
    assert missing.get_json() == {"code": 404, "status": "Not Found",
                                  "message": "Contact not found."}


# --- saving a new contact ------------------------------------------------------------------

def test_a_new_contact_saved_by_the_lane_is_what_flask_saves(spy, member):
    app = member.app
    lane_tag, flask_tag = new_tag(), new_tag()
    flask = spy(app)

    before = len(flask.calls)
    by_lane = send(member, "POST", "/contacts", json=person(lane_tag))
    assert len(flask.calls) == before, flask.calls[before:]  # the lane answered
    assert by_lane.status_code == 201, by_lane.get_json()
    created = by_lane.get_json()
    # What a read right after shows is what the lane answered.
    assert send(member, "GET", f"/contacts/{created['id']}").get_json() == created

    before = len(flask.calls)
    with lane_off(app):
        by_flask = send(member, "POST", "/contacts", json=person(flask_tag))
    assert len(flask.calls) == before + 1
    assert by_flask.status_code == 201, by_flask.get_json()
    general = by_flask.get_json()
    assert by_lane.headers["Content-Type"] == by_flask.headers["Content-Type"]
    assert list(created) == list(general)  # same keys, same order
    assert comparable(created, lane_tag) == comparable(general, flask_tag)
    # ... and so are both read back later (the general path's jobs have run by now).
    assert (comparable(send(member, "GET", f"/contacts/{created['id']}").get_json(), lane_tag)
            == comparable(send(member, "GET", f"/contacts/{general['id']}").get_json(),
                          flask_tag))

    # The app's phone region applies on the lane: stored E.164, as the general path stores.
    e164 = ["+14155550134", "+14155550199", "+442079460000"]
    assert created["phones"] == general["phones"] == e164
    assert created["emails"] == [f"Pat.{lane_tag}@example.com"]
    assert created["tags"] == ["lead", "pycon"]
    with app.app_context():
        rows = {c.id: c for c in db.session.scalars(
            select(Contact).where(Contact.id.in_([created["id"], general["id"]])))}
        assert rows[created["id"]].phones == rows[general["id"]].phones == e164
        assert rows[created["id"]].dirty_at is None
    # Nothing for either to do: no nudge for a contact without history.
    for cid in (created["id"], general["id"]):
        assert send(member, "GET", f"/nudges?state=all&contact_id={cid}").get_json()[
            "items"] == []


def test_the_created_answers_warmth_is_flasks(member):
    tag = new_tag()
    by_lane = send(member, "POST", "/contacts", json={"name": f"Wa {tag}"}).get_json()
    with lane_off(member.app):
        by_flask = send(member, "POST", "/contacts", json={"name": f"Wa {tag}"}).get_json()
    assert comparable(by_lane, tag) == comparable(by_flask, tag)


# (body with TAG for the per-person part, answered by the lane?)
EDGE_BODIES = [
    ({"name": "  Spaced  Name  TAG "}, True), ({"name": "X TAG", "company": None}, True),
    ({"name": "X TAG", "first_name": "Xavier"}, True),
    ({"name": "X TAG", "first_name": None}, True),
    ({"name": "X TAG", "first_name": ""}, True), ({"name": "X TAG", "source": "import"}, True),
    ({"name": "X TAG", "archived": True, "do_not_contact": True}, True),
    ({"name": "X TAG", "phones": ["call me"]}, True),
    ({"name": "X TAG", "phones": ["555-0134"]}, True),
    ({"name": "X TAG", "phones": ["  +1 415 555 0134  ", "+14155550134", "4155550134"]}, True),
    ({"name": "X TAG", "tags": ["  ", "b", "a", "b"]}, True),
    ({"name": "X TAG", "emails": ["A@B.COM", "a@b.com", " c@d.com ", "ü@exämple.com"]}, True),
    ({"name": "X TAG", "emails": [], "phones": [], "tags": [], "profiles": []}, True),
    ({"name": "X TAG", "profiles": [{"url": "https://github.com/TAG"},
                                    {"url": "https://www.github.com/TAG/"}]}, True),
    ({"name": "X TAG", "profiles": [{"url": "https://github.com/TAG", "network": "github"}]},
     True),
    ({"name": "X TAG", "profiles": [{"url": "https://example.com/TAG"}]}, True),
    ({"name": "X TAG", "role": "recruiter"}, True), ({"name": "X TAG", "timezone": "UTC"}, True),
    ({"name": "X TAG", "avatar_url": "HTTPS://EXAMPLE.COM/TAG.png"}, True),
    ({"name": "X TAG", "notes": "a\r\nb", "company": " "}, True),
    ({"name": "TAG" + "x" * 190}, True), ({"name": "😀 TAG"}, True), ({"name": "\u200b"}, True),
    ({"name": "X TAG", "headline": "h" * 500}, True),
    ({"name": "X\u0000Y TAG"}, False), ({"name": "X TAG", "extra": 1}, False),
    ({"name": "X TAG", "source": "linkedin"}, False),
    ({"name": "X TAG", "tags": ["a" * 51]}, False),
    ({"name": "X TAG", "profiles": [{"url": "https://github.com/TAG", "handle": "h"}]}, False),
    ({"name": "X TAG", "profiles": [{"url": "https://github.com/TAG", "extra": 1}]}, False),
    ({"name": "X TAG", "profiles": [None]}, False), ({"name": "X TAG", "profiles": [{}]}, False),
    ({"name": "X TAG", "role": None}, False), ({"name": "X TAG", "role": "ceo"}, False),
    ({"name": "X TAG", "timezone": "europe/london"}, False),
    ({"name": "X TAG", "timezone": ""}, False),
    ({"name": "X TAG", "avatar_url": "javascript:1"}, False),
    ({"name": "X TAG", "starred": "true"}, False), ({"name": "X TAG", "starred": None}, False),
    ({"name": "X" * 201}, False), ({"name": 5}, False), ({"name": None}, False),
    ({"name": "X TAG", "tags": None}, False), ({"name": "X TAG", "emails": None}, False),
    ({"name": "X TAG", "id": 5}, False), ({"name": "X TAG", "created_at": "2020-01-01"}, False),
    ({"name": "X TAG", "big": 10**30}, False),
]


@pytest.mark.parametrize(("template", "by_lane"), EDGE_BODIES)
def test_edge_bodies_are_answered_as_flask_answers_them(spy, member, template, by_lane):
    flask = spy(member.app)
    answers = []
    for lane in (True, False):
        tag = new_tag()
        body = json.loads(json.dumps(template).replace("TAG", tag))
        before = len(flask.calls)
        if lane:
            answer = send(member, "POST", "/contacts", json=body)
            assert len(flask.calls) - before == (0 if by_lane else 1)
        else:
            with lane_off(member.app):
                answer = send(member, "POST", "/contacts", json=body)
        view = answer.get_json()
        if answer.status_code == 201:
            view = comparable(view, tag)
        answers.append((answer.status_code, answer.headers["Content-Type"], view))
    assert answers[0] == answers[1]
    assert answers[0][0] == (201 if by_lane else 422)


def test_a_charset_in_the_content_type_still_takes_the_lane(spy, user):
    flask = spy(user.app)
    answer = send(user, "POST", "/contacts", data=json.dumps({"name": "Cy Charset"}),
                  content_type="application/json; charset=utf-8")
    assert answer.status_code == 201 and flask.calls == []


def test_saving_a_known_url_goes_to_flask_and_updates(spy, user):
    flask = spy(user.app)
    answers: dict[bool, tuple[dict[str, Any], dict[str, Any], str]] = {}
    for lane in (True, False):
        tag = new_tag()
        first = send(user, "POST", "/contacts", json={
            "name": f"Gi {tag}", "profiles": [{"url": f"https://github.com/gi-{tag}"}]})
        assert first.status_code == 201
        before = len(flask.calls)
        second_body = {"name": f"Gi {tag}", "title": "Admiral", "tags": ["navy"],
                       "profiles": [{"url": f"http://www.github.com/Gi-{tag}/"},
                                    {"url": f"https://x.com/gi_{tag}"}]}
        if lane:
            second = send(user, "POST", "/contacts", json=second_body)
        else:
            with lane_off(user.app):
                second = send(user, "POST", "/contacts", json=second_body)
        assert len(flask.calls) == before + 1  # Flask answered, lane on or off
        assert second.status_code == 200, second.get_json()
        updated = second.get_json()
        assert updated["id"] == first.get_json()["id"]
        assert updated["title"] == "Admiral" and updated["tags"] == ["navy"]
        assert [p["url"] for p in updated["profiles"]] == [
            f"https://github.com/gi-{tag}", f"https://x.com/gi_{tag}"]
        answers[lane] = (updated, second.headers, tag)
    (on, on_headers, on_tag), (off, off_headers, off_tag) = answers[True], answers[False]
    assert comparable(on, on_tag) == comparable(off, off_tag)
    assert on_headers["Content-Type"] == off_headers["Content-Type"]
    assert count_contacts(user) == 2


@pytest.mark.parametrize("role", sorted(MANAGER_ROLES))
def test_a_manager_goes_to_flask(spy, user, role):
    flask = spy(user.app)
    views = []
    for lane in (True, False):
        tag = new_tag()
        body = {"name": f"Hal {tag}", "role": role, "profiles": [{"url": f"https://x.com/{tag}"}]}
        before = len(flask.calls)
        if lane:
            answer = send(user, "POST", "/contacts", json=body)
        else:
            with lane_off(user.app):
                answer = send(user, "POST", "/contacts", json=body)
        assert len(flask.calls) == before + 1
        assert answer.status_code == 201, answer.get_json()
        saved = answer.get_json()
        assert saved["role"] == role
        nudges = send(user, "GET", f"/nudges?state=all&contact_id={saved['id']}").get_json()
        assert [n["rule"] for n in nudges["items"]] == ["R7"]  # the warm-up nudge was made
        views.append(comparable(saved, tag))
    assert views[0] == views[1]


# --- what the lane hands to Flask, answered as Flask answers it ----------------------------------

UNUSUAL_GETS = [
    "/nudges?cursor=", "/nudges?state=snoozed", "/nudges?state=all", "/nudges?limit=2&limit=3",
    "/nudges?limit=0", "/nudges?limit=201", "/nudges?limit=07x", "/nudges?limit=-1",
    "/nudges?limit=%EF%BC%93", "/nudges?foo=1", "/nudges?state=due&state=due", "/nudges?limit",
    "/nudges?state=due&rule=R2", "/nudges?contact_id=1",
    "/contacts/lookup", "/contacts/lookup?url=", "/contacts/lookup?url=javascript:alert(1)",
    "/contacts/lookup?url=https://github.com/a&url=https://github.com/b",
    "/contacts/lookup?url=https://github.com/a&foo=1", "/contacts/lookup?url=https://github.com/a%00",
    "/contacts/lookup?url=https://github.com/" + "a" * 2100,
]


@pytest.mark.parametrize("path", UNUSUAL_GETS)
def test_unusual_reads_go_to_flask(spy, user, path):
    same_both_ways(spy, user, "GET", path, by_lane=False)


@pytest.mark.parametrize(("auth", "message"), [
    (None, NO_TOKEN), ("", NO_TOKEN), ("Bearer", NO_TOKEN), ("Bearer   ", NO_TOKEN),
    ("Basic dXNlcjpwYXNz", NO_TOKEN), ("Bearer not-a-real-token", UNKNOWN_TOKEN),
    ("Bearer " + "x" * 5000, UNKNOWN_TOKEN),
])
@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/nudges"), ("GET", "/nudges/summary"),
    ("GET", "/contacts/lookup?url=https://github.com/someone"), ("POST", "/contacts"),
])
def test_a_missing_or_bad_token_gets_flasks_401(spy, user, auth, message, method, path):
    kwargs = {"json": {"name": "Tok"}} if method == "POST" else {}
    answer = same_both_ways(spy, user, method, path, by_lane=False, auth=auth, **kwargs)
    assert answer.status_code == 401
    assert answer.get_json()["message"] == message
    assert count_contacts(user) == 0


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"data": '{"name": "Text Plain"}', "content_type": "text/plain"}, None),
    ({"data": '{"name": "No type"}'}, None),
    ({"data": '{"name": "Form"}', "content_type": "application/x-www-form-urlencoded"}, None),
    ({"data": '{"name": "Broken"', "content_type": "application/json"}, 400),
    ({"data": "", "content_type": "application/json"}, None),
    ({"data": "null", "content_type": "application/json"}, None),
    ({"json": ["Ann List"]}, 422),
    ({"json": "Ann String"}, 422),
    ({"json": 7}, 422),
    ({"json": {}}, 422),
    ({"json": {"name": ""}}, 422),
    ({"json": {"nom": "Ann"}}, 422),
    ({"json": {"name": "Ann", "emails": ["not-an-email"]}}, 422),
    ({"json": {"name": "Ann", "starred": 1}}, 422),
    ({"json": {"name": "Ann", "profiles": [{"url": "ftp://nope"}]}}, 422),
    ({"json": {"name": "Ann", "phones": [""]}}, 422),
    ({"json": {"name": "Ann", "timezone": "Mars/Olympus"}}, 422),
])
def test_unusual_bodies_go_to_flask_and_store_nothing(spy, user, kwargs, status):
    answer = same_both_ways(spy, user, "POST", "/contacts", by_lane=False, **kwargs)
    assert answer.status_code >= 400, answer.get_json()
    if status is not None:
        assert answer.status_code == status
    body = answer.get_json()
    assert body["code"] == answer.status_code and body["message"]
    assert count_contacts(user) == 0


@pytest.mark.parametrize("raw", [
    json.dumps({"name": "Pad Big"}) + " " * (64 * 1024),  # valid, but over the lane's 64 KiB
    "\ufeff" + json.dumps({"name": "Bo Bom"}),  # orjson refuses a BOM; Flask's loader reads it
], ids=["over-64KiB", "bom"])
def test_bodies_the_lane_leaves_to_flask_are_saved_by_flask(spy, user, raw):
    flask = spy(user.app)
    answer = send(user, "POST", "/contacts", data=raw.encode(), content_type="application/json")
    assert len(flask.calls) == 1
    with lane_off(user.app):
        general = send(user, "POST", "/contacts", data=raw.encode(),
                       content_type="application/json")
    assert answer.status_code == general.status_code, (answer.get_json(), general.get_json())
    assert answer.headers["Content-Type"] == general.headers["Content-Type"]
    if answer.status_code == 201:
        assert comparable(answer.get_json(), "\0") == comparable(general.get_json(), "\0")


def test_a_body_just_under_the_lanes_limit_takes_the_lane(spy, user):
    flask = spy(user.app)
    raw = json.dumps({"name": "Pad Small"})
    raw += " " * (64 * 1024 - len(raw))
    answer = send(user, "POST", "/contacts", data=raw, content_type="application/json")
    assert answer.status_code == 201 and flask.calls == []


# --- tokens and users ----------------------------------------------------------------------

LANE_READS = [("GET", "/nudges"), ("GET", "/nudges/summary"),
              ("GET", "/contacts/lookup?url=https://github.com/revoked-case")]


def _lane_requests_are_refused(spy, user: ApiUser) -> None:
    flask = spy(user.app)
    for method, path in [*LANE_READS, ("POST", "/contacts")]:
        kwargs = {"json": {"name": "After", "profiles": [{"url": f"https://x.com/{new_tag()}"}]}
                  } if method == "POST" else {}
        before = len(flask.calls)
        answer = send(user, method, path, **kwargs)
        assert answer.status_code == 401, (path, answer.get_json())
        assert answer.get_json()["message"] == UNKNOWN_TOKEN
        assert len(flask.calls) == before + 1  # Flask words it


def test_a_revoked_token_is_refused_at_once(spy, user):
    kept = send(user, "POST", "/contacts", json={
        "name": "Kept", "profiles": [{"url": "https://github.com/revoked-case"}]})
    assert kept.status_code == 201
    for method, path in LANE_READS:  # the lane served this token a moment ago
        assert send(user, method, path).status_code == 200
    own = send(user, "GET", "/tokens").get_json()["items"]
    assert len(own) == 1
    assert send(user, "DELETE", f"/tokens/{own[0]['id']}").status_code == 204
    _lane_requests_are_refused(spy, user)
    with user.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)
                                 .where(Contact.user_id == user.id)) == 1


def test_an_erased_users_token_is_refused_at_once(spy, user):
    _due_nudges(user, 1)
    assert send(user, "GET", "/nudges/summary").get_json()["due"] == 1
    assert send(user, "DELETE", "/me").status_code == 204
    _lane_requests_are_refused(spy, user)
    assert count_contacts(user) == 0


def test_the_lane_keeps_users_apart(spy, make_user):
    alice, bob = make_user(), make_user()
    _due_nudges(alice, 2)
    url = f"https://linkedin.com/in/alice-{new_tag()}"
    mine = send(alice, "POST", "/contacts", json={"name": "Alice's", "profiles": [{"url": url}]})
    assert mine.status_code == 201
    assert send(alice, "GET", "/contacts/lookup", query_string={"url": url}).status_code == 200
    assert len(send(alice, "GET", "/nudges").get_json()["items"]) == 2
    assert send(alice, "GET", "/nudges/summary").get_json()["due"] == 2

    assert same_both_ways(spy, bob, "GET", "/contacts/lookup",
                          query_string={"url": url}).status_code == 404
    assert same_both_ways(spy, bob, "GET", "/nudges").get_json() == {"items": [], "next": None}
    assert same_both_ways(spy, bob, "GET", "/nudges?limit=1").get_json()["items"] == []
    assert same_both_ways(spy, bob, "GET", "/nudges/summary").get_json() == {
        "due": 0, "overdue": 0, "next_due_at": None}
    # Bob saving Alice's URL makes Bob's own contact (on the lane) and leaves Alice's alone.
    flask = spy(bob.app)
    before = len(flask.calls)
    his = send(bob, "POST", "/contacts", json={"name": "Bob's copy", "title": "Spy",
                                               "profiles": [{"url": url}]})
    assert his.status_code == 201 and len(flask.calls) == before
    assert his.get_json()["id"] != mine.get_json()["id"]
    again = send(alice, "GET", "/contacts/lookup", query_string={"url": url}).get_json()
    assert again["id"] == mine.get_json()["id"] and again["title"] is None
    assert send(bob, "GET", "/contacts/lookup",
                query_string={"url": url}).get_json()["id"] == his.get_json()["id"]


# --- CORS ----------------------------------------------------------------------------------

CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
                "Access-Control-Expose-Headers", "Vary")


def _cors(answer: TestResponse) -> dict[str, list[str]]:
    return {name: answer.headers.getlist(name) for name in CORS_HEADERS}


@pytest.mark.parametrize("origin", [
    ALLOWED, ALSO_ALLOWED, ALLOWED.upper().replace("CHROME-EXTENSION", "chrome-extension"),
    FOREIGN, "null",
    None,  # flask-cors (always_send) answers without an Origin too
])
def test_cors_headers_are_flasks(spy, member, origin):
    headers = {} if origin is None else {"Origin": origin}
    for path in ("/nudges", "/nudges/summary", "/nudges?limit=1"):
        answer = same_both_ways(spy, member, "GET", path, headers=headers)
        assert answer.status_code == 200
    found = same_both_ways(spy, member, "GET", "/contacts/lookup", headers=headers,
                           query_string={"url": f"https://github.com/{new_tag()}"})
    assert found.status_code == 404
    # Two saves of two new people: same status and CORS headers.
    flask = spy(member.app)
    before = len(flask.calls)
    on = send(member, "POST", "/contacts", headers=headers, json=person(new_tag()))
    assert len(flask.calls) == before
    with lane_off(member.app):
        off = send(member, "POST", "/contacts", headers=headers, json=person(new_tag()))
    assert len(flask.calls) == before + 1
    assert on.status_code == off.status_code == 201
    assert on.headers["Content-Type"] == off.headers["Content-Type"]
    assert _cors(on) == _cors(off)
    if origin in (ALLOWED, ALSO_ALLOWED):
        assert on.headers.getlist("Access-Control-Allow-Origin") == [origin]
        assert on.headers.getlist("Vary") == ["Origin"]
    if origin in (FOREIGN, "null"):
        assert "Access-Control-Allow-Origin" not in on.headers


def test_cors_headers_on_what_the_lane_hands_to_flask(spy, member):
    """The handed-over requests get flask-cors' headers from Flask, lane on or off."""
    for headers in ({"Origin": ALLOWED}, {"Origin": FOREIGN}):
        answer = same_both_ways(spy, member, "GET", "/nudges?cursor=", by_lane=False,
                                headers=headers)
        assert answer.status_code == 200
        refused = same_both_ways(spy, member, "GET", "/nudges", by_lane=False,
                                 headers=headers, auth="Bearer nope")
        assert refused.status_code == 401


# --- plain_due_limit -----------------------------------------------------------------------

@pytest.mark.parametrize(("query", "limit"), [
    ("", 50), ("state=due", 50), ("limit=7", 7), ("state=due&limit=200", 200),
    ("limit=1&state=due", 1), ("limit=1", 1), ("limit=200", 200),
])
def test_plain_due_limit_of_plain_queries(query, limit):
    assert plain_due_limit(query) == limit


@pytest.mark.parametrize("query", [
    "limit=201", "limit=0", "limit=07x", "limit=-1", "limit=+5", "limit= 5", "limit=",
    "limit=\uff13", "limit=\u0663", "limit=5&limit=5", "state=due&state=due", "cursor=",
    "cursor=abc", "state=snoozed", "state=DUE", "state=", "state", "foo=1", "limit",
    "state=due&foo=1", "&", "state=due&", "rule=R2", "contact_id=1",
])
def test_plain_due_limit_refuses_anything_else(query):
    assert plain_due_limit(query) is None
