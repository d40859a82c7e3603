"""vCard 2.1, 3.0 and 4.0, many cards per file.

Line handling is done here because it decides the line numbers and vobject's reader gets 2.1
wrong: folded lines (a leading space or tab continues the previous line) and quoted-printable
soft line breaks (a QP value ending in `=` continues on the next line, whatever it starts with)
are joined, remembering the physical line each card's BEGIN was on. vobject's `parseLine` then
splits each logical line into group, name, parameters and value. Values are decoded from
quoted-printable in their CHARSET, unescaped (`\\,` `\\;` `\\n` `\\:`), and Apple's grouped
`itemN.URL` take their `itemN.X-ABLabel` as a label.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator
from typing import Final

from vobject.base import ParseError, parseLine

from server.importers.profiles import profile_url
from server.importers.records import ContactFields, ImportRow, clean

SOURCE: Final = "vcard"
_UNESCAPES: Final = {"n": "\n", "N": "\n", ",": ",", ";": ";", ":": ":", "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED_SEMICOLON = re.compile(r"(?<!\\);")
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_SOCIAL_TEMPLATES: Final[dict[str, str]] = {
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://x.com/{}",
    "x": "https://x.com/{}",
    "facebook": "https://facebook.com/{}",
    "instagram": "https://instagram.com/{}",
    "github": "https://github.com/{}",
}
Param = dict[str, list[str]]


class _Logical:
    """One logical line being assembled from its physical lines.

    Pieces are collected and joined once: adding to one string (or rescanning it for `=` and
    its parameters) at every physical line made a card of many soft breaks quadratic.
    """

    __slots__ = ("head", "pieces", "qp", "start")

    def __init__(self, start: int, text: str) -> None:
        self.start = start
        self.pieces: list[str] = []
        self.head: list[str] | None = []  # the name and parameters, until the ':' is seen
        self.qp = False
        self.add(text)

    def add(self, piece: str) -> None:
        if not piece:
            return
        self.pieces.append(piece)
        if self.head is not None:
            before, colon, _ = piece.partition(":")
            self.head.append(before)
            if colon:
                self.qp = "QUOTED-PRINTABLE" in "".join(self.head).upper()
                self.head = None

    def soft_break(self) -> bool:
        """A quoted-printable value ending in '=' continues on the next line."""
        return self.qp and self.head is None and self.pieces[-1].endswith("=")

    def continue_soft(self, text: str) -> None:
        last = self.pieces[-1][:-1]  # the '=' (one physical line: no rescan)
        if last:
            self.pieces[-1] = last
        else:
            self.pieces.pop()
        self.add(text)

    def text(self) -> str:
        return "".join(self.pieces)


def logical_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(physical line number where it starts, unfolded line) for each non-blank line.

    Linear in the size of the input, however many soft breaks and folds a line has.
    """
    current: _Logical | None = None
    for number, physical in enumerate(lines, start=1):
        text = physical.rstrip("\r\n")
        if current is not None and current.soft_break():
            current.continue_soft(text)
        elif current is not None and text[:1] in (" ", "\t"):
            current.add(text[1:])
        else:
            if current is not None and (line := current.text()).strip():
                yield current.start, line
            current = _Logical(number, text)
    if current is not None and (line := current.text()).strip():
        yield current.start, line


def parse(lines: Iterable[str]) -> Iterator[ImportRow]:
    start = 0
    card: list[tuple[int, str]] | None = None
    for number, text in logical_lines(lines):
        keyword = text.strip().upper()
        if keyword == "BEGIN:VCARD":
            if card is not None:
                yield ImportRow(start, None, "card without END:VCARD")
            start, card = number, []
        elif keyword == "END:VCARD" and card is not None:
            row = _card(start, card)
            if row is not None:
                yield row
            card = None
        elif card is not None:
            card.append((number, text))
    if card is not None:
        yield ImportRow(start, None, "the file ends inside a card (no END:VCARD)")


def _params(raw: list[list[str]]) -> Param:
    params: Param = {}
    for entry in raw:
        if len(entry) == 1:  # vCard 2.1 bare parameter: TEL;WORK;VOICE
            bare = entry[0].upper()
            key = "ENCODING" if bare in ("QUOTED-PRINTABLE", "BASE64") else "TYPE"
            params.setdefault(key, []).append(entry[0])
        else:
            values = [v for item in entry[1:] for v in item.split(",")]
            params.setdefault(entry[0].upper(), []).extend(values)
    return params


