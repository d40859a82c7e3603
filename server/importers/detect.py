"""Which importer reads a file, and the one entry point: `iter_rows`."""

from __future__ import annotations

import csv
import itertools
import zipfile
from collections.abc import Iterator
from typing import IO, Final

from server.importers import google, linkedin, plain_csv, vcard
from server.importers.csvrows import allow_long_fields, norm_header, sniff_delimiter
from server.importers.records import ImportFileError, ImportRow
from server.importers.text import open_text

FORMATS: Final = ("auto", "linkedin", "google", "vcard", "csv")
_SNIFF_LINES: Final = 60


def _sniff_text(text: IO[str]) -> str:
    head = list(itertools.islice(text, _SNIFF_LINES))
    allow_long_fields()
    if any(line.strip().upper() == "BEGIN:VCARD" for line in head):
        return "vcard"
    reader = csv.reader(head, delimiter=sniff_delimiter(head[0] if head else ""))
    try:
        for cells in reader:
            names = [norm_header(c) for c in cells]
            if linkedin.is_connections_header(names):
                return "linkedin"
            if google.is_google_header(names):
                return "google"
    except csv.Error:
        pass
    return "csv"


def detect_format(binary: IO[bytes], filename: str = "") -> str:
    """'linkedin', 'google', 'vcard' or 'csv', from the content (the name only breaks ties)."""
    head = binary.read(4)
    binary.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return "linkedin"
    if filename.lower().endswith((".vcf", ".vcard")):
        return "vcard"
    text = open_text(binary)
    try:
        return _sniff_text(text)
    finally:
        text.detach()
        binary.seek(0)


def iter_rows(binary: IO[bytes], filename: str = "", fmt: str = "auto",
              me: str | None = None) -> Iterator[ImportRow]:
    """Stream the rows of one seekable binary file.

    Raises ImportFileError (before or while streaming) when the file as a whole can't be read.
    """
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = detect_format(binary, filename)
    if zipfile.is_zipfile(binary):
        binary.seek(0)
        if fmt != "linkedin":
            raise ImportFileError("a .zip is read only as the LinkedIn export (--format linkedin)")
        with zipfile.ZipFile(binary) as archive:
            yield from linkedin.parse_export(archive, me)
        return
    binary.seek(0)
    text = open_text(binary)
    try:
        if fmt == "linkedin":
            yield from linkedin.parse_connections(text)
        elif fmt == "google":
            yield from google.parse(text)
        elif fmt == "vcard":
            yield from vcard.parse(text)
        else:
            yield from plain_csv.parse(text)
    except UnicodeError as exc:  # only a UTF-16 file cut in half gets here
        raise ImportFileError(f"cannot decode the file: {exc}") from exc
    finally:
        text.detach()
