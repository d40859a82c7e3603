"""The contact tier of SPEC §5.2, the one place it is decided (the engine's R9 cadence and the
API's ``tier`` field both call ``tier_of``).

    tier_of(*, on_active_opportunity, warmth, starred, touched) -> "A" | "B" | "C" | None

A: on an active opportunity; B: warmth ≥ 40 or starred; C: touched at least once; else None.
"Touched" is any logged interaction other than a note (the adapter may use its stored
``last_touch_at is not None``, which is set by the same interactions).
"""

from __future__ import annotations

from typing import Final, Literal

Tier = Literal["A", "B", "C"]
TIER_B_WARMTH: Final = 40
# R9's default check-in cadence per tier, in days (a contact's own cadence overrides it).
TIER_DAYS: Final[dict[str, int]] = {"A": 14, "B": 30, "C": 90}


def tier_of(
    *, on_active_opportunity: bool, warmth: int | None, starred: bool, touched: bool
) -> Tier | None:
    if on_active_opportunity:
        return "A"
    if (warmth or 0) >= TIER_B_WARMTH or starred:
        return "B"
    if touched:
        return "C"
    return None
