"""Reminders that arrive (SPEC §13), end to end below HTTP: `run_due` against a real SMTP
server and a real HTTP receiver for ntfy, on SQLite and PostgreSQL.

Every run is limited to the test's own users (the session's databases are shared) and given
its moment explicitly, the way `thrice notify run --now` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from server.extensions import db
from server.models import Notification
from server.services.notify import ledger
from tests.conftest import free_port
from tests.services.test_notify_transport import (
    PushReceiver,
    SmtpServer,
    add_nudge,
    configure,
    html_part,
    make_certs,
    plain_part,
    rows,
    run,
    running_receiver,
    running_smtp,
)

T0 = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)  # Mon 10:00 in Los Angeles (PDT)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_smtp()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    yield from running_receiver()


def digest_user(app, make_user, *,
                timezone: str = "America/Los_Angeles", preferred: str = "10:00"):
    user = make_user(timezone=timezone)
    configure(app, user, daily_digest=True, preferred_time=preferred)
    return user


def smtp_settings(server: SmtpServer, **extra):
    return {"smtp_url": server.url(), "mail_from": "Thrice <reminders@thrice.test>",
            "public_url": "https://crm.example.com", **extra}


def test_the_digest_goes_once_at_the_preferred_local_time(app, make_user, smtp_server):
    user = digest_user(app, make_user)
    due_id, due_cid = add_nudge(app, user, due_at=T0 - timedelta(hours=20),
                                contact="Ada <script>alert(1)</script>",
                                message="Ask Ada whether the panel met & decided.")
    soon_id, soon_cid = add_nudge(app, user, due_at=T0 + timedelta(days=2), priority="P3",
                                  contact="Grace Hopper", message="Send Grace the deck.")
    add_nudge(app, user, due_at=T0 + timedelta(days=9), contact="Far Future",
              message="Beyond the week.")
    add_nudge(app, user, due_at=T0 - timedelta(hours=1), visible=False, contact="Hidden One",
              message="An invisible nudge.")
    add_nudge(app, user, due_at=T0 - timedelta(hours=1), state="completed", contact="Done Deal",
              message="A finished one.")
    settings = smtp_settings(smtp_server)

    assert run(app, T0 - MINUTE, [user], **settings).digests == 0
    assert smtp_server.inbox.to(user.email) == []

    report = run(app, T0, [user], **settings)
    assert report.digests == 1 and report.failed == []
    [mail] = smtp_server.inbox.to(user.email)
    assert mail["From"] == "Thrice <reminders@thrice.test>"
    assert mail["Subject"] == "Thrice: 1 follow-up due today, 1 coming up"
    assert mail["Message-ID"] == f"<thrice-digest-{user.id}-2025-03-10@thrice.test>"
    text, html = plain_part(mail), html_part(mail)
    assert "Monday 10 March 2025" in text
    assert "Ask Ada whether the panel met & decided." in text
    assert f"https://crm.example.com/contacts/{due_cid}" in text
    assert f"https://crm.example.com/contacts/{soon_cid}" in text
    assert "Send Grace the deck." in text and "P3 · Grace Hopper · Wed 12 Mar 10:00" in text
    for absent in ("Beyond the week.", "An invisible nudge.", "A finished one."):
        assert absent not in text and absent not in html
    # HTML escapes what people typed; the text part keeps it verbatim.
    assert "<script>" not in html and "Ada &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "met &amp; decided." in html
    assert f'href="https://crm.example.com/contacts/{due_cid}"' in html
    assert "Ada <script>alert(1)</script>" in text

    # Later the same local day, and on retries of the run: nothing more.
    for later in (T0 + MINUTE, T0 + timedelta(hours=6), T0 + timedelta(hours=13)):
        assert run(app, later, [user], **settings).digests == 0
    assert len(smtp_server.inbox.to(user.email)) == 1
    [row] = rows(app, user)
    assert (row.channel, row.slot, row.state, row.attempts) == ("email", "2025-03-10", "sent", 1)
    assert sorted(row.nudge_ids) == sorted([due_id, soon_id]) and row.sent_at == T0

    # The next local day has a digest of its own.
    assert run(app, T0 + timedelta(days=1), [user], **settings).digests == 1
    assert len(smtp_server.inbox.to(user.email)) == 2


# (zone, preferred time, local date, the UTC instant it must go at)
LOCAL_TIMES = [
    # Los Angeles' spring-forward day (PST → PDT at 02:00) and the day before it.
    ("America/Los_Angeles", "10:00", "2025-03-08", datetime(2025, 3, 8, 18, 0, tzinfo=UTC)),
    ("America/Los_Angeles", "10:00", "2025-03-09", datetime(2025, 3, 9, 17, 0, tzinfo=UTC)),
    # 02:30 does not exist that day: it moves forward to 03:30 PDT.
    ("America/Los_Angeles", "02:30", "2025-03-09", datetime(2025, 3, 9, 10, 30, tzinfo=UTC)),
    # East of UTC: Tokyo's 08:00 is the previous UTC day.
    ("Asia/Tokyo", "08:00", "2025-03-12", datetime(2025, 3, 11, 23, 0, tzinfo=UTC)),
    # Berlin's switch days: spring forward (CET → CEST) and fall back, where 02:30 happens
    # twice and the first one counts.
    ("Europe/Berlin", "10:00", "2025-03-30", datetime(2025, 3, 30, 8, 0, tzinfo=UTC)),
    ("Europe/Berlin", "02:30", "2025-03-30", datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),
    ("Europe/Berlin", "02:30", "2025-10-26", datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "preferred", "day", "at"), LOCAL_TIMES,
                         ids=[f"{z}-{p}-{d}" for z, p, d, _ in LOCAL_TIMES])
def test_the_digest_goes_at_local_time_across_zones_and_dst(app, make_user, smtp_server, zone,
                                                             preferred, day, at):
    user = digest_user(app, make_user, timezone=zone, preferred=preferred)
    add_nudge(app, user, due_at=at - timedelta(hours=2))
    settings = smtp_settings(smtp_server)
    assert run(app, at - MINUTE, [user], **settings).digests == 0
    assert smtp_server.inbox.to(user.email) == []
    assert run(app, at, [user], **settings).digests == 1
    assert run(app, at + MINUTE, [user], **settings).digests == 0
    assert [r.slot for r in rows(app, user)] == [day]
    assert len(smtp_server.inbox.to(user.email)) == 1


def test_a_day_with_nothing_to_say_sends_nothing_and_is_decided(app, make_user, smtp_server):
    user = digest_user(app, make_user)
    settings = smtp_settings(smtp_server)
    assert run(app, T0, [user], **settings).skipped == 1
    # A nudge that turns up later that day does not bring a second, late digest.
    add_nudge(app, user, due_at=T0 + timedelta(hours=1))
    assert run(app, T0 + timedelta(hours=2), [user], **settings).digests == 0
    assert smtp_server.inbox.to(user.email) == []
    assert [(r.state, r.slot) for r in rows(app, user)] == [("skipped", "2025-03-10")]


def test_a_digest_too_late_is_skipped_but_a_late_evening_one_still_goes(app, make_user,
                                                                        smtp_server):
    early = digest_user(app, make_user)
    add_nudge(app, early, due_at=T0 - timedelta(hours=1))
    # The schedule was down from before 10:00 until 22:00 local: that digest is not sent.
    assert run(app, T0 + timedelta(hours=12), [early], **smtp_settings(smtp_server)).digests == 0
    late = digest_user(app, make_user, preferred="23:30")
    add_nudge(app, late, due_at=T0 - timedelta(hours=1))
    # 23:30 on the 10th reached at 00:10 on the 11th: still the 10th's digest.
    after_midnight = datetime(2025, 3, 11, 7, 10, tzinfo=UTC)
    assert run(app, after_midnight, [late], **smtp_settings(smtp_server)).digests == 1
    assert [r.slot for r in rows(app, late)] == ["2025-03-10"]


def test_push_goes_once_per_p1_and_p2_nudge_at_notify_at(app, make_user, receiver):
    user = make_user(timezone="America/Los_Angeles")
    configure(app, user, push_urls=[receiver.url("sam-phone")])
    p1, c1 = add_nudge(app, user, due_at=T0 - timedelta(hours=10), notify_at=T0,
                       contact="Ada Lovelace", message="Ada promised to call at 3pm.")
    p2, _ = add_nudge(app, user, due_at=T0 - timedelta(hours=1), priority="P2",
                      contact="Grace Hopper", message="Write to Grace directly.")
    add_nudge(app, user, due_at=T0 - timedelta(hours=1), priority="P3", contact="Low Prio")
    add_nudge(app, user, due_at=T0 + timedelta(hours=1), contact="Not Yet")
    add_nudge(app, user, due_at=T0 - timedelta(hours=2), state="dismissed", contact="Dismissed")
    add_nudge(app, user, due_at=T0 - timedelta(hours=30), contact="Long Ago")
    add_nudge(app, user, due_at=T0 - timedelta(hours=1), visible=False, contact="Not Shown")
    settings = {"public_url": "https://crm.example.com"}

    assert run(app, T0 - MINUTE, [user], **settings).pushes == 1  # Grace's is due already
    report = run(app, T0, [user], **settings)
    assert report.pushes == 1 and report.failed == []
    assert run(app, T0 + MINUTE, [user], **settings).pushes == 0
    got = receiver.on("sam-phone")
    assert [m["title"] for m in got] == ["P2 follow-up: Grace Hopper", "P1 follow-up: Ada Lovelace"]
    assert got[1]["message"] == ("Ada promised to call at 3pm.\n\n"
                                 f"https://crm.example.com/contacts/{c1}")
    pushed = [r for r in rows(app, user) if r.channel == "push"]
    assert sorted(r.slot for r in pushed) == sorted([str(p1), str(p2)])
    assert all(r.state == "sent" for r in pushed)

    # An hour later, the "Not Yet" nudge's notify_at has come.
    assert run(app, T0 + timedelta(hours=1), [user], **settings).pushes == 1
    assert [m["title"] for m in receiver.on("sam-phone")][-1] == "P1 follow-up: Not Yet"


def test_a_closed_smtp_port_is_recorded_retried_with_backoff_and_others_still_get_theirs(
        app, make_user, smtp_server, receiver):
    port = free_port()
    closed = SmtpServer(port=port)  # not started: the port refuses connections
    mail_user = digest_user(app, make_user)
    add_nudge(app, mail_user, due_at=T0 - timedelta(hours=1))
    push_user = make_user(timezone="America/Los_Angeles")
    configure(app, push_user, push_urls=[receiver.url("other-user")])
    add_nudge(app, push_user, due_at=T0 - timedelta(hours=1), notify_at=T0)
    settings = smtp_settings(closed)

    report = run(app, T0, [mail_user, push_user], **settings)
    assert report.pushes == 1 and len(receiver.on("other-user")) == 1
    assert [(uid, ch) for uid, ch, _ in report.failed] == [(mail_user.id, "email")]
    [row] = rows(app, mail_user)
    assert row.state == "failed" and row.attempts == 1 and "connection refused" in row.error
    assert row.next_attempt_at == T0 + MINUTE

    # Not before its time; then the server is back and the retry sends it, once.
    assert run(app, T0 + timedelta(seconds=30), [mail_user], **settings).digests == 0
    closed.start()
    try:
        assert run(app, T0 + MINUTE, [mail_user], **settings).digests == 1
        assert run(app, T0 + 2 * MINUTE, [mail_user], **settings).digests == 0
        assert len(closed.inbox.to(mail_user.email)) == 1
    finally:
        closed.stop()
    [row] = rows(app, mail_user)
    assert row.state == "sent" and row.attempts == 2 and row.sent_at == T0 + MINUTE


def test_bad_credentials_are_recorded_then_fixed_credentials_send_over_starttls(
        app, make_user, tmp_path):
    certs = make_certs(tmp_path)
    server = SmtpServer("starttls", certs).start()
    try:
        user = digest_user(app, make_user)
        add_nudge(app, user, due_at=T0 - timedelta(hours=1))
        wrong = {"smtp_url": server.url(password="not-it"), "smtp_ca_file": str(certs.ca_file)}
        assert run(app, T0, [user], **wrong).failed
        [row] = rows(app, user)
        assert row.state == "failed" and "login was refused (535" in row.error
        assert "not-it" not in row.error
        right = {"smtp_url": server.url(), "smtp_ca_file": str(certs.ca_file)}
        assert run(app, T0 + MINUTE, [user], **right).digests == 1
        assert len(server.inbox.to(user.email)) == 1
    finally:
        server.stop()


def test_backoff_is_1_5_15_60_minutes_then_it_gives_up(app, make_user):
    user = digest_user(app, make_user)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    settings = {"smtp_url": f"smtp://127.0.0.1:{free_port()}"}
    now = T0
    waits = []
    run(app, now, [user], **settings)
    for _ in range(4):
        [row] = rows(app, user)
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
        assert run(app, now, [user], **settings).failed
    [row] = rows(app, user)
    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 60)]
    assert row.state == "failed" and row.attempts == 5 and row.next_attempt_at is None
    assert run(app, now + timedelta(hours=5), [user], **settings).failed == []


def test_one_refused_recipient_does_not_stop_the_next_users_digest(app, make_user, smtp_server):
    refused, fine = digest_user(app, make_user), digest_user(app, make_user)
    for user in (refused, fine):
        add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    smtp_server.inbox.refuse.add(refused.email)
    report = run(app, T0, [refused, fine], **smtp_settings(smtp_server))
    assert report.digests == 1 and len(smtp_server.inbox.to(fine.email)) == 1
    [row] = rows(app, refused)
    assert row.state == "failed" and "550" in row.error


def test_a_failing_push_url_is_retried_alone(app, make_user, receiver):
    user = make_user()
    receiver.failing.add("flaky")
    configure(app, user, push_urls=[receiver.url("steady"), receiver.url("flaky")])
    add_nudge(app, user, due_at=T0 - timedelta(hours=1), notify_at=T0)
    report = run(app, T0, [user])
    assert report.pushes == 0 and report.failed[0][1] == "push"
    [row] = rows(app, user)
    assert row.state == "failed" and "push URL 2" in row.error and len(row.delivered) == 1
    receiver.failing.clear()
    assert run(app, T0 + MINUTE, [user]).pushes == 1
    assert len(receiver.on("steady")) == 1 and len(receiver.on("flaky")) == 1
    [row] = rows(app, user)
    assert row.state == "sent" and row.attempts == 2 and len(row.delivered) == 2


def test_a_retry_is_dropped_when_the_follow_up_was_closed_meanwhile(app, make_user, receiver):
    user = make_user()
    receiver.failing.add("down")
    configure(app, user, push_urls=[receiver.url("down")])
    nudge_id, _ = add_nudge(app, user, due_at=T0 - timedelta(hours=1), notify_at=T0)
    run(app, T0, [user])
    assert user.post(f"/nudges/{nudge_id}/dismiss",
                     json={"reason": "handled_offline"}).status_code == 200
    receiver.failing.clear()
    assert run(app, T0 + MINUTE, [user]).pushes == 0
    assert receiver.on("down") == []
    assert rows(app, user)[0].state == "skipped"


def _stuck_claim(app, user, *, handed_over: bool):
    """A claim as a process leaves it when it dies mid-send."""
    with app.app_context():
        db.session.add(Notification(
            user_id=user.id, channel="email", slot="2025-03-10", nudge_ids=[], state="sending",
            attempts=1, created_at=T0, claimed_at=T0,
            handed_over_at=T0 if handed_over else None, delivered=[]))
        db.session.commit()


def test_a_claim_left_before_hand_over_is_retried_once_it_is_stale(app, make_user, smtp_server):
    user = digest_user(app, make_user)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    _stuck_claim(app, user, handed_over=False)
    settings = smtp_settings(smtp_server)
    # Another scheduler's send may still be on its way: the claim is respected for a while.
    assert run(app, T0 + timedelta(minutes=5), [user], **settings).digests == 0
    assert rows(app, user)[0].state == "sending"
    later = T0 + timedelta(minutes=10)
    run(app, later, [user], **settings)  # found stale: failed, retried a minute later
    [row] = rows(app, user)
    assert row.state == "failed" and row.error == ledger.INTERRUPTED_BEFORE
    assert run(app, later + MINUTE, [user], **settings).digests == 1
    assert len(smtp_server.inbox.to(user.email)) == 1


def test_a_claim_left_after_hand_over_is_never_sent_again(app, make_user, smtp_server):
    user = digest_user(app, make_user)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    _stuck_claim(app, user, handed_over=True)
    settings = smtp_settings(smtp_server)
    for later in (T0 + timedelta(minutes=10), T0 + timedelta(minutes=30), T0 + timedelta(hours=3)):
        assert run(app, later, [user], **settings).digests == 0
    assert smtp_server.inbox.to(user.email) == []
    [row] = rows(app, user)
    assert row.state == "failed" and row.next_attempt_at is None
    assert row.error == ledger.INTERRUPTED_DURING


def test_paused_users_and_users_without_settings_get_nothing(app, make_user, smtp_server,
                                                            receiver):
    paused = digest_user(app, make_user)
    configure(app, paused, nudges_paused=True, push_urls=[receiver.url("paused")])
    add_nudge(app, paused, due_at=T0 - timedelta(hours=1), notify_at=T0)
    plain = make_user(timezone="America/Los_Angeles")
    add_nudge(app, plain, due_at=T0 - timedelta(hours=1), notify_at=T0)
    report = run(app, T0, [paused, plain], **smtp_settings(smtp_server))
    assert (report.digests, report.pushes, report.failed) == (0, 0, [])
    assert smtp_server.messages == [] and receiver.on("paused") == []
    assert rows(app, paused) == [] and rows(app, plain) == []


def test_without_smtp_settings_the_day_fails_once_with_the_reason(app, make_user):
    user = digest_user(app, make_user)
    add_nudge(app, user, due_at=T0 - timedelta(hours=1))
    report = run(app, T0, [user], smtp_url=None)
    assert [(uid, ch) for uid, ch, _ in report.failed] == [(user.id, "email")]
    assert run(app, T0 + timedelta(hours=1), [user], smtp_url=None).failed == []
    [row] = rows(app, user)
    assert (row.state, row.next_attempt_at) == ("failed", None)
    assert "THRICE_SMTP_URL is not set" in row.error
    body = user.get("/me/notifications").get_json()
    assert "THRICE_SMTP_URL" in body["last_error"]["error"]
    assert body["last_error"]["retry_at"] is None
