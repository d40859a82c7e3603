"""What every importer yields, and the one place that turns parsed fields into a bulk item.

Decisions that apply to all formats live here:
- emails are trimmed, lower-cased and checked with email-validator (as the server does); an
  invalid one is left out and reported as a warning, so it never costs the rest of the row;
- only URLs that are people's profiles on a known network become `profiles`; other websites go
  into the notes (see profiles.py for why);
- a row with neither a profile nor an email gets `import_key` = "<source>:<name>|<company>",
  normalised, so re-importing the same source matches it (never used across sources);
- the name falls back to the email address; a row with no name, no profile URL and no email
  fails (a company alone is no person), and so does one with a profile but no name or email;
- every field is cut to the API's documented limit (server/schemas/contact.py), with a warning:
  a runaway cell (a 1 MB note, an unterminated quote) must not fail the item as a whole;
- a row without a (known) role gets one guessed from its title, else its headline
  (server.domain.roles), sent with `role_guessed` so the server never lets the guess replace
  a role the user chose.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from nameparser import HumanName
from nameparser.config import CONSTANTS

from server.domain.interaction_types import ROLES
from server.domain.roles import OTHER, guess_role
from server.importers.profiles import looks_like_url, profile_url

# The server's limits (server/schemas/contact.py): over them an item would fail as a whole.
NAME_MAX: Final = 200
IMPORT_KEY_MAX: Final = 300
EXTERNAL_ID_MAX: Final = 500
LIST_MAX: Final = 20
PHONE_MAX: Final = 40
EMAIL_MAX: Final = 254
URL_MAX: Final = 2048
TAG_MAX: Final = 50
TAGS_MAX: Final = 50
NOTES_MAX: Final = 10_000
INTERACTIONS_MAX: Final = 5000
TEXT_MAX: Final[dict[str, int]] = {
    "first_name": 100, "headline": 500, "company": 200, "title": 200, "location": 200,
}
QUOTED_MAX: Final = 60  # characters of a cell quoted in a warning
_SPACES = re.compile(r"\s+")
_HTTP_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One record of a source file.

    `line` is the 1-based physical line where the record starts in `member` (the zip member it
    came from, None for a plain file). Exactly one of `item` and `error` is set.
    """

    line: int
    item: dict[str, Any] | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    member: str | None = None


class ImportFileError(Exception):
    """The file as a whole can't be read in the requested format (no header, not a zip...)."""


def quoted(value: str) -> str:
    """A cell as a warning quotes it: repr'd, and shortened (a warning about a 1 MB cell must
    not be 1 MB long)."""
    if len(value) <= QUOTED_MAX:
        return repr(value)
    return f"{value[:QUOTED_MAX]!r}… ({len(value):,} characters)"


def cut(value: str, limit: int, what: str, warnings: list[str]) -> str:
    """`value` within `limit` characters; a warning names the field when it had to be cut."""
    if len(value) <= limit:
        return value
    warnings.append(f"{what} cut to {limit:,} characters (was {len(value):,})")
    return value[:limit].rstrip()


def clean(value: str | None) -> str:
    """Trimmed text with runs of whitespace collapsed; '' for None."""
    return _SPACES.sub(" ", value).strip() if value else ""


def normalise_key_part(value: str | None) -> str:
    return clean(unicodedata.normalize("NFKC", value or "")).casefold()


def import_key(source: str, name: str, company: str | None) -> str:
    key = f"{source}:{normalise_key_part(name)}|{normalise_key_part(company)}"
    if len(key) > IMPORT_KEY_MAX:
        key = f"{source}:sha1:{hashlib.sha1(key.encode()).hexdigest()}"
    return key


def first_name_of(full_name: str) -> str:
    """The given name of a full name; nameparser only where a plain split would be wrong."""
    tokens = full_name.split()
    if not tokens:
        return ""
    # nameparser costs ~0.2 ms a call: a 100k-row file of "Jane Doe" doesn't need it.
    if (len(tokens) <= 3 and "," not in full_name and "." not in full_name
            and tokens[0].lower() not in CONSTANTS.titles):
        return tokens[0]
    return HumanName(full_name).first or tokens[0]


