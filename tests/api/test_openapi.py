"""OpenAPI document and docs page (SPEC §6)."""

from __future__ import annotations

import json

SPEC_PATHS = {
    "/api/v1/health": {"get"},
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{token_id}": {"delete"},
    "/api/v1/me": {"get", "patch", "delete"},
    "/api/v1/me/export": {"get"},
    "/api/v1/contacts": {"get", "post"},
    "/api/v1/contacts/lookup": {"get"},
    "/api/v1/contacts/bulk": {"post"},
    "/api/v1/contacts/{contact_id}": {"get", "patch", "delete"},
    "/api/v1/contacts/{contact_id}/warmth": {"get"},
    "/api/v1/contacts/{contact_id}/merge": {"post"},
    "/api/v1/contacts/{contact_id}/interactions": {"get", "post"},
    "/api/v1/merge-suggestions": {"get"},
    "/api/v1/interactions/{interaction_id}": {"patch", "delete"},
    "/api/v1/opportunities": {"get", "post"},
    "/api/v1/opportunities/{opportunity_id}": {"get", "patch", "delete"},
    "/api/v1/opportunities/{opportunity_id}/contacts": {"post"},
}


def test_openapi_lists_every_path_with_bearer_security(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = json.loads(r.get_data(as_text=True))
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, methods in SPEC_PATHS.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())
    assert doc.get("security") and list(doc["security"][0]) == [next(iter(schemes))]
    # Health is public.
    assert paths["/api/v1/health"]["get"].get("security") == []
    # Ids are documented as integers.
    params = paths["/api/v1/contacts/{contact_id}"]["parameters"]
    assert params[0]["schema"]["type"] == "integer"
    # Everything that is documented is routed.
    assert all(p.startswith("/api/v1/") for p in paths)


def test_docs_page(client):
    r = client.get("/api/docs")
    assert r.status_code == 200
    assert b"swagger" in r.get_data().lower()
