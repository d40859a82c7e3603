from tests.importers import samples
from tests.importers.helpers import by_line, rows_of


def test_current_export_groups_multivalues_labels_and_lines():
    rows = by_line(rows_of(samples.GOOGLE, "contacts.csv"))
    assert sorted(rows) == [2, 4, 5]  # the first record spans lines 2-3 (multi-line note)
    maria = rows[2]
    assert maria.item["name"] == "Dr. Maria Luisa García"
    assert maria.item["first_name"] == "Maria"
    assert maria.item["company"] == "Globex"
    assert maria.item["title"] == "Head of Talent"
    assert maria.item["location"] == "Madrid, Spain"
    # '* Home' is Google's primary label: that address goes first
    assert maria.item["emails"] == ["maria.garcia@gmail.com", "maria@globex.com"]
    assert maria.item["phones"] == ["+34 600 123 456", "912 345 678"]
    assert maria.item["profiles"] == [
        {"url": "https://linkedin.com/in/maria-garcia-globex", "network": "linkedin"}]
    assert maria.item["notes"] == "Met at PyCon.\nPrefers email.\nWebsite: https://mariagarcia.dev"
    assert maria.item["tags"] == ["Recruiters"]  # system labels are not tags
    assert any("old@ex ample.com" in w for w in maria.warnings)


def test_row_with_nothing_usable_fails_and_name_only_row_gets_import_key():
    rows = by_line(rows_of(samples.GOOGLE))
    assert rows[4].item is None and "nothing to import" in rows[4].error
    assert rows[5].item["import_key"] == "google:bob builder|"
    assert rows[5].item["phones"] == ["555-0100"]


def test_old_export_header_names():
    (tom,) = rows_of(samples.GOOGLE_OLD)
    assert tom.line == 2
    assert tom.item["name"] == "Tom Tester"
    assert tom.item["first_name"] == "Tom"
    assert tom.item["company"] == "Initrode"
    assert tom.item["title"] == "QA Lead"
    assert tom.item["location"] == "Berlin"
    assert tom.item["emails"] == ["tom@tester.com"]
    assert tom.item["profiles"] == [{"url": "https://x.com/tomtests", "network": "x"}]
    assert tom.item["tags"] == ["Friends"]


def test_utf16_export_is_decoded():
    (tom,) = rows_of(samples.GOOGLE_OLD.encode("utf-16"))
    assert tom.item["name"] == "Tom Tester"


def test_any_group_number_is_read():
    header = "Name,E-mail 7 - Type,E-mail 7 - Value,Phone 12 - Type,Phone 12 - Value\n"
    (row,) = rows_of(header + "Ann,Work,ann@corp.com,Mobile,+1 202 555 0199\n")
    assert row.item["emails"] == ["ann@corp.com"]
    assert row.item["phones"] == ["+1 202 555 0199"]
