"""Due times of the chained social steps (R7) and of the Monday digest (R11), across DST
switches and non-default weekends (SPEC §5.1, §5.3)."""

from __future__ import annotations

from datetime import time

import pytest

from server.domain.nudges import digest_due_at, first_digest_at, pipeline_week_start
from tests.domain.nudge_builders import NY, World, at, utc

BERLIN = "Europe/Berlin"
FRI_SAT = frozenset({5, 6})


def _manager(w: World) -> int:
    return w.contact("Morgan Diaz", role="hiring_manager", networks=frozenset({"x"}))


# --- R7 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "weekend", "follow", "s2", "s3"),
    [
        # Friday 15:00 EST follow: +2 d is Sunday 9 March (DST starts) → Monday 10:00 EDT.
        (NY, frozenset({6, 7}), "2025-03-07T15:00", "2025-03-10T14:00Z", "2025-03-21T14:00Z"),
        # Fri+Sat weekend in Berlin: +2 d is Saturday 29 March → Sunday 30 March, the switch
        # day, 10:00 CEST.
        (BERLIN, FRI_SAT, "2025-03-27T18:00", "2025-03-30T08:00Z", "2025-04-10T08:00Z"),
        # New York autumn: Friday 31 October 22:30 EDT → Monday 3 November 10:00 EST.
        (NY, frozenset({6, 7}), "2025-10-31T22:30", "2025-11-03T15:00Z", "2025-11-14T15:00Z"),
        # Berlin autumn: Thursday 23 October → Saturday → Monday 27 October 10:00 CET.
        (BERLIN, frozenset({6, 7}), "2025-10-23T07:15", "2025-10-27T09:00Z",
         "2025-11-06T09:00Z"),
    ],
)
def test_r7_chained_steps_at_ten_on_a_working_day(tz: str, weekend: frozenset[int],
                                                  follow: str, s2: str, s3: str) -> None:
    w = World(tz=tz, weekend=weekend)
    hm = _manager(w)
    w.run(at(follow[:10] + "T00:00", tz))  # S1 exists since midnight
    w.log(hm, "social_follow", at(follow, tz), network="x")
    w.run(at(follow, tz))
    assert w.nudge(f"R7:S2:c{hm}:x:1").due_at == utc(s2)
    assert w.nudge(f"R7:S3:c{hm}:x").due_at == utc(s3)


@pytest.mark.parametrize("clock", ["07:05", "10:00", "13:47", "23:59"])
def test_r7_never_at_the_clock_time_of_the_previous_completion(clock: str) -> None:
    w = World(tz=NY)
    hm = _manager(w)
    w.run(at("2025-03-03T00:00", NY))
    w.log(hm, "social_follow", at(f"2025-03-03T{clock}", NY), network="x")
    w.run(at(f"2025-03-03T{clock}", NY))
    w.log(hm, "social_like", at(f"2025-03-06T{clock}", NY), network="x")  # S2:1 done late
    w.run(at(f"2025-03-06T{clock}", NY))
    assert w.nudge(f"R7:S2:c{hm}:x:1").due_at == at("2025-03-05T10:00", NY)
    # Thursday + 7 = Thursday 13 March, 10:00 EDT whatever the clock of the like.
    assert w.nudge(f"R7:S2:c{hm}:x:2").due_at == at("2025-03-13T10:00", NY)


def test_r7_preferred_time_is_the_users() -> None:
    w = World(tz=NY, preferred_time=time(8, 30))
    hm = _manager(w)
    w.run(at("2025-03-03T09:00", NY))
    w.log(hm, "social_follow", at("2025-03-03T12:00", NY), network="x")
    w.run(at("2025-03-03T12:05", NY))
    assert w.nudge(f"R7:S2:c{hm}:x:1").due_at == at("2025-03-05T08:30", NY)


@pytest.mark.parametrize(
    ("weekend", "second", "s3"),
    [
        (frozenset({6, 7}), "2025-03-07T15:00", "2025-03-10T10:00"),  # Fri afternoon → Mon
        (FRI_SAT, "2025-03-07T15:00", "2025-03-09T10:00"),  # a day off → Sunday
        (FRI_SAT, "2025-03-06T08:00", "2025-03-06T10:00"),  # before 10:00 → that day
    ],
)
def test_r7_note_after_two_engagements(weekend: frozenset[int], second: str, s3: str) -> None:
    w = World(tz=NY, weekend=weekend)
    hm = _manager(w)
    w.run(at("2025-03-03T09:00", NY))
    w.log(hm, "social_follow", at("2025-03-03T09:30", NY), network="x")
    w.log(hm, "social_like", at("2025-03-04T09:00", NY), network="x")
    w.log(hm, "social_comment", at(second, NY), network="x")
    w.run(at(second, NY))
    assert w.nudge(f"R7:S3:c{hm}:x").due_at == at(s3, NY)


