"""Runaway cells, open quotes, nameless rows and guessed roles, in every format."""

from __future__ import annotations

import pytest

from server.importers.csvrows import LONG_FIELD_LINES, records
from server.importers.vcard import logical_lines
from tests.importers.helpers import by_line, rows_of

MB = 1 << 20
CONNECTIONS_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def connection(n: int, company: str = "Beta", position: str = "Engineer") -> str:
    return (f"P{n},Person,https://www.linkedin.com/in/person-{n},,{company},{position},"
            f"0{n % 9 + 1} Jan 2026\n")


# --- cells capped to the API's limits -------------------------------------------------------

def test_a_megabyte_cell_is_cut_to_the_api_limit_with_a_short_warning():
    text = ("name,email,company,title,headline,location,notes,tags\n"
            f'Ann Lee,ann@example.com,{"C" * MB},{"T" * MB},{"H" * MB},{"L" * MB},'
            f'"{"n" * MB}",{"g" * MB}\n')
    (row,) = rows_of(text)
    item = row.item
    assert row.line == 2 and item is not None
    assert (len(item["company"]), len(item["title"]), len(item["headline"]),
            len(item["location"]), len(item["notes"]), len(item["tags"][0])) == (
        200, 200, 500, 200, 10_000, 50)
    assert set(row.warnings) == {
        "company cut to 200 characters (was 1,048,576)",
        "title cut to 200 characters (was 1,048,576)",
        "headline cut to 500 characters (was 1,048,576)",
        "location cut to 200 characters (was 1,048,576)",
        "notes cut to 10,000 characters (was 1,048,576)",
        "tag cut to 50 characters (was 1,048,576)",
    }


def test_a_megabyte_name_email_url_phone_or_role_never_reaches_the_server():
    text = ("name,first name,email,phone,linkedin,avatar,role,company\n"
            f'{"N" * MB},{"F" * MB},{"e" * MB}@example.com,{"5" * MB},'
            f'https://www.linkedin.com/in/{"x" * MB},https://a.example/{"p" * MB},{"r" * MB},'
            "Acme\n")
    (row,) = rows_of(text)
    item = row.item
    assert item["name"] == "N" * 200 and item["first_name"] == "F" * 100
    assert "emails" not in item and "phones" not in item and "profiles" not in item
    assert "avatar_url" not in item and "role" not in item
    assert item["import_key"] == "csv:" + "n" * 200 + "|acme"
    assert len(row.warnings) == 7
    assert all(len(w) < 300 for w in row.warnings), row.warnings  # a cell is quoted shortly
    assert any(w.startswith("invalid email 'eeee") and "1,048,588 characters" in w
               for w in row.warnings)


def test_a_cell_over_csv_default_field_limit_is_read():
    big = "x" * 200_000  # csv's own limit is 128 KiB
    (row,) = rows_of(f'name,notes\nAnn,"{big}"\n')
    assert row.item["notes"] == "x" * 10_000


def test_avatar_must_be_an_http_url():
    (row,) = rows_of("name,avatar\nAnn,javascript:alert(1)\n")
    assert "avatar_url" not in row.item
    assert row.warnings == ("avatar 'javascript:alert(1)' left out: not an http(s) URL of at "
                            "most 2048 characters",)


# --- a row needs a name, a profile URL or an e-mail ------------------------------------------

