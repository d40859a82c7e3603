from tests.importers import samples
from tests.importers.helpers import by_line, rows_of


def test_semicolon_csv_with_multiline_note():
    rows = by_line(rows_of(samples.PLAIN, "people.csv"))
    assert sorted(rows) == [2, 4, 6]
    priya = rows[2].item
    assert priya["name"] == "Priya Patel"
    assert priya["emails"] == ["priya@example.com"]
    assert priya["phones"] == ["+44 20 7946 0958"]
    assert priya["company"] == "Umbrella" and priya["title"] == "CTO"
    assert priya["profiles"] == [
        {"url": "https://linkedin.com/in/priya-patel", "network": "linkedin"}]
    assert priya["notes"] == "Met at the meetup;\nfollow up in March"
    assert priya["tags"] == ["a", "b", "c"]
    assert priya["role"] == "hiring_manager"


def test_nameparser_first_name_and_import_key():
    kwame = by_line(rows_of(samples.PLAIN))[4].item
    assert kwame["first_name"] == "Kwame"
    assert kwame["import_key"] == "csv:dr. kwame mensah|stark"


def test_row_left_with_nothing_fails_with_reason_and_warning():
    row = by_line(rows_of(samples.PLAIN))[6]
    assert row.item is None
    assert "nothing to import" in row.error
    assert any("not-an-email" in w for w in row.warnings)


def test_first_last_and_several_email_columns():
    text = ("first,last,email,Email 2,company,position,url\n"
            'Ann,Lee,ANN@Corp.com,"ann@home.org; ann@corp.com",Corp,Dev,https://corp.com\n')
    (row,) = rows_of(text)
    assert row.item["name"] == "Ann Lee"
    assert row.item["emails"] == ["ann@corp.com", "ann@home.org"]
    assert "profiles" not in row.item  # a homepage is not a profile
    assert row.item["notes"] == "Website: https://corp.com"


def test_unknown_role_is_a_warning():
    (row,) = rows_of("name,role\nAnn,CEO\n")
    assert "role" not in row.item
    assert any("CEO" in w for w in row.warnings)
