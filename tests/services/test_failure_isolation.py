"""One user's bad data never stops another user's jobs (issue: a promise dated 9999-12-31).

The API refuses such dates now (422), but rows written before that, or by hand, must not break
the catch-up sweep, the minute sweep or the nightly recompute for anybody else, nor for the
same user's other contacts: the bad contact is logged and stays marked, the rest is done.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from server.extensions import db
from server.jobs import bulk_activity, tasks
from server.models import Contact, Interaction, Nudge
from tests.api.test_nudges_helpers import contact, log

NOW = datetime.now(UTC)


def _plant_bad_promise(user, contact_id: int) -> None:
    """A by-date promise at the very end of the calendar, written around the API."""
    with user.app.app_context():
        db.session.add(Interaction(
            user_id=user.id, contact_id=contact_id, type="promise_made",
            occurred_at=NOW - timedelta(days=1), created_at=NOW, updated_at=NOW,
            promise_kind="by_date", promise_date=date(9999, 12, 31)))
        db.session.execute(update(Contact).where(Contact.id == contact_id).values(dirty_at=NOW))
        db.session.commit()


def _mark(user, *contact_ids: int) -> None:
    with user.app.app_context():
        db.session.execute(update(Contact).where(Contact.id.in_(contact_ids))
                           .values(dirty_at=NOW))
        db.session.commit()


def _dirty(user, contact_id: int) -> bool:
    with user.app.app_context():
        return db.session.get(Contact, contact_id).dirty_at is not None


def _nudge_rules(user, contact_id: int) -> set[str]:
    with user.app.app_context():
        return set(db.session.scalars(select(Nudge.rule).where(Nudge.contact_id == contact_id)))


def test_a_bad_row_stops_neither_other_contacts_nor_other_users(make_user, caplog):
    alice, bob = make_user(), make_user()
    bad = contact(alice, "Broken Promise")["id"]
    good = contact(alice, "Fine Person")["id"]
    other = contact(bob, "Other User's Contact")["id"]
    _plant_bad_promise(alice, bad)
    # Something for the good contacts' rules to find once they are processed.
    for user, cid in ((alice, good), (bob, other)):
        log(user, cid, "email_sent", NOW - timedelta(days=5))
    with alice.app.app_context():
        db.session.execute(update(Nudge).values(state="cancelled"))
        db.session.commit()
    _mark(alice, good)
    _mark(bob, other)

    with alice.app.app_context():
        # Earlier tests' imports in this shared app would make the sweep wait for them.
        marker = bulk_activity.marker()
        if marker is not None and os.path.exists(marker):
            stale = time.time() - bulk_activity.BULK_GRACE - 1
            os.utime(marker, (stale, stale))
        done = tasks.catch_up()
    assert done >= 2  # the good contacts of both users
    assert _dirty(alice, bad) and not _dirty(alice, good) and not _dirty(bob, other)
    assert "R8" in _nudge_rules(alice, good) and "R8" in _nudge_rules(bob, other)
    assert any("stays marked" in r.getMessage() for r in caplog.records)

    with alice.app.app_context():  # the minute sweep and the nightly recompute go on too
        assert tasks.nudge_sweep() >= 2
        assert tasks.recompute_all() >= 2
    assert not _dirty(bob, other)
