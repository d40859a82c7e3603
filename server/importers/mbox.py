"""An .mbox file (Google Takeout's "All mail"), streamed one raw message at a time.

Messages are separated by lines that start with "From "; inside a message such lines were
escaped as ">From " (mboxrd), which is undone. Nothing is held but the current message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

_ESCAPED = re.compile(rb"^>(>*From )")


def is_mbox(binary: IO[bytes], filename: str = "") -> bool:
    if filename.lower().endswith(".mbox"):
        return True
    head = binary.read(5)
    binary.seek(0)
    return head == b"From "


def iter_messages(binary: IO[bytes]) -> Iterator[bytes]:
    lines: list[bytes] = []
    started = False
    for line in binary:
        if line.startswith(b"From "):
            if started and lines:
                yield _message(lines)
            lines = []
            started = True
            continue
        if started:
            lines.append(_ESCAPED.sub(rb"\1", line))
    if started and lines:
        yield _message(lines)


def _message(lines: list[bytes]) -> bytes:
    raw = b"".join(lines)
    # The blank line before the next "From " belongs to the mbox, not to the message.
    return raw[:-1] if raw.endswith(b"\n\n") else raw
