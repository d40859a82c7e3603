"""The tier rule of SPEC §5.2 (one function), a contact's own keep-warm cadence (R9), and the
new-contact predicate checked against the engine itself."""

from __future__ import annotations

from itertools import chain, combinations

import pytest

from server.domain.interaction_types import NETWORKS, ROLES
from server.domain.nudges import rules_can_fire_for_new_contact, tier_of
from server.domain.nudges.model import ContactCtx
from tests.domain.nudge_builders import NY, World, at, utc


@pytest.mark.parametrize(
    ("active", "warmth", "starred", "touched", "tier"),
    [
        (True, None, False, False, "A"),
        (True, 80, True, True, "A"),
        (False, 40, False, False, "B"),
        (False, 39, True, False, "B"),
        (False, 39, False, True, "C"),
        (False, None, False, True, "C"),
        (False, 39, False, False, None),
        (False, None, False, False, None),
    ],
)
def test_tier_of(active: bool, warmth: int | None, starred: bool, touched: bool,
                 tier: str | None) -> None:
    assert tier_of(on_active_opportunity=active, warmth=warmth, starred=starred,
                   touched=touched) == tier


@pytest.mark.parametrize("status", ["on_hold", "closed_won", "closed_lost"])
def test_engine_tier_uses_active_opportunities_only(status: str) -> None:
    # Tier C (90 days), not A, when the only opportunity is not active.
    w = World(tz=NY)
    c = w.contact()
    w.opp((c, "peer"), status=status)
    w.log(c, "reply_received", at("2025-03-05T12:00", NY))
    [spec] = w.specs(at("2025-03-05T13:00", NY), "R9").values()
    assert spec.due_at == utc("2025-06-03T14:00Z")


# --- R9 with the contact's own cadence ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "cadence", "expected", "priority"),
    [
        ("C", 21, "2025-03-26T14:00Z", "P4"),  # instead of 90 days
        ("A", 45, "2025-04-21T14:00Z", "P3"),  # Saturday 19 April → Monday; A stays P3
        ("B", None, "2025-04-04T14:00Z", "P4"),  # unset: the tier's 30 days
        ("B", 0, "2025-04-04T14:00Z", "P4"),  # not a cadence: the tier's
    ],
)
def test_r9_uses_the_contacts_own_cadence(tier: str, cadence: int | None, expected: str,
                                          priority: str) -> None:
    w = World(tz=NY)
    c = w.contact(starred=tier == "B", cadence_days=cadence)
    if tier == "A":
        w.opp((c, "peer"), status="applied")
    w.log(c, "reply_received", at("2025-03-05T12:00", NY))
    [spec] = w.specs(at("2025-03-05T13:00", NY), "R9").values()
    assert (spec.due_at, spec.priority) == (utc(expected), priority)
    if cadence:
        assert f"you asked to check in with them every {cadence} days" in spec.reason
    else:
        assert f"tier {tier} contacts get a check-in every 30 days" in spec.reason


def test_r10_counts_with_the_own_cadence() -> None:
    # A 10-day cadence puts R9 within 7 days, so the cooling alarm stays quiet.
    w = World(tz=NY)
    c = w.contact(starred=True, warmth=35, previous_warmth=45)
    w.log(c, "reply_received", at("2025-02-25T12:00", NY))
    now = at("2025-03-05T12:00", NY)
    assert [s.rule for s in w.evaluate(now)] == ["R9", "R10"]
    w.set_contact(c, cadence_days=10)
    assert [s.rule for s in w.evaluate(now)] == ["R9"]


# --- the new-contact predicate against the engine ----------------------------------------------


def _subsets(items: tuple[str, ...]) -> list[frozenset[str]]:
    return [frozenset(s) for s in chain.from_iterable(
        combinations(items, k) for k in range(len(items) + 1))]


FLAGS = [{}, {"do_not_contact": True}, {"archived": True}, {"merged": True},
         {"starred": True, "warmth": 0, "previous_warmth": 50}]


def test_predicate_matches_the_engine_for_every_role_and_network_combination() -> None:
    now = utc("2025-03-05T12:00Z")
    fired = 0
    for role in ROLES:
        for networks in _subsets(NETWORKS):
            for flags in FLAGS:
                w = World(tz=NY)
                w.contact("New Person", role=role, networks=networks, has_phone=True, **flags)
                contact: ContactCtx = next(iter(w.contacts.values()))
                nudges = w.evaluate(now)
                expected = rules_can_fire_for_new_contact(contact)
                assert bool(nudges) == expected, (role, sorted(networks), flags)
                assert {s.rule for s in nudges} <= {"R7"}
                fired += expected
    # Managers with a warm-up network, not suppressed: 2 roles × 60 network sets × 2 flag sets.
    assert fired == 2 * 60 * 2
