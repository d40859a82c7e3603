"""Nudge texts (SPEC §5.3, after the table): relative words seen from the moment the nudge is
due in the user's zone, a text shaped like its channel, signed with the display name."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from server.domain.nudges.messages import relative_day
from server.domain.nudges.model import NudgeSpec
from tests.domain.nudge_builders import LA, NY, World, at

ME = "Sam Seeker"


@pytest.mark.parametrize(
    ("day", "bare", "on"),
    [
        (date(2025, 3, 12), "today", "today"),
        (date(2025, 3, 11), "yesterday", "yesterday"),
        (date(2025, 3, 13), "tomorrow", "tomorrow"),
        (date(2025, 3, 10), "Monday", "on Monday"),
        (date(2025, 3, 6), "Thursday", "on Thursday"),  # six days back, last week's Thursday
        (date(2025, 3, 5), "last week", "last week"),
        (date(2025, 3, 3), "last week", "last week"),
        (date(2025, 3, 2), "Sunday 2 March", "on Sunday 2 March"),  # two calendar weeks back
        (date(2025, 3, 20), "Thursday 20 March", "on Thursday 20 March"),
    ],
)
def test_relative_day(day: date, bare: str, on: str) -> None:
    assert relative_day(day, date(2025, 3, 12)) == (bare, on)  # a Wednesday


def shape(s: NudgeSpec) -> str:
    m = s.message
    if m.startswith("Call ") and 'Something like: "Hi ' in m and m.endswith('"'):
        return "call"
    if re.match(r"Hi [^,\n]+,\n\n", m) and re.search(r"\n\nThank you(,\n.+)?$", m):
        return "email"
    if re.match(r"Hi [^!\n]+! ", m) and re.search(r"\n\nThanks(,\n.+|!)$", m):
        return "message"
    return "instruction"


def _interview_f1(ends: str, now: str, tz: str = LA) -> NudgeSpec:
    w = World(tz=tz)
    c = w.contact("Hana Manager", role="hiring_manager", tz=tz)
    o = w.opp((c, "hiring_manager"))
    end = at(ends, tz)
    w.log(c, "interview", end - timedelta(hours=1), opportunity_id=o, ends_at=end)
    [f1] = [s for s in w.evaluate(at(now, tz)) if s.step == "F1"]
    return f1


def test_same_day_thank_you_says_today() -> None:
    f1 = _interview_f1("2025-03-04T13:00", "2025-03-04T13:05")
    assert f1.due_at == at("2025-03-04T15:00", LA)
    assert "talk with me today about" in f1.message


def test_next_morning_thank_you_says_yesterday_even_when_computed_the_same_evening() -> None:
    f1 = _interview_f1("2025-03-04T17:30", "2025-03-04T17:35")
    assert f1.due_at == at("2025-03-05T09:00", LA)
    assert "talk with me yesterday about" in f1.message and "today" not in f1.message


def test_interview_logged_the_morning_after_says_yesterday() -> None:
    # Due Tuesday 15:00, but only logged (and so created) on Wednesday morning.
    f1 = _interview_f1("2025-03-04T13:00", "2025-03-05T08:00")
    assert f1.due_at == at("2025-03-04T15:00", LA)
    assert "talk with me yesterday about" in f1.message


def test_friday_evening_interview_thanked_on_monday() -> None:
    f1 = _interview_f1("2025-03-07T17:30", "2025-03-07T17:35")
    assert f1.due_at == at("2025-03-10T09:00", LA)
    assert "talk with me on Friday about" in f1.message


def test_the_text_of_a_stored_nudge_does_not_churn() -> None:
    w = World(tz=LA)
    c = w.contact("Hana Manager", role="hiring_manager", tz=LA)
    o = w.opp((c, "hiring_manager"))
    w.log(c, "interview", at("2025-03-04T12:00", LA), opportunity_id=o,
          ends_at=at("2025-03-04T13:00", LA))
    w.run(at("2025-03-05T08:00", LA))
    for later in ("2025-03-05T12:00", "2025-03-06T12:00", "2025-03-07T18:00"):
        assert not w.reconcile(at(later, LA)).update


def test_day_eight_says_last_week_and_other_relative_words() -> None:
    w = World(tz=NY)
    c = w.contact("Dana Reyes", tz=NY, role="hiring_manager")
    o = w.opp((c, "hiring_manager"))
    w.log(c, "interview", at("2025-03-04T10:00", NY), opportunity_id=o)
    specs = {s.step or s.rule: s for s in w.evaluate(at("2025-03-04T11:30", NY))}
    assert "our interview last week about" in specs["F2"].message  # due Wednesday 12 March
    assert "on Tuesday 4 March" in specs["F2"].reason  # reasons stay absolute


def test_promise_and_reply_texts_are_relative_to_their_due_day() -> None:
    w = World(tz=NY)
    a = w.contact("Ana Caller", tz=NY, has_phone=True)
    b = w.contact("Bo Bydate", tz=NY)
    c = w.contact("Cy Writer", tz=NY)
    w.promise(a, at("2025-03-04T09:00", NY), kind="call_at", on=at("2025-03-04T11:00", NY))
    w.promise(b, at("2025-03-04T09:00", NY), kind="by_date", day=date(2025, 3, 7))
    w.log(c, "email_sent", at("2025-03-03T10:00", NY))
    by_rule = {s.rule: s for s in w.evaluate(at("2025-03-04T09:30", NY))}
    assert "You mentioned you'd call me at 11 am today" in by_rule["R1"].message
    assert "11 am Tuesday" in by_rule["R1"].reason
    assert "about what we discussed by Friday, so" in by_rule["R2"].message  # due Monday
    assert "my email from Monday about" in by_rule["R8"].message  # due Thursday
    assert "of Monday 3 March" in by_rule["R8"].reason


# --- channel and signature --------------------------------------------------------------------


def _world(me: str = ME) -> tuple[World, list[NudgeSpec]]:
    w = World(tz=NY)
    w.user = replace(w.user, display_name=me)
    hm = w.contact("Morgan Diaz", role="hiring_manager", networks=frozenset({"x"}))
    rec = w.contact("Pat Lee", role="recruiter", has_phone=True, has_email=False)
    peer = w.contact("Quinn Park", role="peer", has_email=False, networks=frozenset({"github"}))
    o = w.opp((hm, "hiring_manager"), (rec, "recruiter"), changed=at("2025-02-01T12:00", NY))
    w.promise(rec, at("2025-03-03T09:00", NY), kind="call_at", opp=o,
              on=at("2025-03-03T15:00", NY))
    w.log(hm, "interview", at("2025-03-04T10:00", NY), opportunity_id=o)
    w.promise(rec, at("2025-03-04T12:00", NY), kind="wait_days", opp=o, days=7)
    w.log(peer, "message_sent", at("2025-03-04T12:00", NY))
    w.log(rec, "no_received", at("2025-03-05T10:00", NY), opportunity_id=o)
    specs = w.evaluate(at("2025-03-04T12:30", NY)) + w.evaluate(at("2025-03-05T11:00", NY))
    return w, specs


def test_every_nudge_reads_like_its_channel() -> None:
    _, specs = _world()
    seen = set()
    for s in specs:
        seen.add(s.channel)
        if s.channel == "social" or s.rule == "R11":
            assert shape(s) == "instruction", s.key
        else:
            assert shape(s) == s.channel, (s.key, s.channel, s.message)
    assert seen == {"call", "email", "message", "social"}


def test_a_call_nudge_is_a_short_call_script() -> None:
    _, specs = _world()
    [r3] = [s for s in specs if s.rule == "R3"][:1]
    assert r3.channel == "call"
    assert r3.message.startswith("Call Pat about the Staff Engineer role at Acme, in a very "
                                 "patient tone. Something like: \"Hi Pat, it's Sam Seeker.")
    assert "Thank you,\n" not in r3.message and "\n" not in r3.message


def test_signed_with_the_display_name() -> None:
    _, specs = _world()
    for s in specs:
        if shape(s) in ("email", "message"):
            assert s.message.endswith("\n" + ME), s.key


@pytest.mark.parametrize("me", ["", "   "])
def test_without_a_display_name_signed_without_a_name(me: str) -> None:
    _, specs = _world(me)
    assert {shape(s) for s in specs} >= {"call", "email", "message"}
    for s in specs:
        m = s.message
        assert "it's me" not in m and "it's you" not in m and "@" not in m, s.key
        if shape(s) == "email":
            assert m.endswith("\n\nThank you"), s.key
        elif shape(s) == "message":
            assert m.endswith("\n\nThanks!"), s.key
        elif shape(s) == "call":
            assert "Something like: \"Hi Pat. " in m, s.key
