"""Any CSV with a header row, its columns recognised by common names.

Several columns may feed one field (`Email`, `Work email`, `Email 2`); a cell may hold several
emails or phones separated by `;`, `,` (emails only) or ` ::: `, and tags by `,`, `;` or `|`.
A delimiter of `;` or tab (European Excel) is recognised from the header line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Final

from server.importers.csvrows import (
    Cells,
    body,
    find_header,
    header_index,
    records,
    sniff_delimiter,
)
from server.importers.records import ContactFields, ImportRow, split_multi

SOURCE: Final = "csv"
# Field -> header names (normalised: lower-case words). Exact names first, then patterns.
_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("name", "full name", "fullname", "display name", "contact", "contact name",
             "person"),
    "first_name": ("first name", "first", "firstname", "given name", "forename"),
    "last_name": ("last name", "last", "lastname", "surname", "family name"),
    "company": ("company", "organization", "organisation", "org", "employer",
                "company name", "organization name", "account", "account name"),
    "title": ("title", "position", "job title", "jobtitle", "role title", "occupation",
              "organization title"),
    "headline": ("headline",),
    "role": ("role", "contact role"),
    "location": ("location", "city", "address", "region"),
    "notes": ("notes", "note", "comments", "comment", "description"),
    "tags": ("tags", "tag", "labels", "label", "groups", "group", "categories"),
    "avatar_url": ("avatar", "avatar url", "photo", "photo url", "picture"),
}
_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    "emails": re.compile(r"^(?:.* )?(?:e ?mail|mail)(?: address)?(?: \d+)?(?: value)?$"),
    "phones": re.compile(r"^(?:.* )?(?:phone|telephone|tel|mobile|cell)(?: number)?(?: \d+)?"
                         r"(?: value)?$"),
    "urls": re.compile(r"^(?:.* )?(?:linkedin|twitter|x|github|instagram|facebook|url|profile|"
                       r"website|web|homepage)(?: url| profile| link)?(?: \d+)?(?: value)?$"),
}


def _layout(names: list[str]) -> tuple[dict[str, int], dict[str, list[int]]]:
    index = header_index(names)
    single = {}
    for fieldname, aliases in _COLUMNS.items():
        for alias in aliases:
            if alias in index:
                single[fieldname] = index[alias]
                break
    claimed = set(single.values())
    multi = {key: [i for i, n in enumerate(names) if pattern.match(n) and i not in claimed]
             for key, pattern in _PATTERNS.items()}
    return single, multi


def is_plain_header(names: list[str]) -> bool:
    single, multi = _layout(names)
    return bool({"name", "first_name", "last_name"} & set(single) or multi["emails"])


def _values(cells: list[str], columns: list[int], separator: str) -> list[str]:
    """Every value of the columns feeding one list field, cells split on `separator`."""
    return [v for i in columns if i < len(cells) for v in split_multi(cells[i], separator)]


def parse(lines: Iterable[str]) -> Iterator[ImportRow]:
    stream = iter(lines)
    first = next(stream, "")
    delimiter = sniff_delimiter(first)
    rows = records(itertools.chain([first], stream), delimiter=delimiter)
    _, names = find_header(rows, is_plain_header, "CSV (a name or email column)")
    single, multi = _layout(names)
    for record in body(rows, len(names), delimiter):
        if record.cells is None:
            yield ImportRow(record.line, None, record.error)
            continue
        cells = Cells(single, record.cells)
        yield ContactFields(
            SOURCE, name=cells.get("name"), first_name=cells.get("first_name"),
            last_name=cells.get("last_name"), company=cells.get("company"),
            title=cells.get("title"), headline=cells.get("headline"),
            location=cells.get("location"), notes=cells.get("notes"),
            avatar_url=cells.get("avatar_url"), role=cells.get("role"),
            emails=_values(record.cells, multi["emails"], r"\s*(?::::|[;,\s])\s*"),
            phones=_values(record.cells, multi["phones"], r"\s*(?::::|;)\s*"),
            urls=_values(record.cells, multi["urls"], r"\s*(?::::|[;\s])\s*"),
            tags=split_multi(cells.get("tags"), r"\s*(?::::|[,;|])\s*"),
        ).row(record.line, record.warnings)
