import pytest
from email_validator import EmailNotValidError, validate_email

from server.importers.dates import parse_date, parse_timestamp
from server.importers.linkedin import parse_connections
from server.importers.records import ContactFields, clean_emails, first_name_of, import_key


def test_emails_are_trimmed_lowered_deduplicated_and_checked():
    emails, warnings = clean_emails([" A@Example.COM ", "mailto:a@example.com", "bad", ""])
    assert emails == ["a@example.com"]
    assert len(warnings) == 1 and "'bad'" in warnings[0]


def test_import_key_is_normalised_and_bounded():
    assert import_key("google", "  Jane   DOE ", "ACME") == "google:jane doe|acme"
    assert import_key("csv", "Ｊａｎｅ", None) == "csv:jane|"  # NFKC
    long = import_key("csv", "x" * 400, "y")
    assert long.startswith("csv:sha1:") and len(long) <= 300


def test_import_key_only_without_profile_or_email():
    with_email, _, _ = ContactFields("csv", name="A", emails=["a@b.com"]).build()
    with_url, _, _ = ContactFields("csv", name="A", urls=["github.com/a"]).build()
    bare, _, _ = ContactFields("csv", name="A", company="C").build()
    assert "import_key" not in with_email and "import_key" not in with_url
    assert bare["import_key"] == "csv:a|c"


def test_name_falls_back_to_email_and_is_cut():
    by_email, _, _ = ContactFields("csv", emails=["x@y.com"], company="Y").build()
    assert (by_email["name"], by_email.get("first_name")) == ("x@y.com", None)
    long, _, warnings = ContactFields("csv", name="n" * 250).build()
    assert len(long["name"]) == 200 and warnings == ("name cut to 200 characters (was 250)",)


@pytest.mark.parametrize("fields", [
    {"company": "Acme Support"},
    {"company": "Acme", "phones": ["+1 555 0100"], "title": "Recruiter", "notes": "n"},
    {"company": "Acme", "urls": ["https://acme.example.com"], "emails": ["not-an-email"]},
])
def test_a_company_alone_is_no_contact(fields):
    item, error, _ = ContactFields("csv", **fields).build()
    assert item is None
    assert error == "nothing to import: no name, profile URL or email"


def test_a_profile_without_a_name_or_email_fails_for_lack_of_a_name():
    item, error, _ = ContactFields("csv", urls=["https://github.com/ann"], company="A").build()
    assert item is None and error == "no name or email (a name is required)"


def test_first_names():
    assert first_name_of("Jane Doe") == "Jane"
    assert first_name_of("Dr. Jane Q. Doe") == "Jane"
    assert first_name_of("Doe, Jane") == "Jane"
    assert first_name_of("Mr Jan de la Vega") == "Jan"


def test_dates():
    assert str(parse_date("08 Feb 2026")) == "2026-02-08"
    assert str(parse_date("8-Feb-26")) == "2026-02-08"
    assert str(parse_date("Sept 8, 2025")) == "2025-09-08"
    assert str(parse_date("2/8/2026")) == "2026-02-08"
    assert parse_date("31 Feb 2026") is None
    assert parse_date("soon") is None


def test_timestamps_are_utc():
    assert parse_timestamp("2026-08-01 02:00:00 UTC").isoformat() == "2026-08-01T02:00:00+00:00"
    assert parse_timestamp("9/25/26, 8:52 PM").isoformat() == "2026-09-25T20:52:00+00:00"
    assert parse_timestamp("3/1/24 12:05 AM").isoformat() == "2024-03-01T00:05:00+00:00"
    assert parse_timestamp("07/22/2026 04:02").isoformat() == "2026-07-22T04:02:00+00:00"
    assert parse_timestamp("nope") is None


@pytest.mark.parametrize("address", [
    "a@example.com", "-a@x.io", "a.b+c@sub.example.co", "a..b@x.com", ".a@x.com", "a@-x.com",
    "a@x-.com", "a@x.test", "a@x.local", "a@localhost", "a@x.c", "a@x.123", "é@x.com",
    "a@x..com", "a" * 65 + "@x.com", "a@" + "b" * 64 + ".com", "a\"b@x.com", "a@x_y.com",
])
def test_fast_email_path_never_accepts_what_email_validator_rejects(address):
    try:
        expected = [validate_email(address, check_deliverability=False).normalized.lower()]
    except EmailNotValidError:
        expected = []
    emails, _ = clean_emails([address])
    assert emails == expected


def test_parsers_stream_instead_of_reading_everything():
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"

    def endless():
        yield header
        n = 0
        while True:
            n += 1
            if n > 50:
                raise AssertionError("read far past the rows that were asked for")
            yield f"A{n},B,,,,,01 Jan 2026\n"

    rows = parse_connections(endless())
    assert [next(rows).line for _ in range(3)] == [2, 3, 4]
