"""Profile URL canonicalisation (SPEC §3).

Twin of ``extension/lib/urls.js``: both follow the same steps in the same order and are checked
against one table of vectors (``tests/fixtures/url_cases.json``). Change both or neither.

Steps: trim, split scheme/authority/path/query (by hand, not with urllib or WHATWG ``URL``, whose
differences would make the twins disagree), normalise the host, percent-decode the path, then let
the network's rule recognise a profile and reduce sub-pages to it.

Decisions where SPEC §3 is silent:
- Input is trimmed of whitespace and C0 controls; controls inside it are rejected. Longer than
  2048 characters (code points), before or after canonicalisation, is rejected.
- No scheme (``linkedin.com/in/x``, ``//linkedin.com/in/x``) means https. Any scheme other than
  http(s) is rejected; so are user info (``user@host``), IPv6 literals, non-ASCII hosts (use
  punycode), hosts without a dot (``localhost``) and ports outside 1-65535.
- Default ports (80, 443) are dropped. A known network on another port is not that network: the
  URL is ``other`` and keeps its port.
- Known networks lose ``www.``, ``m.``, ``mobile.``, ``mbasic.``, ``touch.``, ``web.`` and
  locale labels (``de.``, ``fr-fr.``) on the left; any other subdomain (``business.linkedin.com``,
  ``gist.github.com``) is kept and is never a profile. Unknown hosts lose only ``www.``.
- The path is percent-decoded segment by segment; ``%``, ``/``, ``?``, ``#``, controls and
  whitespace stay (re-)encoded as upper-case ``%XX`` so decoding is idempotent. A malformed
  escape or invalid UTF-8 is rejected. Empty and ``.`` segments are dropped and ``..`` pops, on
  every host.
- Profile paths are folded: Unicode lower-casing then NFC. Python 3.11 knows Unicode 14 and
  Node 20 knows a later version, so letters added since may fold differently.
- LinkedIn ``/pub/<slug>/<a>/<b>/<c>`` (old public URLs) are profiles kept in that form, folded:
  the mapping to ``/in/`` is undocumented, so we don't guess it; the handle is ``<slug>``.
  ``/pub/dir/...`` is the people directory, not a profile. ``/in/me`` is "my own profile".
- Facebook ``/people/<name>/<id>`` and ``/<id>`` are the numeric-id profile and become
  ``profile.php?id=<id>``; the handle of such a profile is the id.
- X ``/<h>/status/<id>`` and Instagram ``/<u>/p/<code>`` reduce to the author's profile, like
  every other sub-page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote

from server.domain.url_parts import InvalidUrl, parse_authority

MAX_LENGTH = 2048

# C0 controls, space, DEL and the Unicode spaces JavaScript's \s knows.
_SPACE = r"\x00-\x20\x7f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# The same characters as a plain string for str.strip, which trims in one pass from each end.
# A regex like ``[...]+$`` retries from every position of an inner run of spaces, so a long run
# that is not at the end costs quadratic time (100,000 spaces took half a minute).
EDGE_SPACE = "".join(map(chr, [*range(0x21), 0x7F, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028,
                               0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF]))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(rf"[{_SPACE}%/?#]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME_WITH_SLASHES = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# "host:443/path" has no scheme; "mailto:x" and "javascript:x" do.
_SCHEME_WITHOUT_SLASHES = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?![0-9]*(?:[/?#]|$))")
_LOCALE = re.compile(r"[a-z]{2}(?:-[a-z]{2})?")
_DIGITS = re.compile(r"[0-9]+")

NETWORK_DOMAINS = {
    "linkedin.com": "linkedin",
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "github.com": "github",
}
RENAMED_HOSTS = {"twitter.com": "x.com"}
HOST_ALIASES = {"www", "m", "mobile", "mbasic", "touch", "web"}

_PUB_PART = re.compile(r"[0-9a-z]{1,3}")
_X_HANDLE = re.compile(r"[a-z0-9_]{1,15}")
X_RESERVED = {
    "home", "explore", "search", "i", "settings", "notifications", "messages", "hashtag",
    "compose", "login", "logout", "signup", "intent", "share", "tos", "privacy", "jobs",
    "download", "account",
}  # fmt: skip
_INSTAGRAM_HANDLE = re.compile(r"[a-z0-9._]{1,30}")
INSTAGRAM_RESERVED = {
    "explore", "p", "reel", "reels", "stories", "accounts", "direct", "tv", "about", "legal",
    "developer", "web", "emails", "challenge", "oauth", "privacy", "static", "api", "graphql",
}  # fmt: skip
_FACEBOOK_HANDLE = re.compile(r"[a-z0-9][a-z0-9.]*")
FACEBOOK_RESERVED = {
    "groups", "pages", "watch", "marketplace", "events", "share", "sharer", "login", "help",
    "settings", "notifications", "messages", "friends", "gaming", "reel", "reels", "stories",
    "hashtag", "search", "bookmarks", "saved", "fundraisers", "ads", "business", "privacy",
    "policies", "legal", "dialog", "plugins", "photo", "photos", "videos", "video", "media",
    "memories", "games", "live", "news", "jobs", "l", "p", "home", "about", "careers",
    "developers", "terms", "recover", "checkpoint", "me", "people",
}  # fmt: skip
_GITHUB_HANDLE = re.compile(r"[a-z0-9][a-z0-9-]{0,38}")
GITHUB_RESERVED = {
    "settings", "orgs", "organizations", "features", "marketplace", "topics", "login", "logout",
    "join", "signup", "notifications", "pulls", "issues", "explore", "sponsors", "about",
    "pricing", "enterprise", "collections", "trending", "new", "search", "apps", "codespaces",
    "dashboard", "security", "site", "contact", "customer-stories", "readme", "team", "users",
    "events", "stars", "watching", "account", "sessions", "copilot", "education", "nonprofit",
    "mobile", "git-guides", "models", "resources", "solutions", "partners",
}  # fmt: skip


class InvalidProfileUrl(InvalidUrl):
    """The input is not an http(s) URL we can store."""


@dataclass(frozen=True)
class ProfileRef:
    network: str
    url: str
    handle: str | None
    is_profile: bool


# A recognised profile: its path segments, its query ("" or "id=N") and its handle.
_Profile = tuple[list[str], str, str]


# The commonest input by far (every row of a LinkedIn export) in a form where the full
# algorithm below changes nothing but case, scheme, "www." and a trailing slash: answered
# directly. tests/domain/test_urls.py checks the shortcut against the full algorithm.
_PLAIN_LINKEDIN = re.compile(r"(?:https?://)?(?:www\.)?linkedin\.com/in/([a-z0-9_-]+)/?",
                             re.ASCII | re.IGNORECASE)


def canonicalize(raw: str) -> ProfileRef:
    plain = _PLAIN_LINKEDIN.fullmatch(raw) if isinstance(raw, str) else None
    if plain is not None:
        slug = plain[1].lower()
        if slug != "me":
            return ProfileRef("linkedin", "https://linkedin.com/in/" + slug, slug, True)
    return canonicalize_fully(raw)


def canonicalize_fully(raw: str) -> ProfileRef:
    """`canonicalize` without its shortcut: every step, for every input."""
    text = _clean(raw)
    host, port, path, query = _split(text)
    segments = _decode_path(path)
    network = _network_of_host(host) if port == "" else None
    if network is None:
        url = _build(_strip_www(host), port, segments, "")
        return ProfileRef("other", _checked(url), None, False)
    host = _strip_subdomains(host)
    host = RENAMED_HOSTS.get(host, host)
    profile = _PROFILE_RULES[network](segments, query) if host in NETWORK_DOMAINS else None
    if profile is None:
        url = _build(host, port, segments, "")
        return ProfileRef(network, _checked(url), None, False)
    profile_segments, profile_query, handle = profile
    url = _build(host, port, profile_segments, profile_query)
    return ProfileRef(network, _checked(url), handle, True)


def network_of(raw: str) -> str:
    """The network of ``raw``; raises InvalidProfileUrl like canonicalize."""
    return canonicalize(raw).network


def _clean(raw: str) -> str:
    if not isinstance(raw, str):
        raise InvalidProfileUrl("URL must be a string")
    text = raw.strip(EDGE_SPACE)
    if text == "":
        raise InvalidProfileUrl("URL is empty")
    if len(text) > MAX_LENGTH:
        raise InvalidProfileUrl(f"URL is longer than {MAX_LENGTH} characters")
    if _CONTROL.search(text):
        raise InvalidProfileUrl("URL contains control characters")
    return text


def _split(text: str) -> tuple[str, str, str, str]:
    """(host, port, path, query) of an http(s) URL; the fragment is dropped."""
    with_slashes = _SCHEME_WITH_SLASHES.match(text)
    without_slashes = _SCHEME_WITHOUT_SLASHES.match(text)
    if text.startswith("//"):
        rest = text[2:]
    elif with_slashes:
        if with_slashes[1].lower() not in ("http", "https"):
            raise InvalidProfileUrl("only http(s) URLs are accepted")
        rest = text[with_slashes.end() :]
    elif without_slashes:
        if without_slashes[1].lower() not in ("http", "https"):
            raise InvalidProfileUrl("only http(s) URLs are accepted")
        raise InvalidProfileUrl("URL has no host")
    else:
        rest = text
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    rest = rest[len(authority) :].split("#", 1)[0]
    path, _, query = rest.partition("?")
    host, port = _parse_authority(authority)
    return host, port, path, query


def _parse_authority(authority: str) -> tuple[str, str]:
    return parse_authority(authority, InvalidProfileUrl)


def _decode_path(path: str) -> list[str]:
    """Decoded segments, without empty and dot segments."""
    segments: list[str] = []
    for raw_segment in path.split("/"):
        segment = _percent_decode(raw_segment)
        if segment == ".." and segments:
            segments.pop()
        elif segment not in ("", ".", ".."):
            segments.append(segment)
    return segments


def _percent_decode(segment: str) -> str:
    if _BAD_ESCAPE.search(segment):
        raise InvalidProfileUrl("malformed percent-escape in path")
    try:
        return unquote(segment, errors="strict")
    except UnicodeDecodeError:
        raise InvalidProfileUrl("percent-escapes in path are not valid UTF-8") from None


def _network_of_host(host: str) -> str | None:
    for domain, network in NETWORK_DOMAINS.items():
        if host == domain or host.endswith("." + domain):
            return network
    return None


def _strip_subdomains(host: str) -> str:
    labels = host.split(".")
    while len(labels) > 2 and (labels[0] in HOST_ALIASES or _LOCALE.fullmatch(labels[0])):
        labels = labels[1:]
    return ".".join(labels)


def _strip_www(host: str) -> str:
    labels = host.split(".")
    while len(labels) > 2 and labels[0] == "www":
        labels = labels[1:]
    return ".".join(labels)


def _fold(text: str) -> str:
    """Case-insensitive form of a profile path segment; JS: toLowerCase().normalize("NFC")."""
    return unicodedata.normalize("NFC", text.lower())


def _head(segments: list[str]) -> str:
    return _fold(segments[0]) if segments else ""


def _linkedin(segments: list[str], query: str) -> _Profile | None:
    head = _head(segments)
    slug = _fold(segments[1]) if len(segments) >= 2 else ""
    if head == "in" and slug not in ("", "me"):
        return ["in", slug], "", slug
    if head == "pub" and len(segments) >= 5 and _fold(segments[1]) != "dir":
        parts = [_fold(segment) for segment in segments[1:5]]
        if all(_PUB_PART.fullmatch(part) for part in parts[1:]):
            return ["pub", *parts], "", parts[0]
    return None


def _x(segments: list[str], query: str) -> _Profile | None:
    head = _head(segments)
    if _X_HANDLE.fullmatch(head) and head not in X_RESERVED:
        return [head], "", head
    return None


def _instagram(segments: list[str], query: str) -> _Profile | None:
    head = _head(segments)
    if _INSTAGRAM_HANDLE.fullmatch(head) and head not in INSTAGRAM_RESERVED:
        return [head], "", head
    return None


def _facebook(segments: list[str], query: str) -> _Profile | None:
    head = _head(segments)
    numeric_id = ""
    if head == "profile.php":
        numeric_id = _query_param(query, "id")
    elif head == "people" and len(segments) >= 3:
        numeric_id = segments[2]
    elif _DIGITS.fullmatch(head):
        numeric_id = head
    if _DIGITS.fullmatch(numeric_id):
        return ["profile.php"], "id=" + numeric_id, numeric_id
    if (
        _FACEBOOK_HANDLE.fullmatch(head)
        and not head.endswith(".php")
        and head not in FACEBOOK_RESERVED
    ):
        return [head], "", head
    return None


def _github(segments: list[str], query: str) -> _Profile | None:
    head = _head(segments)
    if len(segments) == 1 and _GITHUB_HANDLE.fullmatch(head) and head not in GITHUB_RESERVED:
        return [head], "", head
    return None


_PROFILE_RULES = {
    "linkedin": _linkedin,
    "x": _x,
    "instagram": _instagram,
    "facebook": _facebook,
    "github": _github,
}


def _query_param(query: str, name: str) -> str:
    """The first raw value of ``name`` in ``query``, or ""."""
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return ""


def _build(host: str, port: str, segments: list[str], query: str) -> str:
    path = "".join("/" + _UNSAFE.sub(lambda m: quote(m[0], safe=""), s) for s in segments)
    authority = f"{host}:{port}" if port else host
    return f"https://{authority}{path}" + (f"?{query}" if query else "")


def _checked(url: str) -> str:
    if len(url) > MAX_LENGTH:
        raise InvalidProfileUrl(f"URL is longer than {MAX_LENGTH} characters")
    return url
