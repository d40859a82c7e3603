"""`first_name_of`'s shortcut for plain two-word names agrees with nameparser everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nameparser import HumanName
from nameparser.config import CONSTANTS

from server.services.contact_fields import MAX_FIRST_NAME, first_name_of


def _nameparser(name: str) -> str | None:
    return (HumanName(name).first or "").strip()[:MAX_FIRST_NAME] or None


SPECIAL = sorted({*CONSTANTS.titles, *CONSTANTS.prefixes, *CONSTANTS.conjunctions,
                  *CONSTANTS.suffix_acronyms, *CONSTANTS.suffix_not_acronyms,
                  *CONSTANTS.first_name_titles})
PLAIN = st.text(alphabet="abcxyzABCÉéßİı0129'-_.,\"()", min_size=1, max_size=12)
WORD = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(SPECIAL).map(str.title),
    st.sampled_from(SPECIAL).map(lambda w: w.upper() + "."),
    PLAIN,
    st.sampled_from(["Jane", "Ada", "Bench", "Sir", "Dr", "Van", "de", "Jr", "III", "e", "y"]),
)


@settings(max_examples=3000)
@given(st.lists(WORD, min_size=1, max_size=3), st.sampled_from([" ", "  ", "\t", " \u00a0"]))
def test_the_shortcut_agrees_with_nameparser(words, space):
    name = space.join(words)
    assert first_name_of(name) == _nameparser(name)


@pytest.mark.parametrize("name", ["Jane Doe", "Bench redis-1-23", "Sir Elton", "Van Dyke",
                                  "Smith Jr", "Mr Smith", "J Smith", "Ada", "Ada Lovelace King",
                                  "Dr. Jane Doe", "Doe, Jane", "Jane 'JJ' Doe"])
def test_examples(name):
    assert first_name_of(name) == _nameparser(name)
