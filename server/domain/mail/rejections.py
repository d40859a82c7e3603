"""A "no" in a sentence, and whether it is final (only when it says so, SPEC §12)."""

from __future__ import annotations

import re

from server.domain.mail.found import NO, Found, asks_or_hedges

_YOU = r"(?:your (?:application|candidacy|profile)|you)"
NO_PATTERNS = re.compile("|".join((
    r"(?:decided|chosen|elected|opted) to (?:move|go) (?:forward|ahead) with (?:an|other|another"
    r"|a different|a more)",
    r"(?:decided|chosen|elected|opted) to (?:proceed|continue|pursue|progress) (?:with )?"
    r"(?:other|another|a different|a more)",
    rf"\bnot (?:be )?(?:moving|going|progressing|proceeding|taking) (?:forward |ahead |further )?"
    rf"(?:with )?{_YOU}",
    rf"(?:won't|will not|cannot|can't|are unable to|were unable to) (?:be )?(?:move|moving|"
    rf"progress|progressing|proceed|proceeding|take|taking|offer) (?:forward |ahead |further )?"
    rf"(?:with )?{_YOU}",
    r"(?:position|role|vacancy|job|opening) (?:has|have) (?:now |already )?been filled",
    r"\b(?:we|i) (?:have )?(?:now |already )?filled the (?:position|role|vacancy)",
    r"regret to (?:inform|let you know|tell you)",
    r"\bnot (?:been )?(?:selected|shortlisted)",
    r"(?:was|has been|were|have been) unsuccessful",
    r"decided not to (?:proceed|move forward|progress|continue|offer|invite|pursue)",
    r"(?:will not|won't) be (?:offering|extending) (?:you )?(?:an? |the )?(?:offer|position|role)",
    r"no longer (?:considering|under consideration|being considered)",
    r"(?:position|role|vacancy|requisition) (?:has been|was|is) (?:closed|cancelled|canceled)",
)), re.IGNORECASE)
FINAL = re.compile("|".join((
    r"not (?:be )?(?:able to )?consider(?:ing)? (?:you|your application) for (?:any )?(?:future"
    r"|other|further)",
    r"(?:do not|don't|please do not|please don't) (?:re-?apply|apply again|contact us again)",
    r"not (?:be )?(?:keep|keeping|retain|retaining) your (?:cv|resume|résumé|details|profile)",
    r"no (?:further|future) (?:roles|positions|opportunities) (?:with|at|for) ",
)), re.IGNORECASE)


def find_no(sentence: str) -> Found | None:
    if asks_or_hedges(sentence) or not NO_PATTERNS.search(sentence):
        return None
    return Found(NO, sentence, 0.9, final=bool(FINAL.search(sentence)))


def says_final(sentence: str) -> bool:
    return not asks_or_hedges(sentence) and bool(FINAL.search(sentence))
