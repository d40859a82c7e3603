"""Concurrent saves of one URL make one contact (SPEC §3, §9), on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from server.extensions import db
from server.models import Contact, Profile

SAVES = 100
WORKERS = 24  # below the PostgreSQL pool (10 + 20 overflow): each request holds a connection


def _count(app, model, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.user_id == user_id))


def test_parallel_saves_of_one_url_make_one_contact(app, user):
    slug = f"race-{secrets.token_hex(4)}"
    variants = [f"https://www.linkedin.com/in/{slug}/", f"https://linkedin.com/in/{slug.upper()}",
                f"https://de.linkedin.com/in/{slug}?trk=x"]
    start = threading.Barrier(WORKERS)

    def save(i: int) -> tuple[int, int | None]:
        if i < WORKERS:
            start.wait(timeout=30)  # the first wave leaves together
        r = app.test_client().post(
            "/api/v1/contacts", headers=user.headers,
            json={"name": "Race Winner", "title": f"T{i % 3}",
                  "tags": [f"t{i % 5}"], "profiles": [{"url": variants[i % 3]}]})
        body = r.get_json() or {}
        return r.status_code, body.get("id")

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(save, range(SAVES)))

    codes = Counter(code for code, _ in results)
    assert codes == {201: 1, 200: SAVES - 1}, codes
    assert len({cid for _, cid in results}) == 1
    assert _count(app, Contact, user.id) == 1
    assert _count(app, Profile, user.id) == 1
    contact = user.get(f"/contacts/{results[0][1]}").get_json()
    assert set(contact["tags"]) == {f"t{i}" for i in range(5)}  # every save's list was merged


def test_concurrent_bulk_imports_overlapping_urls_make_no_duplicates(app, user):
    base = secrets.token_hex(3)
    urls = [f"https://linkedin.com/in/bulk-{base}-{i}" for i in range(60)]
    threads = 4
    start = threading.Barrier(threads)

    def run(t: int) -> int:
        # Each importer covers an overlapping window of the URLs, in its own order.
        mine = urls[t * 10: t * 10 + 30]
        if t % 2:
            mine = list(reversed(mine))
        items = [{"name": f"Person {u[-2:]}", "profiles": [{"url": u}],
                  "interactions": [{"type": "social_follow", "network": "linkedin",
                                    "occurred_at": "2025-01-01T00:00:00Z",
                                    "external_id": f"follow:{u}"}]} for u in mine]
        start.wait(timeout=30)
        r = app.test_client().post("/api/v1/contacts/bulk", headers=user.headers,
                                   json={"items": items})
        assert r.status_code == 200, r.get_data()[:300]
        assert r.get_json()["failed"] == 0
        return r.status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        assert list(pool.map(run, range(threads))) == [200] * threads

    covered = {u for t in range(threads) for u in urls[t * 10: t * 10 + 30]}
    assert _count(app, Contact, user.id) == len(covered)
    assert _count(app, Profile, user.id) == len(covered)
    with app.app_context():
        from server.models import Interaction

        per_contact = db.session.execute(
            select(Interaction.contact_id, func.count()).where(Interaction.user_id == user.id)
            .group_by(Interaction.contact_id)).all()
    assert len(per_contact) == len(covered) and all(n == 1 for _, n in per_contact)