@pytest.mark.parametrize(("filename", "text", "line"), [
    ("people.csv", "name,company,phone,title\nAnn,A,,\n,Acme Inc,+1 555 0100,Recruiter\n", 3),
    ("Connections.csv", CONNECTIONS_HEADER + connection(1) + ",,,,Acme Inc,Recruiter,"
     "01 Jan 2026\n", 3),
    ("google.csv", "First Name,Last Name,Organization Name,Phone 1 - Value\n"
                   "Ann,Lee,A,\n,,Acme Inc,+1 555 0100\n", 3),
    ("google.csv", "First Name,Last Name,File As,Organization Name,E-mail 1 - Value\n"
                   "Ann,Lee,,A,\n,,ACME Inc,Acme Inc,\n", 3),
    ("apple.vcf", "BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\n"
                  "VERSION:3.0\nN:;;;;\nFN:Acme Inc\nORG:Acme Inc;\nX-ABShowAs:COMPANY\n"
                  "TEL:+1 555 0100\nEND:VCARD\n", 6),
    ("org.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\n"
                "KIND:org\nFN:Acme Inc\nURL:https://acme.example\nEND:VCARD\n", 5),
    ("cards.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\n"
                  "ORG:Acme Inc\nTEL:+1 555 0100\nEND:VCARD\n", 5),
])
def test_a_company_alone_is_a_failed_row_on_its_line(filename, text, line):
    rows = by_line(rows_of(text, filename))
    assert rows[line].item is None
    assert rows[line].error == "nothing to import: no name, profile URL or email"
    assert all(r.item is not None for n, r in rows.items() if n != line)


def test_an_email_alone_still_makes_a_contact_named_after_it():
    (row,) = rows_of("name,email,company\n,ann@acme.example,Acme\n")
    assert row.item["name"] == "ann@acme.example" and row.item["company"] == "Acme"


# --- open quotes ----------------------------------------------------------------------------

def test_an_open_quote_that_swallows_rows_fails_on_the_line_where_it_opens():
    text = (CONNECTIONS_HEADER  # 1
            + 'Ann,Able,https://www.linkedin.com/in/ann-able,,"Acme,Recruiter,01 Jan 2026\n'  # 2
            + connection(3) + connection(4) + connection(5)  # 3-5: swallowed
            + 'Ed,Eve,https://www.linkedin.com/in/ed-eve,,"Echo, Inc.",Engineer,06 Jan 2026\n'
            + connection(7) + connection(8))  # 7-8: read again
    rows = by_line(rows_of(text, "Connections.csv"))
    assert sorted(rows) == [2, 7, 8]
    failed = rows[2]
    assert failed.item is None
    assert failed.error == (
        "probable unterminated quote: a quoted field opened on line 2 runs over 5 lines, to "
        "line 6, taking in 3 lines that look like rows of their own; close the quote and "
        "import the file again")
    assert rows[7].item["name"] == "P7 Person"


def test_an_open_quote_at_the_end_of_the_file():
    text = 'name,email,notes\nAnn,a@x.example,fine\nBob,b@x.example,"never closed\nCy,c@x\n'
    rows = by_line(rows_of(text))
    assert rows[2].item is not None
    assert rows[3].item is None
    assert rows[3].error.startswith("probable unterminated quote: a quoted field opened on "
                                    "line 3 runs to the end of the file (line 4)")


def test_an_open_quote_in_a_semicolon_file():
    rows = by_line(rows_of(
        'name;email;company;notes\nAnn;a@x.example;"A;x\nBob;b@x.example;B;y\n'
        'Cy;c@x.example;C;z\nDi;d@x.example;"D";w\nEd;e@x.example;E;v\n'))
    assert sorted(rows) == [2, 6]
    assert "opened on line 2" in rows[2].error and "2 lines that look like rows" in rows[2].error


def test_a_multi_line_note_is_no_open_quote():
    note = "Met at PyCon, Berlin.\nTalked about: Rust, Go and hiring.\n\nCall back in May"
    rows = by_line(rows_of(f'name,email,company,notes\nAnn,a@x.example,A,"{note}"\n'
                           "Bob,b@x.example,B,\n"))
    assert rows[2].item["notes"] == note and rows[2].warnings == ()
    assert rows[6].item["name"] == "Bob"


def test_a_very_long_multi_line_note_is_kept_with_a_warning():
    note = "\n".join(f"line {i}" for i in range(LONG_FIELD_LINES + 5))
    rows = by_line(rows_of(f'name,notes\nAnn,"{note}"\nBob,\n'))
    assert rows[2].item["notes"] == note
    assert rows[2].warnings == (
        f"a quoted field runs over {LONG_FIELD_LINES + 5} lines, from line 2 to line "
        f"{LONG_FIELD_LINES + 6}: if it is not one long note, a quote was left open",)
    assert rows[LONG_FIELD_LINES + 7].item["name"] == "Bob"


