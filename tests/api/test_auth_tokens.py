"""Bearer authentication and the token endpoints (SPEC §6)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.extensions import db
from server.models import ApiToken, utcnow
from tests.api.helpers import assert_error


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer not-a-real-token",
        "Bearer " + "x" * 5000,
    ],
)
def test_bad_or_missing_token_is_401_envelope(client, user, header):
    headers = {} if header is None else {"Authorization": header}
    for path in ("/api/v1/contacts", "/api/v1/me", "/api/v1/tokens"):
        body = assert_error(client.get(path, headers=headers), 401)
        assert "token" in body["message"].lower() or "bearer" in body["message"].lower()
    assert_error(client.post("/api/v1/contacts", json={"name": "x"}, headers=headers), 401)


def test_health_is_public_and_everything_else_needs_a_token(client):
    assert client.get("/api/v1/health").status_code == 200
    assert_error(client.get("/api/v1/contacts/lookup?url=https://linkedin.com/in/x"), 401)
    assert_error(client.get("/api/v1/merge-suggestions"), 401)
    assert_error(client.get("/api/v1/opportunities"), 401)


def test_scheme_is_case_insensitive(client, user):
    r = client.get("/api/v1/me", headers={"Authorization": f"bearer {user.token}"})
    assert r.status_code == 200


def test_post_tokens_shows_the_token_once_and_stores_its_sha256(app, user):
    r = user.post("/tokens", json={"name": "laptop"})
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) >= {"id", "name", "token"}
    assert body["name"] == "laptop"
    raw = body["token"]
    assert len(raw) >= 43  # 256 bits in base64url

    listed = user.get("/tokens").get_json()
    assert listed["next"] is None
    names = [t["name"] for t in listed["items"]]
    assert names == ["tests", "laptop"]
    assert all("token" not in t for t in listed["items"])
    assert raw not in user.get("/tokens").get_data(as_text=True)

    with app.app_context():
        row = db.session.get(ApiToken, body["id"])
        assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in row.token_hash
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
        assert raw not in stored

    # The new token works on its own.
    me = user.get("/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.get_json()["id"] == user.id


def test_two_tokens_differ(user):
    a = user.post("/tokens", json={"name": "a"}).get_json()["token"]
    b = user.post("/tokens", json={"name": "a"}).get_json()["token"]
    assert a != b


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 5},
                                  {"name": "ok", "extra": 1}, {"name": None}])
def test_post_tokens_validation(user, body):
    assert_error(user.post("/tokens", json=body), 422)


def test_delete_revokes(client, user):
    created = user.post("/tokens", json={"name": "phone"}).get_json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert user.delete(f"/tokens/{created['id']}").status_code == 204
    assert_error(client.get("/api/v1/me", headers=headers), 401)
    assert created["id"] not in [t["id"] for t in user.get("/tokens").get_json()["items"]]
    assert_error(user.delete(f"/tokens/{created['id']}"), 404)
    # The other token is untouched.
    assert user.get("/me").status_code == 200


def test_a_token_can_revoke_itself(client, user):
    own_id = user.get("/tokens").get_json()["items"][0]["id"]
    assert user.delete(f"/tokens/{own_id}").status_code == 204
    assert_error(user.get("/me"), 401)


def test_last_used_at_is_set_and_not_rewritten_within_a_minute(app, user):
    def stored() -> object:
        with app.app_context():
            return db.session.scalar(select(ApiToken.last_used_at)
                                     .where(ApiToken.user_id == user.id))

    assert stored() is None
    assert user.get("/me").status_code == 200
    first = stored()
    assert first is not None
    assert abs(utcnow() - first) < timedelta(minutes=1)
    user.get("/me")
    user.get("/contacts")
    assert stored() == first
    listed = user.get("/tokens").get_json()["items"][0]
    assert listed["last_used_at"] is not None

    # Once more than a minute has passed it is written again.
    old = first - timedelta(minutes=2)
    with app.app_context():
        db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                           .values(last_used_at=old))
        db.session.commit()
    user.get("/me")
    assert stored() > old + timedelta(minutes=1)


def test_token_ids_in_paths(user):
    for path in ("/tokens/abc", "/tokens/0", "/tokens/99999999999999999999", "/tokens/-1"):
        assert_error(user.delete(path), 404)
