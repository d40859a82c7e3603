"""The text a message adds: HTML to text, then quoted replies, forwards and signatures cut."""

from __future__ import annotations

import contextlib
import re

from inscriptis import get_text
from mailparser_reply import EmailReplyParser

_PARSER = EmailReplyParser(languages=["en"])
# A forwarded message is someone else's text: it never carries this sender's commitments.
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(forwarded message|original message)\s*-{2,}|^\s*Begin forwarded",
    re.IGNORECASE | re.MULTILINE)
_SIGNATURE = re.compile(r"^(--\s*|__+\s*)$", re.MULTILINE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n\s*\n|\n(?=\s*[-*•]\s)")


def html_to_text(html: str) -> str:
    return get_text(html)


def new_text(body: str) -> str:
    """What this message itself says: quoted replies (Gmail's "On … wrote:", Outlook's
    "From: … Sent: …" header block, "> " lines), forwarded parts and signatures removed."""
    forward = _FORWARD.search(body)
    if forward:
        body = body[:forward.start()]
    # A parser hiccup must not lose the message: it is then kept whole.
    with contextlib.suppress(Exception):
        body = _PARSER.parse_reply(text=body)
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">"))
    signature = _SIGNATURE.search(body)
    if signature:
        body = body[:signature.start()]
    return body.strip()


def sentences(text: str) -> list[str]:
    """Sentences, each on one line, for the detectors and as evidence."""
    parts = _SENTENCE.split(text)
    return [" ".join(p.split()) for p in parts if p and p.strip()]
