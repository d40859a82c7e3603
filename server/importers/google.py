"""Google Contacts CSV, the current export (`First Name`, `Organization Name`, `Labels`,
`E-mail 1 - Label`) and the older one (`Name`, `Given Name`, `Organization 1 - Name`,
`Group Membership`, `E-mail 1 - Type`).

Repeating groups (`E-mail N`, `Phone N`, `Website N`, `Organization N`, `Address N`) are found
by pattern, so any N works. A cell may hold several values joined by ` ::: `. Group labels
become tags, except Google's system groups (`* myContacts`, `* starred`...). Values labelled
`* ...` are Google's primary ones and go first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from server.importers.csvrows import Cells, body, find_header, header_index, records
from server.importers.records import ContactFields, ImportRow, clean, split_multi

SOURCE: Final = "google"
_GROUP = re.compile(r"^(e mail|email|phone|website|organization|address) (\d+) ([a-z ]+)$")
_SYSTEM_LABELS: Final = frozenset({"mycontacts", "starred", "othercontacts"})


def is_google_header(names: list[str]) -> bool:
    return (any(_GROUP.match(n) for n in names) or "group membership" in names
            or {"given name", "family name"} <= set(names)
            or {"first name", "labels", "file as"} <= set(names))


@dataclass(frozen=True, slots=True)
class _Layout:
    """Column positions of one header: (group, number) -> {part: index}."""

    index: dict[str, int]
    groups: dict[tuple[str, int], dict[str, int]]

    @classmethod
    def of(cls, names: list[str]) -> _Layout:
        groups: dict[tuple[str, int], dict[str, int]] = {}
        for i, name in enumerate(names):
            if m := _GROUP.match(name):
                kind = "email" if m[1] in ("e mail", "email") else m[1]
                groups.setdefault((kind, int(m[2])), {})[m[3]] = i
        return cls(header_index(names), dict(sorted(groups.items())))

    def values(self, cells: list[str], kind: str, part: str = "value") -> list[str]:
        """All values of a repeating group, primary ('* ' label) first."""
        primary: list[str] = []
        others: list[str] = []
        for (group, _), parts in self.groups.items():
            if group != kind or part not in parts or parts[part] >= len(cells):
                continue
            label_at = parts.get("label", parts.get("type"))
            label = cells[label_at] if label_at is not None and label_at < len(cells) else ""
            target = primary if label.strip().startswith("*") else others
            target.extend(split_multi(cells[parts[part]]))
        return primary + others


def _tags(value: str) -> list[str]:
    tags = []
    for label in split_multi(value):
        name = label.lstrip("*").strip()
        if name and name.replace(" ", "").lower() not in _SYSTEM_LABELS:
            tags.append(name)
    return tags


def parse(lines: Iterable[str]) -> Iterator[ImportRow]:
    rows = records(lines)
    _, names = find_header(rows, is_google_header, "Google Contacts")
    layout = _Layout.of(names)
    for record in body(rows, len(names)):
        if record.cells is None:
            yield ImportRow(record.line, None, record.error)
            continue
        yield _contact(layout, record.cells).row(record.line, record.warnings)


def _contact(layout: _Layout, raw: list[str]) -> ContactFields:
    cells = Cells(layout.index, raw)
    given = cells.first("first name", "given name")
    family = cells.first("last name", "family name")
    middle = cells.first("middle name", "additional name")
    name = cells.get("name") or clean(" ".join(
        (cells.get("name prefix"), given, middle, family, cells.get("name suffix"))))
    company = cells.get("organization name") or next(
        iter(layout.values(raw, "organization", "name")), "")
    filed_as = cells.get("file as")
    if clean(filed_as).casefold() == clean(company).casefold():
        filed_as = ""  # a company's entry filed under its own name is still no person
    name = name or cells.get("nickname") or filed_as
    location = cells.get("location") or ", ".join(
        v for v in (layout.values(raw, "address", "city")[:1]
                    + layout.values(raw, "address", "region")[:1]
                    + layout.values(raw, "address", "country")[:1]) if v)
    return ContactFields(
        SOURCE, name=name, first_name=given, last_name=family,
        company=company,
        title=cells.get("organization title") or next(
            iter(layout.values(raw, "organization", "title")), ""),
        location=location,
        emails=layout.values(raw, "email"),
        phones=layout.values(raw, "phone"),
        urls=layout.values(raw, "website"),
        notes=cells.get("notes"),
        tags=_tags(cells.first("labels", "group membership")),
        avatar_url=cells.get("photo") if cells.get("photo").startswith("https://") else "",
    )
