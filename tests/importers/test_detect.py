import io

import pytest

from server.importers import ImportFileError, detect_format
from tests.importers import samples
from tests.importers.helpers import rows_of


@pytest.mark.parametrize(("data", "name", "expected"), [
    (samples.CONNECTIONS, "export.csv", "linkedin"),
    (samples.CONNECTIONS_OLD, "Connections.csv", "linkedin"),
    (samples.GOOGLE, "contacts.csv", "google"),
    (samples.GOOGLE_OLD, "google.csv", "google"),
    (samples.VCARDS, "contacts.txt", "vcard"),
    (samples.PLAIN, "people.csv", "csv"),
    (samples.linkedin_zip(), "Basic_LinkedInDataExport.zip", "linkedin"),
])
def test_formats_are_detected_from_content(data, name, expected):
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    binary = io.BytesIO(raw)
    assert detect_format(binary, name) == expected
    assert binary.tell() == 0


def test_forced_format_reads_a_connections_file_as_plain_csv():
    rows = rows_of(samples.CONNECTIONS_OLD, fmt="csv")
    assert rows[0].item["name"] == "Grace Hopper"
    assert "interactions" not in rows[0].item


def test_unknown_format_and_zip_in_the_wrong_format_are_file_errors():
    with pytest.raises(ImportFileError):
        rows_of(samples.PLAIN, fmt="excel")
    with pytest.raises(ImportFileError, match="zip"):
        rows_of(samples.linkedin_zip(), fmt="google")


def test_csv_without_name_or_email_column_is_a_file_error():
    with pytest.raises(ImportFileError, match="header"):
        rows_of("foo,bar\n1,2\n")
