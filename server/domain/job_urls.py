"""Canonical job-posting URLs: one address per job, whatever link the user arrived by.

Twin of ``extension/lib/joburls.js``: both follow the same steps in the same order and are
checked against one table of cases (``extension/test/fixtures/job_url_cases.json``). Change
both or neither. The URL is split by hand, not with urllib or WHATWG ``URL``, whose rules differ.

A posting on one of the five job boards becomes:

- LinkedIn: ``https://linkedin.com/jobs/view/<id>``, from ``/jobs/view/<id>``,
  ``/jobs/view/<title>-at-<company>-<id>`` (logged-out pages), ``/comm/jobs/view/<id>`` (e-mail
  links) and any ``/jobs/...?currentJobId=<id>`` (the search and collection views); any
  ``*.linkedin.com`` host. The host loses ``www.`` as profile URLs do.
- Greenhouse: ``https://job-boards.greenhouse.io/<co>/jobs/<id>``, from
  ``boards.greenhouse.io`` (the old host, which redirects there), ``job-boards.greenhouse.io``
  and the embed ``/embed/job_app?for=<co>&token=<id>``; ``*.eu.greenhouse.io`` keeps its region.
- Lever: ``https://jobs.lever.co/<co>/<uuid>`` (``jobs.eu.lever.co`` kept), ``/apply`` dropped.
- Ashby: ``https://jobs.ashbyhq.com/<co>/<uuid>``, ``/application`` dropped.
- Workable: ``https://apply.workable.com/<co>/j/<ID>``, ``/apply`` dropped.

Decisions where the contract is silent:
- Only explicit ``http://`` or ``https://`` URLs are accepted; the result is always https.
  Whitespace or control characters inside the URL, user info, hosts without a dot and ports
  outside 1-65535 are rejected; edges are trimmed; longer than 2048 characters is rejected.
- Board postings lose their whole query and fragment. Company slugs and uuids are lower-cased
  (the boards treat them so); Workable's job shortcode is upper-cased.
- Any other URL (a company's career page, a board page that is no posting) keeps its path
  (without empty segments, so no trailing slash) and its query minus tracking parameters
  (``utm_*``, ``gh_src``, ``lever-*``, ``refId``, ``trackingId``, ``trk``, click ids…), in
  their order: ``?id=123`` or ``?gh_jid=123`` may be what tells two jobs apart there. The host
  is lower-cased and loses ``www.``; a non-default port is kept (a board host on another port
  is no board).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.domain.url_parts import InvalidUrl, parse_authority

MAX_LENGTH = 2048

# C0 controls, space and DEL.
EDGE = "".join(map(chr, range(0x21))) + "\x7f"
_INSIDE_BAD = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_DIGITS = re.compile(r"[0-9]+")
_TRAILING_ID = re.compile(r"(?:^|-)([0-9]+)$")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_WORKABLE_ID = re.compile(r"[A-Za-z0-9]+")

BOARDS = ("linkedin", "greenhouse", "lever", "ashby", "workable")
GREENHOUSE_HOSTS = {
    "boards.greenhouse.io": "job-boards.greenhouse.io",
    "job-boards.greenhouse.io": "job-boards.greenhouse.io",
    "boards.eu.greenhouse.io": "job-boards.eu.greenhouse.io",
    "job-boards.eu.greenhouse.io": "job-boards.eu.greenhouse.io",
}
LEVER_HOSTS = {"jobs.lever.co", "jobs.eu.lever.co"}
ASHBY_HOSTS = {"jobs.ashbyhq.com"}
WORKABLE_HOSTS = {"apply.workable.com"}

TRACKING_PREFIXES = ("utm_",)
TRACKING = frozenset({
    "gh_src", "lever-source", "lever-origin", "lever-via", "lever-referer", "refid",
    "trackingid", "trk", "trkinfo", "lipi", "ref", "referrer", "src", "source", "fbclid",
    "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "ebp",
    "recommendedflavor", "originalsubdomain",
})


class InvalidJobUrl(InvalidUrl):
    """The input is not an http(s) URL we can store."""


@dataclass(frozen=True)
class JobUrl:
    board: str  # one of BOARDS, or "other"
    url: str
    is_posting: bool  # a board's posting (always False for "other")


def canonical_job_url(raw: str) -> JobUrl:
    text = _clean(raw)
    host, port, path, query = _split(text)
    segments = [s for s in path.split("/") if s]
    board = _board_of(host) if port == "" else None
    if board is not None:
        posting = _POSTINGS[board](host, segments, query)
        if posting is not None:
            return JobUrl(board, posting, True)
    return JobUrl(board or "other", _generic(host, port, segments, query), False)


def canonical_job_url_or_none(raw: str) -> JobUrl | None:
    try:
        return canonical_job_url(raw)
    except InvalidJobUrl:
        return None


def _clean(raw: str) -> str:
    if not isinstance(raw, str):
        raise InvalidJobUrl("URL must be a string")
    text = raw.strip(EDGE)
    if text == "":
        raise InvalidJobUrl("URL is empty")
    if len(text) > MAX_LENGTH:
        raise InvalidJobUrl(f"URL is longer than {MAX_LENGTH} characters")
    if _INSIDE_BAD.search(text):
        raise InvalidJobUrl("URL contains spaces or control characters")
    return text


def _split(text: str) -> tuple[str, str, str, str]:
    """(host, port, path, query) of an http(s) URL; the fragment is dropped."""
    scheme = _SCHEME.match(text)
    if scheme is None or scheme[1].lower() not in ("http", "https"):
        raise InvalidJobUrl("only http:// and https:// URLs are accepted")
    rest = text[scheme.end():]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    rest = rest[len(authority):].split("#", 1)[0]
    path, _, query = rest.partition("?")
    host, port = _parse_authority(authority)
    return host, port, path, query


def _parse_authority(authority: str) -> tuple[str, str]:
    return parse_authority(authority, InvalidJobUrl)


def _board_of(host: str) -> str | None:
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        return "linkedin"
    if host in GREENHOUSE_HOSTS:
        return "greenhouse"
    if host in LEVER_HOSTS:
        return "lever"
    if host in ASHBY_HOSTS:
        return "ashby"
    if host in WORKABLE_HOSTS:
        return "workable"
    return None


def _query_param(query: str, name: str) -> str:
    """The first raw value of `name` in `query`, or ""."""
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return ""


def _linkedin(host: str, segments: list[str], query: str) -> str | None:
    parts = [s.lower() for s in segments]
    if parts[:1] == ["comm"]:
        parts, segments = parts[1:], segments[1:]
    job_id = ""
    if len(parts) >= 3 and parts[0] == "jobs" and parts[1] == "view":
        found = _TRAILING_ID.search(segments[2])
        job_id = found[1] if found else ""
    elif parts[:1] == ["jobs"]:
        job_id = _query_param(query, "currentJobId")
    if not _DIGITS.fullmatch(job_id):
        return None
    return "https://linkedin.com/jobs/view/" + job_id


def _greenhouse(host: str, segments: list[str], query: str) -> str | None:
    company, job_id = "", ""
    if len(segments) >= 3 and segments[1] == "jobs":
        company, job_id = segments[0], segments[2]
    elif [s.lower() for s in segments] == ["embed", "job_app"]:
        company, job_id = _query_param(query, "for"), _query_param(query, "token")
    if not (_SLUG.fullmatch(company) and _DIGITS.fullmatch(job_id)):
        return None
    return f"https://{GREENHOUSE_HOSTS[host]}/{company.lower()}/jobs/{job_id}"


def _company_and_uuid(host: str, segments: list[str], query: str) -> str | None:
    if len(segments) >= 2 and _SLUG.fullmatch(segments[0]) and _UUID.fullmatch(segments[1]):
        return f"https://{host}/{segments[0].lower()}/{segments[1].lower()}"
    return None


def _workable(host: str, segments: list[str], query: str) -> str | None:
    if (len(segments) >= 3 and _SLUG.fullmatch(segments[0]) and segments[1] == "j"
            and _WORKABLE_ID.fullmatch(segments[2])):
        return f"https://{host}/{segments[0].lower()}/j/{segments[2].upper()}"
    return None


_POSTINGS = {
    "linkedin": _linkedin,
    "greenhouse": _greenhouse,
    "lever": _company_and_uuid,
    "ashby": _company_and_uuid,
    "workable": _workable,
}


def is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith(TRACKING_PREFIXES) or lowered in TRACKING


def _generic(host: str, port: str, segments: list[str], query: str) -> str:
    labels = host.split(".")
    while len(labels) > 2 and labels[0] == "www":
        labels = labels[1:]
    kept = [pair for pair in query.split("&")
            if pair and not is_tracking(pair.partition("=")[0])]
    authority = ".".join(labels) + (":" + port if port else "")
    path = "".join("/" + s for s in segments)
    return f"https://{authority}{path}" + ("?" + "&".join(kept) if kept else "")
