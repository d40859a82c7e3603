"""Normalising contact input: names, phones, e-mails, profiles (no database access)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from nameparser import HumanName
from nameparser.config import CONSTANTS as C  # noqa: N811 - nameparser's own name

from server.domain.urls import InvalidProfileUrl, ProfileRef, canonicalize
from server.errors import ApiError

SCALAR_FIELDS = (
    "name", "first_name", "headline", "company", "title", "location", "timezone", "role",
    "notes", "avatar_url", "cadence_days",
)
FLAG_FIELDS = ("starred", "do_not_contact", "archived")
LIST_FIELDS = ("emails", "phones", "tags")
MAX_FIRST_NAME = 100
MAX_HANDLE = 200


# "Given Family" names of two plain words, none of them a word nameparser treats specially,
# parse the same every time: answered without it (a HumanName costs ~50 µs, a sizeable part
# of saving a contact). tests/services/test_first_names.py checks this against nameparser.
_PLAIN_WORD = re.compile(r"[^\W_][\w'-]*")
_SPECIAL_WORDS = frozenset(
    [*C.prefixes, *C.conjunctions, *C.suffix_acronyms, *C.suffix_not_acronyms,
     *C.first_name_titles])
_TITLES = frozenset(C.titles)


def first_name_of(name: str) -> str | None:
    words = name.split()
    if len(words) == 2 and all(_PLAIN_WORD.fullmatch(w) for w in words):
        given, family = words[0].lower(), words[1].lower()
        if not ({given, family} & _SPECIAL_WORDS) and family not in _TITLES:
            return None if given in _TITLES else words[0][:MAX_FIRST_NAME]
    parsed = HumanName(name)
    # A one-word 200-character name parses as a first name longer than its column (100).
    return (parsed.first or "").strip()[:MAX_FIRST_NAME] or None


def normalise_phone(raw: str, region: str | None) -> str:
    """E.164 when the number parses (with the configured default region), else as written."""
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text


def union(existing: Sequence[str], new: Iterable[str], *, fold: bool = False) -> list[str]:
    """Existing order first, new values appended, duplicates (optionally case-folded) dropped."""
    out = list(existing)
    seen = {v.casefold() if fold else v for v in out}
    for value in new:
        key = value.casefold() if fold else value
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def canonical_profiles(items: Sequence[dict[str, Any]], path: str = "profiles") -> list[ProfileRef]:
    refs: list[ProfileRef] = []
    errors: dict[str, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        try:
            ref = canonicalize(item["url"])
        except InvalidProfileUrl as exc:
            errors[str(index)] = {"url": [str(exc)]}
            continue
        if ref.handle is not None and len(ref.handle) > MAX_HANDLE:
            # No network allows handles this long; the column holds 200 characters.
            errors[str(index)] = {"url": [f"The profile name is longer than {MAX_HANDLE} "
                                          "characters."]}
            continue
        network = item.get("network")
        if network and network != ref.network and ref.network != "other":
            errors[str(index)] = {
                "network": [f"The URL is a {ref.network} URL, not {network}."]
            }
            continue
        if network and ref.network == "other":
            ref = ProfileRef(network=network, url=ref.url, handle=ref.handle,
                             is_profile=ref.is_profile)
        if all(r.url != ref.url for r in refs):
            refs.append(ref)
    if errors:
        raise ApiError(422, "The request has invalid fields.", {"json": {path: errors}})
    return refs