def split_multi(value: str | None, pattern: str = r"\s*:::\s*") -> list[str]:
    """Cells holding several values (Google's ' ::: ')."""
    if not value:
        return []
    return [v for v in (p.strip() for p in re.split(pattern, value)) if v]


# Plain ASCII addresses that email-validator certainly accepts (a dot-atom local part, a
# dotted host name with an alphabetic TLD): checking them with it costs ~0.1 ms each.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _plain_email(text: str) -> bool:
    return (len(text) <= 254 and _PLAIN_EMAIL.fullmatch(text) is not None
            and len(text.partition("@")[0]) <= 64
            and text.rsplit(".", 1)[1] not in SPECIAL_USE_DOMAIN_NAMES)


def clean_emails(raw: Iterable[str]) -> tuple[list[str], list[str]]:
    """(valid emails, warnings): lower-cased, trimmed, de-duplicated, order kept."""
    emails: list[str] = []
    warnings: list[str] = []
    for value in raw:
        text = value.strip().strip("<>").strip()
        if text.lower().startswith("mailto:"):
            text = text[7:]
        if not text:
            continue
        if len(text) > EMAIL_MAX:
            warnings.append(f"invalid email {quoted(text)} left out: longer than {EMAIL_MAX} "
                            "characters")
            continue
        email = text.lower()
        if not _plain_email(email):
            try:
                email = validate_email(text, check_deliverability=False).normalized.lower()
            except EmailNotValidError as exc:
                warnings.append(f"invalid email {quoted(text)} left out: {exc}")
                continue
        if email not in emails:
            emails.append(email)
    return emails, warnings


def cap_interactions(interactions: list[dict[str, Any]],
                     warnings: list[str]) -> list[dict[str, Any]]:
    """At most the server's limit per item, the most recent kept."""
    if len(interactions) <= INTERACTIONS_MAX:
        return interactions
    warnings.append(f"only the {INTERACTIONS_MAX} most recent of {len(interactions)} "
                    "interactions kept")
    return sorted(interactions, key=lambda i: i["occurred_at"])[-INTERACTIONS_MAX:]


