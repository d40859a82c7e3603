"""POST /contacts/bulk with guessed roles (SPEC §8): a guess sets a new contact's role and
fills `other`, but never replaces a role the user chose. On SQLite and PostgreSQL."""

from __future__ import annotations

from tests.api.helpers import assert_error


def bulk(user, items, **query):
    r = user.post("/contacts/bulk", json={"items": items}, query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def guessed(name: str, role: str, **extra):
    return {"name": name, "import_key": f"csv:{name.lower()}|", "role": role,
            "role_guessed": True, **extra}


def role_of(user, contact_id: int) -> str:
    return user.get(f"/contacts/{contact_id}").get_json()["role"]


def test_a_guess_sets_the_role_of_a_new_contact(user):
    (result,) = bulk(user, [guessed("Rita Ross", "recruiter")])["results"]
    assert result["status"] == "created"
    assert role_of(user, result["id"]) == "recruiter"


def test_a_guess_fills_other_but_never_replaces_a_chosen_role(user):
    first = bulk(user, [{"name": "Hal Hope", "import_key": "csv:hal hope|"},
                        guessed("Pia Park", "hr")])["results"]
    hal, pia = first[0]["id"], first[1]["id"]
    assert role_of(user, hal) == "other"
    assert user.patch(f"/contacts/{pia}", json={"role": "hiring_manager"}).status_code == 200

    again = bulk(user, [guessed("Hal Hope", "department_manager"),
                        guessed("Pia Park", "recruiter", title="Talent Partner")])["results"]
    assert [r["status"] for r in again] == ["updated", "updated"]  # Pia: the title changed
    assert role_of(user, hal) == "department_manager"
    pia_now = user.get(f"/contacts/{pia}").get_json()
    assert (pia_now["role"], pia_now["title"]) == ("hiring_manager", "Talent Partner")

    third = bulk(user, [guessed("Hal Hope", "recruiter"),
                        guessed("Pia Park", "recruiter", title="Talent Partner")])["results"]
    assert [r["status"] for r in third] == ["unchanged", "unchanged"]
    assert (role_of(user, hal), role_of(user, pia)) == ("department_manager", "hiring_manager")


def test_a_role_that_is_not_a_guess_still_updates(user):
    (created,) = bulk(user, [guessed("Cy Cole", "recruiter")])["results"]
    (result,) = bulk(user, [{"name": "Cy Cole", "import_key": "csv:cy cole|",
                             "role": "hiring_manager"}])["results"]
    assert result["status"] == "updated"
    assert role_of(user, created["id"]) == "hiring_manager"
    (explicit_false,) = bulk(user, [{"name": "Cy Cole", "import_key": "csv:cy cole|",
                                     "role": "peer", "role_guessed": False}])["results"]
    assert explicit_false["status"] == "updated" and role_of(user, created["id"]) == "peer"


def test_two_items_for_one_new_contact_in_a_batch_keep_the_first_guess(user):
    results = bulk(user, [guessed("Di Dunn", "recruiter"),
                          guessed("Di Dunn", "department_manager")])["results"]
    assert results[0]["id"] == results[1]["id"]
    assert role_of(user, results[0]["id"]) == "recruiter"


def test_dry_run_reports_a_guess_without_writing_it(user):
    (created,) = bulk(user, [{"name": "Ed Eve", "import_key": "csv:ed eve|"}])["results"]
    (result,) = bulk(user, [guessed("Ed Eve", "hr")], dry_run="true")["results"]
    assert result["status"] == "updated"
    assert role_of(user, created["id"]) == "other"


def test_role_guessed_is_a_strict_boolean_and_only_on_bulk(user):
    (bad,) = bulk(user, [guessed("Fay Fox", "hr") | {"role_guessed": "yes"}])["results"]
    assert bad["status"] == "failed" and "role_guessed" in bad["errors"]
    single = user.post("/contacts", json={"name": "Fay Fox", "role": "hr",
                                          "role_guessed": True})
    assert_error(single, 422)
