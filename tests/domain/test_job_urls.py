"""Canonical job-posting URLs: the shared cases, then properties over generated URLs.

extension/test/joburls.test.mjs runs the same cases against the JavaScript twin.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.job_urls import (
    BOARDS,
    InvalidJobUrl,
    JobUrl,
    canonical_job_url,
    canonical_job_url_or_none,
    is_tracking,
)

CASES = json.loads(
    (Path(__file__).parents[2] / "extension" / "test" / "fixtures" / "job_url_cases.json")
    .read_text(encoding="utf-8")
)
VALID = [case for case in CASES if not case.get("error")]
INVALID = [case for case in CASES if case.get("error")]


def test_the_table_covers_every_board_and_the_rest():
    assert len(CASES) >= 60
    postings = {case["board"] for case in VALID if case["is_posting"]}
    assert postings == set(BOARDS)
    assert {case["board"] for case in VALID} == {*BOARDS, "other"}
    assert len(INVALID) >= 15


@pytest.mark.parametrize("case", VALID, ids=lambda c: repr(c["in"]))
def test_valid_cases(case: dict) -> None:
    expected = JobUrl(case["board"], case["url"], case["is_posting"])
    assert canonical_job_url(case["in"]) == expected
    # Idempotent: the canonical URL is its own canonical URL.
    assert canonical_job_url(case["url"]) == expected


@pytest.mark.parametrize("case", INVALID, ids=lambda c: repr(c["in"]))
def test_invalid_cases(case: dict) -> None:
    with pytest.raises(InvalidJobUrl):
        canonical_job_url(case["in"])
    assert canonical_job_url_or_none(case["in"]) is None


@pytest.mark.parametrize("value", [None, 42, b"https://example.com", ["https://example.com"]])
def test_non_strings_are_invalid(value: object) -> None:
    with pytest.raises(InvalidJobUrl):
        canonical_job_url(value)  # type: ignore[arg-type]


def test_the_same_job_by_every_road_is_one_url():
    roads = [
        "https://www.linkedin.com/jobs/view/3812345678/",
        "https://www.linkedin.com/jobs/search/?currentJobId=3812345678&keywords=x",
        "https://nl.linkedin.com/jobs/view/engineer-at-acme-3812345678?trk=abc",
        "https://www.linkedin.com/comm/jobs/view/3812345678",
    ]
    assert {canonical_job_url(r).url for r in roads} == {
        "https://linkedin.com/jobs/view/3812345678"}


def test_tracking_keys():
    for key in ("utm_source", "UTM_MEDIUM", "gh_src", "lever-source", "refId", "trackingId",
                "trk", "fbclid"):
        assert is_tracking(key), key
    for key in ("id", "gh_jid", "currentJobId", "token", "for", "page"):
        assert not is_tracking(key), key


_slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
_query = st.lists(
    st.tuples(st.sampled_from(["utm_source", "gh_src", "trk", "refId", "x", "page"]),
              st.from_regex(r"[A-Za-z0-9%]{0,8}", fullmatch=True)),
    max_size=4,
).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))


@given(company=_slug, job_id=st.integers(min_value=1, max_value=10**12), query=_query,
       slash=st.booleans(), old_host=st.booleans())
def test_greenhouse_postings_ignore_host_query_and_slash(
    company: str, job_id: int, query: str, slash: bool, old_host: bool
) -> None:
    host = "boards.greenhouse.io" if old_host else "job-boards.greenhouse.io"
    raw = f"https://{host}/{company}/jobs/{job_id}{'/' if slash else ''}?{query}"
    assert canonical_job_url(raw) == JobUrl(
        "greenhouse", f"https://job-boards.greenhouse.io/{company}/jobs/{job_id}", True)


@given(path=st.lists(st.from_regex(r"[A-Za-z0-9._~-]{1,10}", fullmatch=True), max_size=4),
       query=_query)
def test_other_urls_are_idempotent_and_lose_only_tracking(path: list[str], query: str) -> None:
    raw = "https://careers.example.org/" + "/".join(path) + "/?" + query
    first = canonical_job_url(raw)
    assert canonical_job_url(first.url) == first
    assert first.board == "other" and not first.is_posting
    assert not first.url.endswith("/")
    kept = first.url.partition("?")[2]
    assert all(not is_tracking(pair.partition("=")[0]) for pair in kept.split("&") if pair)
    assert kept.count("page=") == query.count("page=")
