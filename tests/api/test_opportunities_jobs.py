"""Opportunities saved from job postings: canonical URLs, lookup, one opportunity per job."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from server.extensions import db
from server.models import Opportunity
from tests.api.helpers import assert_error, make_contact

LINKEDIN = "https://linkedin.com/jobs/view/3812345678"


def lookup(user, url):
    return user.get("/opportunities/lookup", query_string={"url": url})


def test_url_is_stored_canonical_and_found_by_any_form(user):
    r = user.post("/opportunities", json={
        "company": "Acme Robotics", "title": "Platform Engineer",
        "url": "https://www.linkedin.com/jobs/view/3812345678/?trk=public_jobs&refId=x%3D%3D"})
    assert r.status_code == 201, r.get_json()
    opp = r.get_json()
    assert opp["url"] == LINKEDIN
    for form in (LINKEDIN, "https://www.linkedin.com/jobs/search/?currentJobId=3812345678&k=x",
                 "http://de.linkedin.com/jobs/view/platform-engineer-at-acme-3812345678"):
        found = lookup(user, form)
        assert found.status_code == 200, form
        assert found.get_json() == opp
    assert_error(lookup(user, "https://www.linkedin.com/jobs/view/3812345679/"), 404)
    assert_error(lookup(user, "https://jobs.lever.co/acme/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"),
                 404)


def test_lookup_validates_its_query(user):
    assert_error(user.get("/opportunities/lookup"), 422, "url")
    assert_error(lookup(user, "javascript:alert(1)"), 422, "url")
    assert_error(lookup(user, "https://exa mple.com/jobs/1"), 422, "url")
    assert_error(lookup(user, "x" * 2049), 422, "url")


def test_second_post_of_a_job_answers_200_with_the_same_opportunity(user):
    hm = make_contact(user, "Hannah Manager")
    rec = make_contact(user, "Rick Recruiter")
    first = user.post("/opportunities", json={
        "company": "Acme", "title": "Staff Engineer", "status": "applied", "notes": "Referred",
        "url": "https://boards.greenhouse.io/acme/jobs/4012345007?gh_src=abc",
        "contacts": [{"contact_id": hm["id"], "role": "hiring_manager"}]})
    assert first.status_code == 201
    created = first.get_json()
    assert created["url"] == "https://job-boards.greenhouse.io/acme/jobs/4012345007"

    again = user.post("/opportunities", json={
        "company": "Acme Inc.", "title": "Staff Engineer (Platform)",
        "url": "https://job-boards.greenhouse.io/ACME/jobs/4012345007/",
        "contacts": [{"contact_id": rec["id"], "role": "recruiter"}]})
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert body["id"] == created["id"]
    assert body["company"] == "Acme Inc." and body["title"] == "Staff Engineer (Platform)"
    assert body["status"] == "applied"  # kept: the second save named none
    assert body["notes"] == "Referred"  # nothing is erased
    assert {(c["contact_id"], c["role"]) for c in body["contacts"]} == {
        (hm["id"], "hiring_manager"), (rec["id"], "recruiter")}
    assert len(user.get("/opportunities").get_json()["items"]) == 1

    named = user.post("/opportunities", json={
        "company": "Acme", "title": "Staff Engineer", "status": "interviewing",
        "url": "https://boards.greenhouse.io/acme/jobs/4012345007"})
    assert named.status_code == 200
    assert named.get_json()["status"] == "interviewing"
    assert named.get_json()["status_changed_at"] > created["status_changed_at"]


def test_opportunities_without_url_are_never_merged(user):
    for _ in range(2):
        assert user.post("/opportunities", json={"company": "C", "title": "T"}).status_code == 201
    assert len(user.get("/opportunities").get_json()["items"]) == 2


def test_patch_canonicalises_and_refuses_another_opportunitys_url(user):
    a = user.post("/opportunities", json={
        "company": "A", "title": "T", "url": "https://jobs.lever.co/a/5f1c2d3e-4a5b-4c6d-8e9f-"
                                             "0a1b2c3d4e5f/apply?lever-source=LinkedIn"}).get_json()
    assert a["url"] == "https://jobs.lever.co/a/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    b = user.post("/opportunities", json={"company": "B", "title": "T"}).get_json()
    clash = user.patch(f"/opportunities/{b['id']}", json={
        "url": "https://jobs.lever.co/A/5F1C2D3E-4A5B-4C6D-8E9F-0A1B2C3D4E5F"})
    body = assert_error(clash, 409, "url")
    assert str(a["id"]) in repr(body["errors"])
    assert user.get(f"/opportunities/{b['id']}").get_json()["url"] is None
    # Its own URL in another form is no clash.
    same = user.patch(f"/opportunities/{a['id']}", json={
        "url": "https://jobs.lever.co/a/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f/?utm_source=x"})
    assert same.status_code == 200 and same.get_json()["url"] == a["url"]
    moved = user.patch(f"/opportunities/{b['id']}", json={
        "url": "https://apply.workable.com/quartz/j/5a1b2c3d4e/?utm_medium=social"})
    assert moved.get_json()["url"] == "https://apply.workable.com/quartz/j/5A1B2C3D4E"
    assert user.patch(f"/opportunities/{b['id']}", json={"url": None}).get_json()["url"] is None


def test_a_job_url_belongs_to_each_user_separately(make_user):
    a, b = make_user(), make_user()
    url = "https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e"
    oa = a.post("/opportunities", json={"company": "L", "title": "T", "url": url})
    ob = b.post("/opportunities", json={"company": "L", "title": "T", "url": url})
    assert oa.status_code == 201 and ob.status_code == 201
    assert oa.get_json()["id"] != ob.get_json()["id"]
    assert lookup(a, url).get_json()["id"] == oa.get_json()["id"]
    assert lookup(b, url).get_json()["id"] == ob.get_json()["id"]


def test_rows_stored_before_canonical_urls_are_found_and_upgraded(app, user):
    made = user.post("/opportunities", json={"company": "Old", "title": "T"}).get_json()
    raw = "https://www.linkedin.com/jobs/view/3812345678/?trk=old"
    with app.app_context():  # as an older version stored it, verbatim
        db.session.execute(update(Opportunity).where(Opportunity.id == made["id"])
                           .values(url=raw))
        db.session.commit()
    assert lookup(user, LINKEDIN).get_json()["id"] == made["id"]
    again = user.post("/opportunities", json={"company": "Old", "title": "T", "url": LINKEDIN})
    assert again.status_code == 200 and again.get_json()["id"] == made["id"]
    assert again.get_json()["url"] == LINKEDIN


def test_parallel_saves_of_one_job_make_one_opportunity(app, user):
    saves, workers = 40, 12
    forms = ["https://www.linkedin.com/jobs/view/3899999999/",
             "https://www.linkedin.com/jobs/search/?currentJobId=3899999999",
             "https://linkedin.com/jobs/view/3899999999?trk=x"]
    start = threading.Barrier(workers)

    def save(i: int) -> tuple[int, int | None]:
        if i < workers:
            start.wait(timeout=30)
        r = app.test_client().post("/api/v1/opportunities", headers=user.headers, json={
            "company": "Race", "title": f"T{i % 3}", "url": forms[i % 3]})
        return r.status_code, (r.get_json() or {}).get("id")

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(save, range(saves)))
    assert Counter(code for code, _ in results) == {201: 1, 200: saves - 1}
    assert len({oid for _, oid in results}) == 1
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Opportunity)
                                  .where(Opportunity.user_id == user.id))
    assert count == 1