@dataclass(slots=True)
class ContactFields:
    """Parsed fields of one person, before validation into a bulk item."""

    source: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    headline: str = ""
    company: str = ""
    title: str = ""
    location: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    url_labels: dict[str, str] = field(default_factory=dict)  # website -> its label, for notes
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    avatar_url: str = ""
    role: str = ""  # one of ROLES, else ignored with a warning
    interactions: list[dict[str, Any]] = field(default_factory=list)

    def build(self) -> tuple[dict[str, Any] | None, str | None, tuple[str, ...]]:
        """(item, error, warnings) for POST /contacts/bulk."""
        emails, warnings = clean_emails(self.emails)
        profiles: list[dict[str, str]] = []
        websites: list[str] = []
        for raw in self.urls:
            if len(raw) > URL_MAX:
                warnings.append(f"URL {quoted(raw.strip())} left out: longer than {URL_MAX} "
                                "characters")
                continue
            found = profile_url(raw)
            if found is None:
                if raw.strip() and raw.strip() not in websites:
                    websites.append(raw.strip())
            elif all(p["url"] != found[0] for p in profiles):
                profiles.append({"url": found[0], "network": found[1]})
        given = clean(self.first_name)
        person = clean(self.name) or clean(f"{given} {clean(self.last_name)}")
        if not person and not emails:
            # An organisation alone is no person: naming a contact after it made one contact
            # per company row, each open to nudges meant for a person.
            if profiles:
                return None, "no name or email (a name is required)", tuple(warnings)
            return None, "nothing to import: no name, profile URL or email", tuple(warnings)
        # An email is how the user will recognise a nameless entry.
        name = cut(person or emails[0], NAME_MAX, "name", warnings)
        item: dict[str, Any] = {"name": name, "source": "import"}
        # Derived from the name already cut (nameparser is slow on long text), as the server
        # would derive it: cut without a word (the name's own warning says enough).
        derived = first_name_of(name)[:TEXT_MAX["first_name"]] if person and not given else ""
        texts = {"first_name": given or derived, "headline": clean(self.headline),
                 "company": clean(self.company), "title": clean(self.title),
                 "location": clean(self.location)}
        for key, value in texts.items():
            value = cut(value, TEXT_MAX[key], key.replace("_", " "), warnings)
            texts[key] = value
            if value:
                item[key] = value
        avatar = self.avatar_url.strip()
        if len(avatar) > URL_MAX or (avatar and not _HTTP_URL.match(avatar)):
            warnings.append(f"avatar {quoted(avatar)} left out: not an http(s) URL of at most "
                            f"{URL_MAX} characters")
        elif avatar:
            item["avatar_url"] = avatar
        self._role(item, texts, warnings)
        phones = list(dict.fromkeys(p.strip() for p in self.phones if p.strip()))
        for phone in [p for p in phones if len(p) > PHONE_MAX]:
            warnings.append(f"phone {quoted(phone)} left out: longer than {PHONE_MAX} "
                            "characters")
            phones.remove(phone)
        for key, values in (("emails", emails), ("phones", phones), ("profiles", profiles)):
            if len(values) > LIST_MAX:
                warnings.append(f"only the first {LIST_MAX} {key} kept")
            if values:
                item[key] = values[:LIST_MAX]
        lines = [self._website(w) for w in websites if looks_like_url(w)]
        own = self.notes.replace("\r\n", "\n").strip()
        notes = cut("\n".join([own, *lines] if own else lines), NOTES_MAX, "notes", warnings)
        if notes:
            item["notes"] = notes
        tags: list[str] = []
        for raw_tag in self.tags:
            tag = clean(raw_tag)
            if tag and (tag := cut(tag, TAG_MAX, "tag", warnings)) not in tags:
                tags.append(tag)
        if len(tags) > TAGS_MAX:
            warnings.append(f"only the first {TAGS_MAX} tags kept")
        if tags:
            item["tags"] = tags[:TAGS_MAX]
        if not profiles and not emails:
            item["import_key"] = import_key(self.source, name, texts["company"])
        if self.interactions:
            item["interactions"] = cap_interactions(self.interactions, warnings)
        return item, None, tuple(warnings)

    def _role(self, item: dict[str, Any], texts: dict[str, str], warnings: list[str]) -> None:
        """The role written in the file, else one guessed from the title (or, without a title,
        the headline), marked as a guess."""
        role = clean(self.role).lower().replace(" ", "_").replace("-", "_")
        if role in ROLES:
            item["role"] = role
            return
        if role:
            warnings.append(f"unknown role {quoted(clean(self.role))} left out (one of "
                            f"{', '.join(ROLES)})")
        guessed = guess_role(texts["title"] or texts["headline"])
        if guessed != OTHER:
            item["role"] = guessed
            item["role_guessed"] = True

    def _website(self, url: str) -> str:
        label = clean(self.url_labels.get(url))
        return f"Website ({label}): {url}" if label else f"Website: {url}"

    def row(self, line: int, extra_warnings: Iterable[str] = (),
            member: str | None = None) -> ImportRow:
        item, error, warnings = self.build()
        return ImportRow(line, item, error, (*extra_warnings, *warnings), member)


def contact_key(item: dict[str, Any]) -> str:
    """The key the importers use for a contact's own interactions: its first profile, else its
    first email, else its import key."""
    if item.get("profiles"):
        return str(item["profiles"][0]["url"])
    if item.get("emails"):
        return str(item["emails"][0])
    return str(item["import_key"])
