"""An uploaded file into the user's contacts: the importers read a contacts file (any format of
§8) and bulk_upsert writes it in batches, exactly as scripts/import_contacts.py does over HTTP;
an .mbox goes through the mail ingest, as a mailbox sync does."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

from server.importers import ImportFileError, ImportRow, iter_rows
from server.importers.mbox import is_mbox, iter_messages
from server.models import User
from server.services.bulk import bulk_upsert
from server.services.mail.ingest import Counts, import_messages

BATCH = 500
STATUSES = ("created", "updated", "unchanged", "failed")


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)
    interactions: int = 0
    # An .mbox adds history, not contacts: what was read from it (None for a contacts file).
    mail: Counts | None = None
    # (file or zip member, 1-based physical line, reason)
    failed: list[tuple[str, int, str]] = field(default_factory=list)
    file_error: str | None = None

    @property
    def rows(self) -> int:
        return sum(self.counts[s] for s in STATUSES)


def reason(errors: Any) -> str:
    """{'emails': {'0': ['Not a valid email.']}} -> 'emails.0: Not a valid email.'"""
    if isinstance(errors, dict):
        return "; ".join(f"{key}.{reason(value)}" if isinstance(value, dict)
                         else f"{key}: {reason(value)}" for key, value in errors.items())
    if isinstance(errors, list):
        return " ".join(reason(e) for e in errors)
    return str(errors)


def _send(session: Session, user: User, batch: list[tuple[str, ImportRow]],
          summary: ImportSummary) -> None:
    if not batch:
        return
    answer = bulk_upsert(session, user, [row.item for _, row in batch if row.item is not None])
    for (label, row), result in zip(batch, answer["results"], strict=True):
        summary.counts[result["status"]] += 1
        summary.interactions += int(result.get("interactions_added") or 0)
        if result["status"] == "failed":
            summary.failed.append((label, row.line, reason(result.get("errors"))
                                   or "rejected"))


def import_file(session: Session, user: User, binary: IO[bytes], filename: str,
                fmt: str = "auto", me: str | None = None) -> ImportSummary:
    summary = ImportSummary()
    if fmt == "mbox" or (fmt == "auto" and is_mbox(binary, filename)):
        # Messages with known contacts become their history, exactly as a mailbox sync.
        summary.mail = import_messages(session, user, iter_messages(binary))
        summary.interactions = summary.mail.interactions_added
        return summary
    batch: list[tuple[str, ImportRow]] = []
    source = ""
    try:
        for row in iter_rows(binary, filename, fmt, me):
            label = f"{filename}!{row.member}" if row.member else filename
            if row.item is None:
                summary.counts["failed"] += 1
                summary.failed.append((label, row.line, row.error or "unreadable row"))
                continue
            if label != source or len(batch) >= BATCH:
                # One source lands before the next (messages after the connections they name).
                _send(session, user, batch, summary)
                batch, source = [], label
            batch.append((label, row))
        _send(session, user, batch, summary)
    except ImportFileError as exc:
        summary.file_error = str(exc)
    summary.failed.sort(key=lambda f: (f[0], f[1]))
    return summary


def failed_rows_csv(summary: ImportSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "line", "reason"])
    writer.writerows(summary.failed)
    return out.getvalue()