def _decode(value: str, params: Param) -> str | None:
    """The value as text; None for binary (inline photos)."""
    encoding = (params.get("ENCODING") or [""])[0].upper()
    if encoding in ("B", "BASE64"):
        return None
    if encoding == "QUOTED-PRINTABLE":
        data = quopri.decodestring(value.encode("utf-8"))
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("cp1252", errors="replace")
    return value


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPES.get(m[1], m[0]), text)


def _parts(value: str) -> list[str]:
    return [_unescape(p).strip() for p in _UNESCAPED_SEMICOLON.split(value)]


def _social_url(value: str, params: Param) -> str:
    text = _unescape(value).strip()
    if profile_url(text):
        return text
    handle = (params.get("X-USER") or [""])[0] or re.sub(r"^x-apple:", "", text, flags=re.I)
    for kind in params.get("TYPE", []):
        if (template := _SOCIAL_TEMPLATES.get(kind.lower())) and handle:
            return template.format(handle.strip().lstrip("@"))
    return text


def _card(start: int, lines: list[tuple[int, str]]) -> ImportRow | None:
    fields = ContactFields(SOURCE)
    warnings: list[str] = []
    parsed: list[tuple[str, Param, str, str | None]] = []
    labels: dict[str, str] = {}
    for number, text in lines:
        try:
            name, raw_params, value, group = parseLine(text)
        except ParseError:
            warnings.append(f"unreadable line {number} skipped")
            continue
        params = _params(raw_params)
        decoded = _decode(value, params)
        if decoded is None:
            continue
        name = name.upper()
        if name == "X-ABLABEL" and group:
            label = _unescape(decoded).strip()
            labels[group.lower()] = (m[1] if (m := _APPLE_LABEL.match(label)) else label)
        parsed.append((name, params, decoded, group))
    formatted = given = family = nickname = ""
    organisation = False  # KIND:org, Apple's X-ABShowAs:COMPANY
    notes: list[str] = []
    for name, params, value, group in parsed:
        if name == "FN":
            formatted = _unescape(value)
        elif name == "N":
            parts = _parts(value) + [""] * 5
            family, given = parts[0], parts[1]
            fields.last_name = " ".join(p for p in (parts[2], family) if p)
            fields.first_name = given
        elif name == "NICKNAME":
            nickname = _unescape(value)
        elif name == "KIND" or name == "X-ADDRESSBOOKSERVER-KIND":
            if value.strip().lower() == "group":
                return None  # a contact group, not a person
            organisation = organisation or value.strip().lower() == "org"
        elif name == "X-ABSHOWAS":
            organisation = organisation or value.strip().upper() == "COMPANY"
        elif name == "EMAIL":
            fields.emails.append(re.sub(r"^mailto:", "", value.strip(), flags=re.I))
        elif name == "TEL":
            fields.phones.append(re.sub(r"^tel:", "", _unescape(value).strip(), flags=re.I))
        elif name == "URL":
            url = _unescape(value).strip()
            fields.urls.append(url)
            if group and group.lower() in labels:
                fields.url_labels[url] = labels[group.lower()]
        elif name == "X-SOCIALPROFILE":
            fields.urls.append(_social_url(value, params))
        elif name == "ORG":
            fields.company = fields.company or _parts(value)[0]
        elif name == "TITLE":
            fields.title = _unescape(value)
        elif name == "ROLE":
            fields.title = fields.title or _unescape(value)
        elif name == "NOTE":
            notes.append(_unescape(value).strip())
        elif name == "CATEGORIES":
            fields.tags += [_unescape(t) for t in _UNESCAPED_COMMA.split(value)]
        elif name == "ADR" and not fields.location:
            parts = _parts(value) + [""] * 7
            fields.location = ", ".join(p for p in (parts[3], parts[4], parts[6]) if p)
        elif name == "PHOTO" and value.strip().lower().startswith("https://"):
            fields.avatar_url = value.strip()
    fields.name = clean(formatted) or clean(f"{given} {fields.last_name}") or clean(nickname)
    if organisation and not (given or family):
        # A company's card (FN is its name): no person to name, unless an email says who.
        fields.name = ""
    fields.notes = "\n".join(n for n in notes if n)
    return fields.row(start, warnings)