def test_records_know_where_they_end():
    found = list(records(['a,b\n', '"x\n', 'y",z\n', 'c,d\n']))
    assert [(r.line, r.end, r.at_eof) for r in found] == [(1, 1, False), (2, 3, False),
                                                          (4, 4, False)]
    (last,) = list(records(['"open,b\n', 'c\n']))
    assert (last.line, last.end, last.at_eof) == (1, 2, True)


# --- vCard soft line breaks and folds, linear ------------------------------------------------

def test_200k_quoted_printable_soft_breaks_join_correctly():
    breaks = 200_000
    lines = (["BEGIN:VCARD\r\n", "VERSION:2.1\r\n", "FN:Ann\r\n",
              "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=A9=\r\n"]
             + ["ab=\r\n"] * breaks + ["end\r\n", "EMAIL:ann@x.example\r\n", "END:VCARD\r\n"])
    logical = list(logical_lines(lines))
    assert [n for n, _ in logical] == [1, 2, 3, 4, breaks + 6, breaks + 7]
    assert logical[3][1] == "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=A9" + (
        "ab" * breaks) + "end"
    (row,) = rows_of("".join(lines), "ann.vcf")
    assert row.line == 1
    assert row.item["notes"] == ("é" + "ab" * breaks)[:10_000]
    assert row.item["emails"] == ["ann@x.example"]
    assert row.warnings == (f"notes cut to 10,000 characters (was {1 + 2 * breaks + 3:,})",)


def test_200k_folded_lines_join_correctly():
    folds = 200_000
    lines = ["BEGIN:VCARD\n", "FN:Ann\n", "NOTE:x\n"] + [" y\n", "\tz\n"] * (folds // 2) + [
        "END:VCARD\n"]
    logical = list(logical_lines(lines))
    assert logical[2] == (3, "NOTE:x" + "yz" * (folds // 2))
    assert logical[3] == (folds + 4, "END:VCARD")


def test_soft_breaks_need_quoted_printable_even_when_its_parameters_are_folded():
    lines = ["NOTE;ENCODING=QUOTED-\n", " PRINTABLE:a=\n", "b=\n", "=\n", "c\n",
             "NOTE:not qp=\n", "D:next\n"]
    assert list(logical_lines(lines)) == [
        (1, "NOTE;ENCODING=QUOTED-PRINTABLE:abc"), (6, "NOTE:not qp="), (7, "D:next")]


# --- role guessing --------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "text"), [
    ("Connections.csv", CONNECTIONS_HEADER + connection(1, position="Technical Recruiter")),
    ("google.csv", "First Name,Last Name,Organization Name,Organization Title,E-mail 1 - Value\n"
                   "P1,Person,Acme,Technical Recruiter,\n"),
    ("cards.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:P1 Person\nTITLE:Technical Recruiter\n"
                  "END:VCARD\n"),
    ("people.csv", "name,position\nP1 Person,Technical Recruiter\n"),
    ("people.csv", "name,headline\nP1 Person,Technical Recruiter at Acme | ex-Engineer\n"),
])
def test_a_row_without_a_role_gets_one_guessed_and_marked(filename, text):
    (row,) = rows_of(text, filename)
    assert (row.item["role"], row.item["role_guessed"]) == ("recruiter", True)


def test_a_role_in_the_file_wins_and_is_no_guess():
    (row,) = rows_of("name,title,role\nAnn,Technical Recruiter,Hiring Manager\n")
    assert row.item["role"] == "hiring_manager" and "role_guessed" not in row.item


def test_an_unknown_role_falls_back_to_the_guess():
    (row,) = rows_of("name,title,role\nAnn,Engineering Manager,Boss\n")
    assert (row.item["role"], row.item["role_guessed"]) == ("department_manager", True)
    assert any("'Boss'" in w for w in row.warnings)


def test_the_title_decides_before_the_headline_and_other_is_not_sent():
    (titled,) = rows_of("name,title,headline\nAnn,Software Engineer,Hiring Manager\n")
    assert "role" not in titled.item and "role_guessed" not in titled.item
    (plain,) = rows_of("name\nAnn\n")
    assert "role" not in plain.item
