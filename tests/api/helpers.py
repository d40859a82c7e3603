"""Small helpers shared by the API tests."""

from __future__ import annotations

import secrets
from typing import Any

from tests.conftest import ApiUser


def li(slug: str | None = None) -> str:
    """A fresh LinkedIn profile URL (canonical form)."""
    return f"https://linkedin.com/in/{slug or 'p-' + secrets.token_hex(5)}"


def save(user: ApiUser, name: str = "Dana Doe", url: str | None = None, **fields: Any) -> Any:
    body: dict[str, Any] = {"name": name, **fields}
    if url is not None and "profiles" not in body:
        body["profiles"] = [{"url": url}]
    return user.post("/contacts", json=body)


def make_contact(user: ApiUser, name: str = "Dana Doe", url: str | None = None,
                 **fields: Any) -> dict[str, Any]:
    r = save(user, name, url or li(), **fields)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def same_contact(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal views apart from warmth, which derived work may refresh between two reads."""
    return {**a, "warmth": None} == {**b, "warmth": None}


def assert_error(r: Any, code: int, *fields: str) -> dict[str, Any]:
    """The response is the error envelope with this code, naming these fields somewhere."""
    assert r.status_code == code, (r.status_code, r.get_data(as_text=True)[:500])
    body = r.get_json()
    assert isinstance(body, dict), r.get_data(as_text=True)[:200]
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    if fields:
        text = repr(body.get("errors"))
        for name in fields:
            assert f"'{name}'" in text, (name, body)
    return body


def walk(user: ApiUser, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a cursor-paginated list, following `next` to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = user.get(path, query_string=query)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        items.extend(body["items"])
        cursor = body["next"]
        if cursor is None:
            return items
        assert body["items"], "a page with a next cursor must not be empty"
    raise AssertionError("pagination did not end")
