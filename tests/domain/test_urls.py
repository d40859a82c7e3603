"""SPEC §3 profile URLs: the shared vectors, then properties over generated URLs.

extension/test/urls.test.mjs runs the same vectors against the JavaScript twin.
"""

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.urls import (
    EDGE_SPACE,
    InvalidProfileUrl,
    ProfileRef,
    canonicalize,
    canonicalize_fully,
    network_of,
)

CASES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "url_cases.json").read_text(encoding="utf-8")
)
VALID = [case for case in CASES if not case.get("error")]
INVALID = [case for case in CASES if case.get("error")]


def _id(case: dict) -> str:
    text = case["in"]
    return repr(text if len(text) <= 80 else text[:60] + f"...({len(text)} chars)")


def test_the_table_is_exhaustive():
    assert len(CASES) >= 120
    assert {case["network"] for case in VALID} == {
        "linkedin", "x", "instagram", "facebook", "github", "other",
    }  # fmt: skip
    assert len(INVALID) >= 30


@pytest.mark.parametrize("case", VALID, ids=_id)
def test_valid_vector(case):
    assert canonicalize(case["in"]) == ProfileRef(
        network=case["network"],
        url=case["url"],
        handle=case["handle"],
        is_profile=case["is_profile"],
    )


@pytest.mark.parametrize("case", INVALID, ids=_id)
def test_invalid_vector(case):
    with pytest.raises(InvalidProfileUrl):
        canonicalize(case["in"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("javascript:alert(1)", "only http(s) URLs are accepted"),
        ("ftp://example.com", "only http(s) URLs are accepted"),
        ("", "URL is empty"),
        ("https://", "URL has no host"),
        ("https://a b.com", "invalid host"),
        ("https://me@example.com", "user names and passwords"),
        ("https://example.com:70000", "invalid port"),
        ("https://example.com/%zz", "malformed percent-escape"),
        ("https://example.com/%C3", "not valid UTF-8"),
        ("https://example.com/" + "a" * 2048, "longer than 2048"),
        ("https://example.com/a\x07b", "control characters"),
    ],
)
def test_error_messages_say_what_is_wrong(raw, message):
    with pytest.raises(InvalidProfileUrl, match=re.escape(message)):
        canonicalize(raw)


def test_invalid_profile_url_is_a_value_error():
    with pytest.raises(ValueError):
        canonicalize("mailto:jane@example.com")


def test_non_strings_are_rejected():
    with pytest.raises(InvalidProfileUrl, match="must be a string"):
        canonicalize(None)  # type: ignore[arg-type]


def test_network_of():
    assert network_of("https://twitter.com/jack") == "x"
    assert network_of("https://www.linkedin.com/feed/") == "linkedin"
    assert network_of("https://example.com/jane") == "other"
    with pytest.raises(InvalidProfileUrl):
        network_of("data:text/plain,hi")


def test_profile_ref_is_frozen():
    ref = canonicalize("https://github.com/octocat")
    with pytest.raises(AttributeError):
        ref.url = "https://github.com/someone-else"  # type: ignore[misc]


# --- properties -----------------------------------------------------------------------------

SCHEMES = ["", "//", "http://", "https://", "HTTPS://", "Http://"]
SUBDOMAINS = ["", "www.", "WWW.", "m.", "mobile.", "de.", "fr-fr.", "es-la.", "web.", "blog."]
DOMAINS = [
    "linkedin.com", "x.com", "twitter.com", "instagram.com", "facebook.com", "github.com",
    "example.com", "Example.ORG", "sub.example.co.uk",
]  # fmt: skip
PORTS = ["", ":", ":443", ":80", ":8080"]
HEADS = ["in", "pub", "dir", "profile.php", "people", "status", "p", "reels", "about", "..", "."]
SEGMENT_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=12)


@st.composite
def segments(draw: st.DrawFn) -> str:
    text = draw(
        st.one_of(
            st.sampled_from(HEADS), SEGMENT_TEXT, st.from_regex(r"[0-9]{1,16}", fullmatch=True)
        )
    )
    # Raw, fully encoded or partly encoded: decoding must not care.
    style = draw(st.sampled_from(["raw", "quoted", "upper"]))
    if style == "quoted":
        return quote(text, safe="")
    if style == "upper":
        return quote(text.upper(), safe="-._~")
    return quote(text, safe="-._~!$&'()*+,;=:@ \u00e9\u00fc\u00df\u0130\u03a3")


@st.composite
def urls(draw: st.DrawFn) -> str:
    path = "/".join(draw(st.lists(segments(), max_size=5)))
    trailing = draw(st.sampled_from(["", "/", "//"]))
    query = draw(st.sampled_from(["", "?", "?id=100012345678901", "?tab=stars&id=7", "?a=b/c"]))
    fragment = draw(st.sampled_from(["", "#", "#top", "#!/jack", "#a?b"]))
    scheme = draw(st.sampled_from(SCHEMES))
    host = draw(st.sampled_from(SUBDOMAINS)) + draw(st.sampled_from(DOMAINS))
    # Without a scheme, "host:" followed by "//" reads as the scheme "host" (browsers agree).
    port = draw(st.sampled_from(PORTS if scheme else [p for p in PORTS if p != ":"]))
    return scheme + host + port + ("/" + path if path else "") + trailing + query + fragment


