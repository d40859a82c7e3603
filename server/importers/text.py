"""Binary files to text streams: BOMs, UTF-16 (old Google exports) and legacy 8-bit files."""

from __future__ import annotations

import codecs
import io
from typing import IO, Final

SNIFF_BYTES: Final = 1 << 16


def sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut by the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def open_text(binary: IO[bytes]) -> io.TextIOWrapper:
    """A text stream over a seekable binary file, lines keeping their endings (for csv).

    Undecodable bytes become U+FFFD rather than aborting an import half-way.
    """
    head = binary.read(SNIFF_BYTES)
    binary.seek(0)
    return io.TextIOWrapper(binary, encoding=sniff_encoding(head), errors="replace",
                            newline="")
