"""Which URLs are people's profiles, in their canonical form (server.domain.urls, SPEC §3).

The importers need the canonical form locally to key interactions (`li-conn:<url>`) and to
match messages to connections. Only recognised profiles on known networks go to `profiles`:
a canonical URL belongs to one contact, so two people sharing `acme.com` as a "website" would
be merged by the server's URL matching; other websites go into the notes.
"""

from __future__ import annotations

import re

from server.domain.urls import InvalidProfileUrl, canonicalize

_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)")


def profile_url(raw: str) -> tuple[str, str] | None:
    """(canonical url, network) when `raw` is a person's profile on a known network."""
    try:
        ref = canonicalize(raw)
    except InvalidProfileUrl:
        return None
    return (ref.url, ref.network) if ref.is_profile else None


def looks_like_url(raw: str) -> bool:
    text = raw.strip().lower()
    return text.startswith(("http://", "https://", "www.")) or bool(_BARE_HOST.match(text))
