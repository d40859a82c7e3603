import io

import pytest

from server.importers import ImportFileError, iter_rows
from server.importers.linkedin import parse_connections
from tests.importers import samples
from tests.importers.helpers import by_line, rows_of


def test_current_export_rows_start_on_their_physical_lines():
    rows = rows_of(samples.CONNECTIONS, "Connections.csv")
    assert [r.line for r in rows] == [7, 8, 9, 10, 11]
    assert [r.error is None for r in rows] == [True, True, False, True, True]


def test_connection_fields_profile_and_follow():
    jane = by_line(rows_of(samples.CONNECTIONS))[7].item
    assert jane["name"] == "Jane Doe"
    assert jane["first_name"] == "Jane"
    assert jane["company"] == "Acme, Inc."
    assert jane["title"] == "Engineering Manager"
    assert jane["source"] == "import"
    assert jane["profiles"] == [{"url": samples.JANE.replace("www.", ""), "network": "linkedin"}]
    assert "import_key" not in jane and "emails" not in jane
    assert jane["interactions"] == [{
        "type": "social_follow", "occurred_at": "2026-02-08T12:00:00Z", "network": "linkedin",
        "external_id": "li-conn:https://linkedin.com/in/jane-doe-8a1b2c",
        "notes": "Connected on LinkedIn",
    }]


def test_excel_dates_quotes_unicode_slug_and_email_normalisation():
    jurgen = by_line(rows_of(samples.CONNECTIONS))[8].item
    assert jurgen["name"] == "Jürgen Müller"
    assert jurgen["title"] == 'Head of "Talent", EMEA'
    assert jurgen["emails"] == ["juergen.mueller@example.com"]
    assert jurgen["profiles"][0]["url"] == "https://linkedin.com/in/jürgen-müller-4a5b"
    assert jurgen["interactions"][0]["occurred_at"] == "2026-02-08T12:00:00Z"
    assert jurgen["interactions"][0]["external_id"] == (
        "li-conn:https://linkedin.com/in/jürgen-müller-4a5b")


def test_nameless_row_fails_and_the_rest_goes_on():
    row = by_line(rows_of(samples.CONNECTIONS))[9]
    assert row.item is None
    assert "name" in row.error


def test_invalid_email_is_a_warning_not_a_failure():
    ravi = by_line(rows_of(samples.CONNECTIONS))[10]
    assert ravi.error is None
    assert "emails" not in ravi.item
    assert any("ravi@@bad" in w for w in ravi.warnings)


def test_row_without_url_or_email_gets_an_import_key_and_date_warning():
    amelie = by_line(rows_of(samples.CONNECTIONS))[11]
    assert amelie.item["import_key"] == "linkedin:amélie dubois|"
    assert "interactions" not in amelie.item
    assert any("sometime" in w for w in amelie.warnings)


def test_older_export_without_url_column():
    rows = rows_of(samples.CONNECTIONS_OLD)
    assert [r.line for r in rows] == [5, 6]
    grace, alan = (r.item for r in rows)
    assert grace["emails"] == ["grace.hopper@navy.example.com"]
    assert "import_key" not in grace
    assert grace["interactions"][0]["external_id"] == "li-conn:grace.hopper@navy.example.com"
    assert grace["interactions"][0]["occurred_at"] == "2026-02-11T12:00:00Z"
    assert alan["import_key"] == "linkedin:alan turing|npl"
    assert alan["interactions"][0]["external_id"] == "li-conn:linkedin:alan turing|npl"
    assert alan["interactions"][0]["occurred_at"] == "2026-03-02T12:00:00Z"


def test_header_without_preamble_and_bare_header_names():
    text = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nA,B,,,,,\n"
    rows = list(parse_connections(io.StringIO(text, newline="")))
    assert rows[0].line == 2
    assert rows[0].item["name"] == "A B"


def test_file_without_the_header_is_a_file_error():
    with pytest.raises(ImportFileError):
        rows_of("Name,Email\nA,a@example.com\n", fmt="linkedin")


# --- the export zip ---------------------------------------------------------------------------


def zip_rows(**kwargs):
    return list(iter_rows(io.BytesIO(samples.linkedin_zip(**kwargs)), "export.zip"))


def test_zip_attaches_messages_and_invitations_to_connections():
    rows = zip_rows()
    jane = next(r for r in rows if r.item and r.item["name"] == "Jane Doe")
    assert jane.member == "Connections.csv" and jane.line == 7
    kinds = {(i["type"], i["occurred_at"]) for i in jane.item["interactions"]}
    assert kinds == {
        ("social_follow", "2026-02-08T12:00:00Z"),  # connected
        ("message_sent", "2026-08-01T02:00:00Z"),
        ("message_received", "2026-08-02T09:30:00Z"),
        ("social_follow", "2026-01-19T09:15:00Z"),  # bare outgoing invitation
    }  # the draft of 2026-08-03 is not there
    ids = [i["external_id"] for i in jane.item["interactions"]]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(("li-conn:", "li-msg:2-YWJj==:", "li-inv:out:")) for i in ids)
    received = next(i for i in jane.item["interactions"] if i["type"] == "message_received")
    assert received["notes"] == "Happy to chat. Friday?"


def test_zip_people_known_only_from_messages_and_invitations_become_contacts():
    extra = {r.item["name"]: r for r in zip_rows() if r.member != "Connections.csv"}
    rita, paul = extra["Rita Recruiter"], extra["Paul Pending"]
    assert (rita.member, rita.line) == ("messages.csv", 5)
    assert rita.item["interactions"][0]["type"] == "message_received"
    assert rita.item["interactions"][0]["notes"] == "Role at Globex: A role for you, interested?"
    assert (paul.member, paul.line) == ("Invitations.csv", 3)
    assert paul.item["interactions"] == [{
        "type": "message_received", "occurred_at": "2026-09-20T16:10:00Z",
        "external_id": "li-inv:in:2026-09-20T16:10:00Z",
        "notes": "LinkedIn invitation received: Hi Sam, let's connect"}]
    assert "Sam Seeker" not in extra  # the user is never a contact


def test_zip_message_ids_are_stable_across_reads():
    def ids():
        return sorted(i["external_id"] for r in zip_rows() if r.item
                      for i in r.item.get("interactions", ()))
    assert ids() == ids()


def test_zip_me_is_found_without_invitations_and_can_be_forced():
    names = {r.item["name"] for r in zip_rows(with_invitations=False) if r.item}
    assert "Rita Recruiter" in names and "Sam Seeker" not in names
    forced = list(iter_rows(io.BytesIO(samples.linkedin_zip(folder="Basic_Export/")),
                            "export.zip", me="linkedin.com/in/sam-seeker/"))
    assert {r.item["name"] for r in forced if r.item} == names | {"Paul Pending"}


def test_zip_me_that_cannot_be_told_asks_for_me():
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # one conversation, neither side a connection, no invitations: two candidates
        archive.writestr("messages.csv", samples.MESSAGES.splitlines(True)[0]
                         + samples.MESSAGES.splitlines(True)[1])
    buffer.seek(0)
    with pytest.raises(ImportFileError, match="--me"):
        list(iter_rows(buffer, "export.zip"))


def test_zip_without_linkedin_files_is_a_file_error():
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    buffer.seek(0)
    with pytest.raises(ImportFileError, match="LinkedIn"):
        list(iter_rows(buffer, "export.zip"))
