"""CSV records with the physical line each starts on, shared by the CSV importers."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from server.importers.records import ImportFileError

_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # 1-based physical line where the record starts
    cells: list[str] | None  # None when the record could not be read
    error: str | None = None


def records(lines: Iterable[str], delimiter: str = ",") -> Iterator[Record]:
    """Every non-blank CSV record of `lines` (strings that keep their line endings).

    A quoted field may span lines, so a record starts one line after the previous one ended,
    which csv.reader's `line_num` (lines consumed so far) tells exactly.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    consumed = 0
    while True:
        start = consumed + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == consumed:  # nothing consumed: the reader can't go on
                return
            consumed = reader.line_num
            yield Record(start, None, f"unreadable CSV record: {exc}")
            continue
        consumed = reader.line_num
        if any(c.strip() for c in cells):
            yield Record(start, cells)


def norm_header(cell: str) -> str:
    """'E-mail 1 - Value' -> 'e mail 1 value'; '\ufeffFirst Name' -> 'first name'."""
    return _NON_WORD.sub(" ", cell.lower()).strip()


def find_header(
    rows: Iterator[Record], is_header: Callable[[list[str]], bool], what: str,
    max_preamble: int = 50,
) -> tuple[Record, list[str]]:
    """Skip a preamble (LinkedIn's `Notes:` paragraph and the like) up to the header record."""
    for seen, record in enumerate(rows):
        if record.cells is not None:
            names = [norm_header(c) for c in record.cells]
            if is_header(names):
                return record, names
        if seen >= max_preamble:
            break
    raise ImportFileError(f"no {what} header found")


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class Cells:
    """Access to a record's cells by normalised header name."""

    __slots__ = ("_cells", "_index")

    def __init__(self, index: dict[str, int], cells: list[str]) -> None:
        self._index = index
        self._cells = cells

    def get(self, name: str) -> str:
        i = self._index.get(name)
        if i is None or i >= len(self._cells):
            return ""
        return self._cells[i].strip()

    def first(self, *names: str) -> str:
        for name in names:
            value = self.get(name)
            if value:
                return value
        return ""


def header_index(names: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)  # the first of duplicate columns wins
    return index
