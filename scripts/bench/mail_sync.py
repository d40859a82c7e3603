"""Mail sync throughput after the download: 10,000 raw messages through the sync's reading.

The messages are made in memory (their making is timed too, so the figure errs low) and handed
over in chunks of the IMAP fetch size (200), each
chunk committed as a sync commits it; that is everything a sync does once the bytes have
arrived: parsing, new-text extraction, matching against the address book, logging
interactions with known contacts (through the same path as a manual log, warmth and nudges
included, in-process) and detecting suggestions. The peak memory before and after shows it
does not grow with the mailbox.

    .venv/bin/python -m scripts.bench.mail_sync [--messages 10000] [--known 0.05]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from server import create_app
from server.config import Settings
from server.extensions import db
from server.migrate import upgrade
from server.models import Contact, ContactEmail
from server.services.mail.imap import CHUNK
from server.services.mail.ingest import Ingest
from server.services.users import create_user

BODIES = (
    "Hi Sam,\n\nThanks for your note. You will hear from us by Friday.\n\nRita",
    "Hello,\n\nPlease find the agenda attached.\n\nOn Mon, Mar 3, 2025 at 9:00 AM Sam "
    "<sam@example.com> wrote:\n> Could we talk tomorrow?\n> Sam\n",
    "<html><body><p>Weekly digest</p><p>Ten jobs you may like.</p></body></html>",
    "Unfortunately, we have decided to move forward with other candidates.",
)


def messages(count: int, known: float, contacts: int) -> Iterator[bytes]:
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    every = max(1, round(1 / known)) if known > 0 else 0
    for n in range(count):
        msg = EmailMessage()
        msg["Message-ID"] = f"<bench-{n}@mail.example>"
        sender = (f"contact{n % contacts}@acme.example" if every and n % every == 0
                  else f"someone{n}@elsewhere.example")
        msg["From"] = sender
        msg["To"] = "sam@example.com"
        msg["Date"] = format_datetime(start + timedelta(minutes=37 * n))
        msg["Subject"] = f"Message {n}"
        body = BODIES[n % len(BODIES)]
        msg.set_content(body, subtype="html" if body.startswith("<html>") else "plain")
        yield msg.as_bytes()


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--known", type=float, default=0.05,
                        help="share of messages from known contacts (default 0.05)")
    parser.add_argument("--contacts", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(Settings(database_url=f"sqlite:///{instance}/bench.sqlite3",
                                  instance_path=instance, inline_jobs=True,
                                  log_level="WARNING"))
        with app.app_context():
            upgrade(db.engine)
            user = create_user(db.session, "sam@example.com", "UTC", display_name="Sam")
            db.session.flush()
            for i in range(args.contacts):
                contact = Contact(user_id=user.id, name=f"Contact {i}",
                                  emails=[f"contact{i}@acme.example"])
                db.session.add(contact)
                db.session.flush()
                db.session.add(ContactEmail(contact_id=contact.id, user_id=user.id,
                                            email=f"contact{i}@acme.example"))
            db.session.commit()
            ingest = Ingest(db.session, user, {"sam@example.com"})
            raws = messages(args.messages, args.known, args.contacts)
            rss_before = _max_rss_mb()
            started = time.perf_counter()
            chunk: list[bytes] = []
            for raw in raws:
                chunk.append(raw)
                if len(chunk) == CHUNK:
                    for one in chunk:
                        ingest.add_raw(one)
                    db.session.commit()
                    chunk = []
            for one in chunk:
                ingest.add_raw(one)
            db.session.commit()
            elapsed = time.perf_counter() - started
    counts = ingest.counts
    rate = counts.messages_read / elapsed
    print(f"{counts.messages_read} messages in {elapsed:.1f} s: {rate:,.0f} messages/s "
          f"(goal ≥ 500) · interactions added {counts.interactions_added} · suggestions "
          f"added {counts.suggestions_added}")
    print(f"process max RSS {rss_before:.0f} MB before reading, {_max_rss_mb():.0f} MB after "
          "(the messages are made and read one chunk at a time)")


if __name__ == "__main__":
    main()
