"""Saving (201/200 by canonical URL), reading, patching, deleting and looking up contacts."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, li, make_contact, same_contact, save


def test_create_returns_201_with_the_full_view(user):
    r = save(user, "Dana Doe", "https://www.linkedin.com/in/Dana-Doe/", company="Acme",
             emails=["Dana@Example.com"], phones=["+49 30 1234567"], tags=["berlin"],
             role="recruiter")
    assert r.status_code == 201
    c = r.get_json()
    assert isinstance(c["id"], int)
    assert c["name"] == "Dana Doe" and c["first_name"] == "Dana"
    assert c["company"] == "Acme" and c["role"] == "recruiter"
    assert c["profiles"] == [
        {"network": "linkedin", "url": "https://linkedin.com/in/dana-doe", "handle": "dana-doe"}]
    assert c["phones"] == ["+49301234567"]
    assert c["tags"] == ["berlin"]
    assert c["source"] == "api" and c["starred"] is False and c["archived"] is False
    assert c["created_at"].endswith("Z") and c["updated_at"].endswith("Z")
    assert same_contact(user.get(f"/contacts/{c['id']}").get_json(), c)


def test_defaults_without_profiles(user):
    r = user.post("/contacts", json={"name": "Only Name"})
    assert r.status_code == 201
    c = r.get_json()
    assert c["profiles"] == [] and c["emails"] == [] and c["role"] == "other"
    # Without a URL there is nothing to match on: a second save is a second contact.
    assert user.post("/contacts", json={"name": "Only Name"}).status_code == 201


@pytest.mark.parametrize("variant", [
    "https://linkedin.com/in/sam-smith",
    "https://www.linkedin.com/in/sam-smith/",
    "http://m.linkedin.com/in/sam-smith",
    "https://de.linkedin.com/in/Sam-Smith?trk=public_profile",
    "https://fr-fr.linkedin.com/in/sam-smith/#about",
    "HTTPS://WWW.LINKEDIN.COM/IN/SAM-SMITH",
    "https://www.linkedin.com/in/sam-smith/details/experience/",
    "linkedin.com/in/sam%2Dsmith",
])
def test_same_canonical_url_updates(user, variant):
    first = make_contact(user, "Sam Smith", "https://www.linkedin.com/in/sam-smith")
    r = save(user, "Sam Smith", variant, title="CTO")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["id"] == first["id"]
    assert r.get_json()["title"] == "CTO"
    assert len(user.get("/contacts").get_json()["items"]) == 1


@pytest.mark.parametrize("first_url, variant, canonical", [
    ("https://twitter.com/JaneDev", "https://x.com/janedev/status/12345",
     "https://x.com/janedev"),
    ("https://mobile.twitter.com/JaneDev/", "https://www.x.com/JANEDEV?s=20",
     "https://x.com/janedev"),
    ("https://github.com/Octo-Cat", "https://github.com/octo-cat?tab=repositories",
     "https://github.com/octo-cat"),
    ("https://www.instagram.com/some.one/", "https://instagram.com/Some.One/p/AbC123/",
     "https://instagram.com/some.one"),
    ("https://www.facebook.com/profile.php?id=100012345&ref=x",
     "https://m.facebook.com/profile.php?id=100012345", "https://facebook.com/profile.php?id=100012345"),
])
def test_network_variants(user, first_url, variant, canonical):
    first = make_contact(user, "Jane Dev", first_url)
    assert first["profiles"][0]["url"] == canonical
    r = save(user, "Jane Dev", variant)
    assert r.status_code == 200
    assert r.get_json()["id"] == first["id"]
    found = user.get("/contacts/lookup", query_string={"url": variant})
    assert found.status_code == 200 and found.get_json()["id"] == first["id"]


def test_network_and_handle_are_derived(user):
    c = make_contact(user, "Multi", "https://twitter.com/Multi_Net", profiles=[
        {"url": "https://twitter.com/Multi_Net"},
        {"url": "https://github.com/MultiNet"},
        {"url": "https://example.org/people/multi", "network": "other"},
        {"url": "https://blog.example.com/about", },
    ])
    by_net = {p["network"]: p for p in c["profiles"]}
    assert by_net["x"] == {"network": "x", "url": "https://x.com/multi_net", "handle": "multi_net"}
    assert by_net["github"]["handle"] == "multinet"
    assert {p["network"] for p in c["profiles"]} == {"x", "github", "other"}
    assert len(c["profiles"]) == 4


def test_network_that_contradicts_the_url_is_422(user):
    r = user.post("/contacts", json={"name": "X", "profiles": [
        {"url": "https://linkedin.com/in/abc", "network": "github"}]})
    assert_error(r, 422, "profiles")


def test_upsert_keeps_existing_values_and_unions_lists(user):
    url = li()
    first = make_contact(user, "Pat Lee", url, company="Acme", title="Head of Data",
                         emails=["pat@acme.com"], phones=["+14155550100"], tags=["a", "b"],
                         notes="met at meetup", starred=True)
    r = save(user, "Pat Lee", url.upper().replace("HTTPS", "https"), company="", title=None,
             headline="Data leader", emails=["PAT@acme.com", "pat@home.org"],
             phones=["+14155550199"], tags=["b", "c"], starred=False, notes="")
    assert r.status_code == 200
    c = r.get_json()
    assert c["id"] == first["id"]
    assert c["company"] == "Acme" and c["title"] == "Head of Data"
    assert c["headline"] == "Data leader"
    assert c["notes"] == "met at meetup"
    assert c["starred"] is True
    assert c["emails"] == ["pat@acme.com", "pat@home.org"]
    assert c["phones"] == ["+14155550100", "+14155550199"]
    assert c["tags"] == ["a", "b", "c"]
    # A non-empty value replaces the old one.
    c2 = save(user, "Patricia Lee", url, company="Beta").get_json()
    assert c2["name"] == "Patricia Lee" and c2["company"] == "Beta"


def test_upsert_adds_new_profiles_and_matches_by_any_of_them(user):
    url = li()
    first = make_contact(user, "Kim", url)
    r = user.post("/contacts", json={"name": "Kim", "profiles": [
        {"url": "https://github.com/kim-gh"}, {"url": url}]})
    assert r.status_code == 200 and r.get_json()["id"] == first["id"]
    assert len(r.get_json()["profiles"]) == 2
    r = save(user, "Kim", "https://github.com/KIM-GH/")
    assert r.status_code == 200 and r.get_json()["id"] == first["id"]


def test_unchanged_resave_keeps_updated_at(user):
    url = li()
    first = make_contact(user, "Same", url, company="C")
    again = save(user, "Same", url, company="C").get_json()
    assert again["updated_at"] == first["updated_at"]


def test_lookup(user):
    c = make_contact(user, "Look Up", "https://www.linkedin.com/in/look-up")
    r = user.get("/contacts/lookup", query_string={"url": "https://de.linkedin.com/in/LOOK-UP/"})
    assert r.status_code == 200 and r.get_json()["id"] == c["id"]
    assert_error(user.get("/contacts/lookup", query_string={"url": li()}), 404)
    for bad in ("javascript:alert(1)", "ftp://linkedin.com/in/x", "mailto:a@b.c", "http://"):
        assert_error(user.get("/contacts/lookup", query_string={"url": bad}), 422, "url")
    assert_error(user.get("/contacts/lookup"), 422, "url")
    assert_error(user.get("/contacts/lookup", query_string={"url": "x" * 3000}), 422, "url")


def test_text_is_stored_verbatim(user):
    evil = "<img src=x onerror=alert(1)>"
    notes = "  line 1\n\tline 2 & <b>bold</b> \"quoted\" 'single' — ünïcødé 🎉  "
    c = make_contact(user, evil, company=evil, notes=notes, tags=[evil])
    got = user.get(f"/contacts/{c['id']}")
    assert evil.encode() in got.get_data()
    body = got.get_json()
    assert body["name"] == evil and body["company"] == evil
    assert body["notes"] == notes and body["tags"] == [evil]


def test_name_of_200_characters_and_long_profile_slug(user):
    name = "N" * 200
    r = save(user, name, li("x" * 150))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["name"] == name
    r = save(user, "Long Slug", "https://www.linkedin.com/in/" + "a" * 1500)
    assert_error(r, 422, "profiles")
    assert save(user, "Ok Slug", "https://www.linkedin.com/in/" + "a" * 200).status_code == 201


def test_patch_sets_exactly_what_is_sent(user):
    c = make_contact(user, "Alex Ray", company="Acme", title="VP", emails=["a@x.io"],
                     tags=["t1"], notes="n")
    r = user.patch(f"/contacts/{c['id']}", json={
        "company": None, "tags": [], "emails": ["b@y.io"], "starred": True,
        "role": "hiring_manager", "notes": "new"})
    assert r.status_code == 200, r.get_json()
    p = r.get_json()
    assert p["company"] is None and p["tags"] == [] and p["emails"] == ["b@y.io"]
    assert p["starred"] is True and p["role"] == "hiring_manager" and p["notes"] == "new"
    assert p["title"] == "VP" and p["name"] == "Alex Ray"
    assert p["updated_at"] >= c["updated_at"]
    assert same_contact(user.get(f"/contacts/{c['id']}").get_json(), p)
    # An empty PATCH changes nothing but is fine.
    assert user.patch(f"/contacts/{c['id']}", json={}).status_code == 200


def test_patch_profiles_replaces_them(user):
    url = li()
    c = make_contact(user, "Prof", url)
    r = user.patch(f"/contacts/{c['id']}", json={"profiles": [
        {"url": "https://github.com/prof-gh"}]})
    assert r.status_code == 200
    assert [p["url"] for p in r.get_json()["profiles"]] == ["https://github.com/prof-gh"]
    assert_error(user.get("/contacts/lookup", query_string={"url": url}), 404)
    # The freed URL can be saved again as a new contact.
    assert save(user, "Other", url).status_code == 201


@pytest.mark.parametrize("body, field", [
    ({"name": ""}, "name"), ({"name": None}, "name"), ({"name": "x" * 201}, "name"),
    ({"role": "boss"}, "role"), ({"starred": "yes"}, "starred"), ({"emails": "a@b.c"}, "emails"),
    ({"id": 5}, "id"), ({"warmth": 90}, "warmth"), ({"timezone": "Mars/Base"}, "timezone"),
    ({"profiles": [{"url": "javascript:alert(1)"}]}, "profiles"),
])
def test_patch_validation(user, body, field):
    c = make_contact(user, "Valid")
    assert_error(user.patch(f"/contacts/{c['id']}", json=body), 422, field)
    assert same_contact(user.get(f"/contacts/{c['id']}").get_json(), c)


def test_delete(user):
    c = make_contact(user, "Gone")
    url = c["profiles"][0]["url"]
    assert user.delete(f"/contacts/{c['id']}").status_code == 204
    assert_error(user.get(f"/contacts/{c['id']}"), 404)
    assert_error(user.delete(f"/contacts/{c['id']}"), 404)
    assert_error(user.get("/contacts/lookup", query_string={"url": url}), 404)
    assert save(user, "Back", url).status_code == 201


def test_delete_removes_its_interactions(user):
    c = make_contact(user, "With History")
    i = user.post(f"/contacts/{c['id']}/interactions", json={"type": "email_sent"}).get_json()
    assert user.delete(f"/contacts/{c['id']}").status_code == 204
    assert_error(user.get(f"/interactions/{i['id']}"), 404)


@pytest.mark.parametrize("path", ["/contacts/abc", "/contacts/99999999999999999999",
                                  "/contacts/0", "/contacts/-3", "/contacts/1.5",
                                  "/contacts/2147483648", "/contacts/%00",
                                  "/contacts/abc/interactions", "/contacts/0/warmth",
                                  "/contacts/99999999999999999999/merge",
                                  "/interactions/abc", "/opportunities/0"])
def test_malformed_ids_are_404(user, path):
    for method in ("get", "patch", "delete", "post"):
        r = getattr(user, method)(path, json={})
        assert r.status_code in (404, 405), (method, path, r.status_code)
        assert r.get_json()["code"] == r.status_code
    if not path.endswith("/merge"):
        assert_error(user.get(path), 404)


def test_unknown_but_well_formed_id_is_404(user):
    assert_error(user.get("/contacts/2147483647"), 404)
    assert_error(user.patch("/contacts/2147483647", json={"name": "x"}), 404)
    assert_error(user.delete("/contacts/2147483647"), 404)


def test_patch_with_another_contacts_url_is_a_conflict_and_changes_nothing(user):
    url = li()
    owner = make_contact(user, "Owner", url)
    other = make_contact(user, "Other", li())
    r = user.patch(f"/contacts/{other['id']}", json={
        "name": "Renamed", "profiles": [{"url": "https://github.com/fine"},
                                        {"url": url.upper().replace("HTTPS://", "http://")}]})
    assert r.status_code == 409
    body = r.get_json()
    assert list(body["errors"]["json"]["profiles"]) == ["1"]
    assert str(owner["id"]) in body["errors"]["json"]["profiles"]["1"]["url"][0]
    after = user.get(f"/contacts/{other['id']}").get_json()
    assert after["name"] == "Other" and after["profiles"] == other["profiles"]
    assert user.get(f"/contacts/{owner['id']}").get_json()["profiles"] == owner["profiles"]
    # Its own URL, sent again, is no conflict.
    same = user.patch(f"/contacts/{owner['id']}", json={"profiles": [{"url": url}]})
    assert same.status_code == 200
