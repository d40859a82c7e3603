def test_health_needs_no_token(client):
    body = client.get("/api/v1/health").get_json()
    assert body == {"status": "ok", "database": "ok", "queue": "inline"}


def test_save_then_lookup(user):
    r = user.post("/contacts", json={"name": "Dana", "profiles": [{"url": "https://www.linkedin.com/in/Dana/"}]})
    assert r.status_code == 201
    assert user.get("/contacts/lookup", query_string={"url": "linkedin.com/in/dana"}).get_json()["id"] == r.get_json()["id"]
