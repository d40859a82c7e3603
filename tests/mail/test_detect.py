"""Pure detection: dates against the message's own Date and zone, new text only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain.mail.detect import detect
from server.domain.mail.messages import EMAIL_SENT, REPLY_RECEIVED, correspondents, parse_message
from server.domain.mail.text import new_text
from tests.mail.build import raw_message

TUESDAY = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def _one(text: str, sent: datetime = TUESDAY, zone: ZoneInfo = UTC_ZONE):  # noqa: ANN202
    found = detect(text, sent, zone, {6, 7})
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("You'll hear from us by Friday.", date(2025, 3, 7)),          # that week's Friday
    ("We will get back to you by Tuesday.", date(2025, 3, 11)),   # the same weekday: next one
    ("We will let you know next Friday.", date(2025, 3, 14)),
    ("I will get back to you by the end of the week.", date(2025, 3, 7)),
    ("We will get back to you within 5 business days.", date(2025, 3, 11)),
    ("We will get back to you within 3 working days.", date(2025, 3, 7)),
])
def test_by_date(text: str, expected: date):
    found = _one(text)
    assert (found.kind, found.promise_kind, found.on) == ("promise", "by_date", expected)


def test_business_days_use_the_senders_weekend():
    found = detect("We will reply within 3 business days.", TUESDAY, UTC_ZONE, {5, 6})
    # Wednesday, Thursday, then Friday and Saturday off: Sunday is the third working day.
    assert found[0].on == date(2025, 3, 9)


def test_relative_days_resolve_in_the_contacts_zone():
    late_monday_utc = datetime(2025, 3, 3, 23, 30, tzinfo=UTC)  # Tuesday morning in Tokyo
    found = _one("I will call you tomorrow at 11am.", late_monday_utc, ZoneInfo("Asia/Tokyo"))
    assert found.promise_kind == "call_at"
    assert found.at == datetime(2025, 3, 5, 2, 0, tzinfo=UTC)


def test_wait_days():
    found = _one("Give us a week to decide.")
    assert (found.promise_kind, found.days) == ("wait_days", 7)


def test_final_only_when_it_says_so():
    assert _one("Unfortunately, we have decided to move forward with other candidates.").final \
        is False
    assert _one("The position has been filled. We will not consider you for future roles.") \
        .final is True


@pytest.mark.parametrize("text", [
    "Could you get back to me by Friday?",
    "If we decide to move forward with other candidates, we'll let you know.",
    "We won't be able to get back to you by Friday.",
    "We'll be in touch soon.",
    "I am out of the office until Monday and will get back to you on Monday.",
])
def test_nothing_is_read_into(text: str):
    assert detect(text, TUESDAY, UTC_ZONE, {6, 7}) == []


def test_quoted_and_forwarded_text_is_not_new():
    gmail = ("Thanks, noted!\n\nOn Mon, Mar 3, 2025 at 5:12 PM Sam <sam@example.com> wrote:\n"
             "> We will get back to you by Friday.\n")
    assert new_text(gmail) == "Thanks, noted!"
    outlook = ("Fine.\n\nFrom: Sam <sam@example.com>\nSent: Monday, March 3, 2025 5:12 PM\n"
               "To: Hank\nSubject: RE: role\n\nYou will hear from us by Friday.\n")
    assert new_text(outlook) == "Fine."
    forward = "FYI.\n\n---------- Forwarded message ---------\nFrom: HR\n\nThe role is filled."
    assert new_text(forward) == "FYI."


def test_html_only_mail_is_read_as_text():
    message = parse_message(raw_message("<h@x>", "a@x.example", "me@example.com",
                                        "Tue, 04 Mar 2025 09:00:00 +0000",
                                        "<p>You will hear from us <b>by Friday</b>.</p>",
                                        html=True))
    assert message.text == "You will hear from us by Friday."


def test_correspondents():
    inbound = parse_message(raw_message("<a@x>", "Rita <RITA@acme.example>", "me@example.com",
                                        "Tue, 04 Mar 2025 09:00:00 +0000", "Hi"))
    assert correspondents(inbound, frozenset({"me@example.com"})) == [
        ("rita@acme.example", REPLY_RECEIVED)]
    outbound = parse_message(raw_message("<b@x>", "me@example.com",
                                         "rita@acme.example, Me <ME@example.com>",
                                         "Tue, 04 Mar 2025 09:00:00 +0000", "Hi"))
    assert correspondents(outbound, frozenset({"me@example.com"})) == [
        ("rita@acme.example", EMAIL_SENT)]


def test_a_day_of_the_month_alone_is_the_next_such_day():
    assert _one("We will let you know by the 14th.").on == date(2025, 3, 14)
    assert _one("We will let you know by the 2nd.").on == date(2025, 4, 2)