# --- R11 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "weekend", "now", "expected"),
    [
        (NY, frozenset({6, 7}), "2025-03-12T12:00", "2025-03-10T13:00Z"),  # EDT Monday
        (NY, frozenset({6, 7}), "2025-03-10T08:59", "2025-03-03T14:00Z"),  # EST Monday before
        (NY, frozenset({6, 7}), "2025-11-03T09:00", "2025-11-03T14:00Z"),  # EST after autumn
        (BERLIN, frozenset({6, 7}), "2025-03-31T09:30", "2025-03-31T07:00Z"),  # CEST
        (BERLIN, frozenset({6, 7}), "2025-03-30T23:00", "2025-03-24T08:00Z"),  # Sunday: last
        (BERLIN, frozenset({6, 7}), "2025-10-27T09:00", "2025-10-27T08:00Z"),  # CET
        (NY, FRI_SAT, "2025-03-10T09:00", "2025-03-10T13:00Z"),  # Monday is a working day
        # Monday off (Sun+Mon weekend): the digest rolls to Tuesday 09:00.
        (NY, frozenset({7, 1}), "2025-03-11T09:00", "2025-03-11T13:00Z"),
        (NY, frozenset({7, 1}), "2025-03-10T12:00", "2025-03-04T14:00Z"),
    ],
)
def test_pipeline_week_start(tz: str, weekend: frozenset[int], now: str, expected: str) -> None:
    assert pipeline_week_start(at(now, tz), tz, weekend) == utc(expected)


@pytest.mark.parametrize(
    ("created", "first"),
    [
        ("2025-03-12T12:00", "2025-03-17T09:00"),  # Wednesday → next Monday
        ("2025-03-10T08:00", "2025-03-10T09:00"),  # Monday before 09:00 → that morning
        ("2025-03-10T09:00", "2025-03-17T09:00"),  # strictly after
        ("2025-03-08T12:00", "2025-03-10T09:00"),  # across the DST switch
    ],
)
def test_first_digest_is_the_next_monday_after_the_first_opportunity(created: str,
                                                                     first: str) -> None:
    assert first_digest_at(at(created, NY), NY) == at(first, NY)


def test_digest_due_at() -> None:
    created = at("2025-03-12T12:00", NY)
    assert digest_due_at(at("2025-03-12T13:00", NY), NY, None) is None
    assert digest_due_at(at("2025-03-14T13:00", NY), NY, created) is None
    assert digest_due_at(at("2025-03-17T08:59", NY), NY, created) is None
    assert digest_due_at(at("2025-03-17T09:00", NY), NY, created) == at("2025-03-17T09:00", NY)
    assert digest_due_at(at("2025-03-26T09:00", NY), NY, created) == at("2025-03-24T09:00", NY)


def test_r11_never_before_the_first_opportunity_existed() -> None:
    w = World(tz=NY)
    hm = w.contact("Morgan Diaz", role="hiring_manager", warmth=20, previous_warmth=50)
    w.opp((hm, "hiring_manager"), changed=at("2025-03-12T12:00", NY))  # Wednesday
    assert not [s for s in w.evaluate(at("2025-03-12T13:00", NY)) if s.rule == "R11"]
    assert not [s for s in w.evaluate(at("2025-03-17T08:59", NY)) if s.rule == "R11"]
    [spec] = [s for s in w.evaluate(at("2025-03-17T09:00", NY)) if s.rule == "R11"]
    assert (spec.key, spec.due_at, spec.channel, spec.priority) == (
        "R11:-:c-:w2025-03-17", utc("2025-03-17T13:00Z"), "email", "P4")


def test_r11_rolls_off_a_monday_weekend() -> None:
    w = World(tz=BERLIN, weekend=frozenset({7, 1}))
    hm = w.contact("Morgan Diaz", role="hiring_manager", warmth=20)
    w.opp((hm, "hiring_manager"), changed=at("2025-03-01T12:00", BERLIN))
    [spec] = [s for s in w.evaluate(at("2025-04-01T12:00", BERLIN)) if s.rule == "R11"]
    # Monday 31 March is a day off: Tuesday 1 April 09:00 CEST; the week keeps Monday's name.
    assert (spec.key, spec.due_at) == ("R11:-:c-:w2025-03-31", utc("2025-04-01T07:00Z"))