def _assert_canonical_shape(ref: ProfileRef) -> None:
    assert ref.url.startswith("https://")
    authority, _, rest = ref.url[len("https://") :].partition("/")
    assert authority == authority.lower()
    assert not authority.startswith("www.")
    assert "#" not in ref.url
    assert not ref.url.endswith("/")
    if "?" in ref.url:
        assert ref.network == "facebook" and ref.is_profile
        assert re.fullmatch(r"https://facebook\.com/profile\.php\?id=[0-9]+", ref.url)
    assert (ref.handle is not None) == ref.is_profile
    if ref.network != "other":
        assert ref.network in {"linkedin", "x", "instagram", "facebook", "github"}
    if ref.is_profile:
        unescaped = re.sub(r"%[0-9A-F]{2}", "", rest)
        assert unescaped == unescaped.lower()


@given(urls())
def test_generated_urls_are_valid_idempotent_and_well_shaped(raw):
    ref = canonicalize(raw)
    assert canonicalize(ref.url) == ref
    _assert_canonical_shape(ref)


@given(st.text(max_size=60))
def test_arbitrary_text_is_rejected_or_canonical(raw):
    try:
        ref = canonicalize(raw)
    except InvalidProfileUrl:
        return
    assert canonicalize(ref.url) == ref
    _assert_canonical_shape(ref)


@given(urls(), st.sampled_from([" ", "\t", "\n", "\u00a0", "\ufeff"]))
def test_surrounding_whitespace_is_ignored(raw, space):
    assert canonicalize(space + raw + space) == canonicalize(raw)


@given(urls())
def test_scheme_does_not_matter(raw):
    bare = re.sub(r"^(?:[A-Za-z]+:)?//", "", raw)
    bare = re.sub(r"^([^/:]+):(?=/|$)", r"\1", bare)
    ref = canonicalize(bare)
    assert canonicalize("http://" + bare) == ref
    assert canonicalize("https://" + bare) == ref


def _either(func, raw):  # noqa: ANN001, ANN202 - a result or the error's message
    try:
        return func(raw)
    except InvalidProfileUrl as exc:
        return f"error: {exc}"


_PLAIN_LINKEDIN_PARTS = st.tuples(
    st.sampled_from(["", "http://", "https://", "HTTPS://", "hTtP://", "//", "ftp://"]),
    st.sampled_from(["", "www.", "WWW.", "m.", "www.www."]),
    st.sampled_from(["linkedin.com", "LinkedIn.com", "linkedin.co", "linkedin.com:443"]),
    st.sampled_from(["/in/", "/IN/", "/in//", "/pub/"]),
    st.text(alphabet="abcXYZ019_-.%é ıſKK", max_size=12),
    st.sampled_from(["", "/", "//", "?x=1", "#a", " "]),
)


@given(_PLAIN_LINKEDIN_PARTS)
def test_linkedin_shortcut_agrees_with_the_full_algorithm(parts):
    raw = "".join(parts)
    assert _either(canonicalize, raw) == _either(canonicalize_fully, raw)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_every_vector_agrees_with_the_full_algorithm(case):
    assert _either(canonicalize, case["in"]) == _either(canonicalize_fully, case["in"])


# --- hostile input (issue 12): trimming is linear ----------------------------------------------
# A run of a million spaces that is not at the end: `[\s]+$` retried it from each of its
# positions (quadratic: 100,000 spaces took half a minute, these would take hours); str.strip
# trims from each end once.
MILLION = 1_000_000


@pytest.mark.parametrize("raw, expected", [
    (" " * MILLION + "https://www.linkedin.com/in/Dana/" + "\u3000" * MILLION,
     "https://linkedin.com/in/dana"),
    ("\ufeff\t" * MILLION + "github.com/octocat" + "\x00\x7f\u2028" * MILLION,
     "https://github.com/octocat"),
])
def test_a_million_surrounding_spaces_are_trimmed(raw, expected):
    assert canonicalize(raw).url == expected


@pytest.mark.parametrize("raw", [
    "x" + " " * MILLION + "y",
    "https://linkedin.com/in/dana" + " " * MILLION + "?",
    "\u00a0" * MILLION + "a" + "\u2009" * MILLION + "b" + "\u2009" * MILLION,
])
def test_a_million_inner_spaces_are_refused(raw):
    with pytest.raises(InvalidProfileUrl, match="longer than 2048"):
        canonicalize(raw)


def test_every_javascript_space_and_control_is_trimmed():
    # The set the regex class spelled (and extension/lib/urls.js still spells), as characters.
    expected = {chr(c) for c in (*range(0x21), 0x7F, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF)}
    assert set(EDGE_SPACE) == expected
    for ch in sorted(expected):
        assert canonicalize(ch + "github.com/octocat" + ch).url == "https://github.com/octocat"
