"""CSV records with the physical lines each spans, shared by the CSV importers, and the check
that turns a quote left open (which swallows the rows after it) into a failed row."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from server.importers.records import ImportFileError

_NON_WORD = re.compile(r"[^0-9a-z]+")
# csv's default (128 KiB) fails a row for one long cell; the importers read the cell and cut
# it to the API's limit instead. Raising a process-wide limit can't break another reader.
FIELD_LIMIT: Final = 16 << 20
# A quoted field over more lines than this without any line that looks like a row is still
# worth a warning: it is either one long note or a quote left open.
LONG_FIELD_LINES: Final = 20


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # 1-based physical line where the record starts
    cells: list[str] | None  # None when the record could not be read
    error: str | None = None
    end: int = 0  # the physical line where it ends
    at_eof: bool = False  # the end of the file came inside a quoted field
    warnings: tuple[str, ...] = ()


class _Lines:
    """The lines csv reads, noting whether they ran out while a record was being read: they
    do only when a quoted field is still open at the end of the file."""

    __slots__ = ("_lines", "exhausted")

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            return next(self._lines)
        except StopIteration:
            self.exhausted = True
            raise


def allow_long_fields() -> None:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def records(lines: Iterable[str], delimiter: str = ",") -> Iterator[Record]:
    """Every non-blank CSV record of `lines` (strings that keep their line endings).

    A quoted field may span lines, so a record starts one line after the previous one ended,
    which csv.reader's `line_num` (lines consumed so far) tells exactly.
    """
    allow_long_fields()
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=delimiter)
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
            problem = (f"probable unterminated quote: the record that starts on line {start} "
                       f"is still unreadable on line {consumed} ({exc})"
                       if consumed > start else f"unreadable CSV record: {exc}")
            yield Record(start, None, problem, consumed)
            continue
        consumed = reader.line_num
        if any(c.strip() for c in cells):
            yield Record(start, cells, None, consumed, source.exhausted)


def _row_like(cell: str, delimiter: str, width: int) -> int:
    """How many continuation lines of a multi-line cell carry a whole row's delimiters."""
    needed = max(width - 1, 3)
    return sum(1 for inner in cell.splitlines()[1:] if inner.count(delimiter) >= needed)


def check_quotes(record: Record, width: int, delimiter: str = ",") -> Record:
    """`record`, or a failed one when a quote was probably left open.

    An open quote makes csv read on, through the next rows, to the next quote character in
    the file: the rows it swallows end up inside one cell (too long, or silently lost). Such a
    cell holds lines with as many delimiters as a row of this file has, or reaches the end of
    the file; a legitimate multi-line note rarely does either.
    """
    if record.cells is None:
        return record
    if record.at_eof:
        return Record(record.line, None,
                      f"probable unterminated quote: a quoted field opened on line "
                      f"{record.line} runs to the end of the file (line {record.end}); close "
                      "the quote and import the file again", record.end)
    if record.end <= record.line:
        return record
    span = record.end - record.line + 1
    swallowed = sum(_row_like(c, delimiter, width) for c in record.cells if "\n" in c
                    or "\r" in c)
    if swallowed:
        return Record(record.line, None,
                      f"probable unterminated quote: a quoted field opened on line "
                      f"{record.line} runs over {span} lines, to line {record.end}, taking in "
                      f"{swallowed} line{'s' if swallowed > 1 else ''} that look like rows of "
                      "their own; close the quote and import the file again", record.end)
    if span > LONG_FIELD_LINES:
        return Record(record.line, record.cells, None, record.end, False, (
            *record.warnings,
            f"a quoted field runs over {span} lines, from line {record.line} to line "
            f"{record.end}: if it is not one long note, a quote was left open"))
    return record


def body(rows: Iterator[Record], width: int, delimiter: str = ",") -> Iterator[Record]:
    """The records after the header, each checked for an open quote."""
    for record in rows:
        yield check_quotes(record, width, delimiter)


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
