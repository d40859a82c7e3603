from server.importers.vcard import logical_lines
from tests.importers import samples
from tests.importers.helpers import by_line, rows_of


def vcards():
    return by_line(rows_of(samples.VCARDS, "contacts.vcf"))


def test_cards_start_on_their_begin_line_and_groups_are_skipped():
    assert sorted(vcards()) == [1, 12, 31, 34]


def test_vcard21_quoted_printable_charsets_and_soft_line_breaks():
    card = vcards()[1].item
    assert card["name"] == "Jürgen Müller"
    assert card["first_name"] == "Jürgen"
    assert card["company"] == "Bäckerei Schön"  # ISO-8859-1
    assert card["phones"] == ["+49 89 1234567"]
    assert card["emails"] == ["juergen@baeckerei.de"]
    assert card["notes"] == "Sehr freundlich, möchte über Stellen sprechen.\nZweite Zeile"


def test_apple_vcard30_grouped_urls_social_profiles_and_folded_lines():
    card = vcards()[12].item
    assert card["name"] == "Johnny Appleseed"
    assert card["company"] == "Orchards, Ltd."
    assert card["title"] == "Director of Sales"
    assert card["emails"] == ["johnny@orchards.example.com"]
    assert card["profiles"] == [
        {"url": "https://linkedin.com/in/johnny-appleseed", "network": "linkedin"},
        {"url": "https://x.com/johnnyseeds", "network": "x"},
    ]
    assert card["notes"] == (
        "Loves apples, pears and long folded notes that go on and on.\n"
        "Website (HomePage): https://orchards.example.com/johnny")
    assert card["tags"] == ["Hiring", "Warm leads"]


def test_card_without_end_fails_alone():
    broken = vcards()[31]
    assert broken.item is None and "END:VCARD" in broken.error


def test_vcard40_uris():
    card = vcards()[34].item
    assert card["name"] == "Zoë Ng"
    assert card["emails"] == ["zoe@example.org"]
    assert card["phones"] == ["+1-415-555-0123"]
    assert card["profiles"] == [{"url": "https://github.com/zoeng", "network": "github"}]
    assert card["location"] == "San Francisco, CA, USA"
    assert card["avatar_url"] == "https://example.com/zoe.jpg"


def test_logical_lines_keep_the_physical_start():
    lines = ["A:1\r\n", " 2\r\n", "B;ENCODING=QUOTED-PRINTABLE:x=\r\n", " y=\r\n", "z\r\n", "C:3\n"]
    assert list(logical_lines(lines)) == [(1, "A:12"), (3, "B;ENCODING=QUOTED-PRINTABLE:x yz"),
                                          (6, "C:3")]


def test_unreadable_property_is_a_warning():
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nthis is no property\nEND:VCARD\n"
    (row,) = rows_of(text, "a.vcf")
    assert row.item["name"] == "Ann"
    assert row.warnings == ("unreadable line 4 skipped",)


def test_latin1_file_without_qp():
    text = "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=ISO-8859-1:Müller;Anna\nEND:VCARD\n"
    (row,) = rows_of(text.encode("latin-1"), "a.vcf")
    assert row.item["name"] == "Anna Müller"
