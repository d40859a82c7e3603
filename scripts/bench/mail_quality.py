"""Suggestion quality on the labelled mail corpus (tests/fixtures/mail/corpus.json).

Each message is built as raw mail (its headers, HTML or quoted thread included), parsed and
read exactly as a sync reads it; the detections are compared with the labels. Prints
precision and recall for promises and noes, and how many detected promise dates are exact.

    .venv/bin/python -m scripts.bench.mail_quality
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.mail.detect import suggest
from server.domain.mail.found import INTERVIEW, NO, PROMISE, Found
from server.domain.mail.messages import parse_message

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "mail" / "corpus.json"
WEEKEND = (6, 7)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0  # true positives whose value (date, time, days, final) is right
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def raw(entry: dict[str, Any]) -> bytes:
    msg = EmailMessage()
    msg["Message-ID"] = f"<{entry['id']}@corpus.example>"
    msg["From"] = entry["from"]
    msg["To"] = "sam@example.com"
    msg["Date"] = entry["date"]
    msg["Subject"] = entry["subject"]
    for name, value in entry["headers"].items():
        msg[name] = value
    msg.set_content(entry["body"], subtype="html" if entry["html"] else "plain")
    return msg.as_bytes()


def _value(found: Found) -> Any:
    if found.kind == NO:
        return {"final": found.final}
    if found.kind == INTERVIEW:
        assert found.at is not None
        return found.at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if found.promise_kind == "call_at":
        assert found.at is not None
        return {"kind": "call_at",
                "at": found.at.astimezone(UTC).isoformat().replace("+00:00", "Z")}
    if found.promise_kind == "wait_days":
        return {"kind": "wait_days", "days": found.days}
    assert found.on is not None
    return {"kind": "by_date", "date": found.on.isoformat()}


def evaluate(path: Path = CORPUS) -> dict[str, Score]:
    scores = {PROMISE: Score(), NO: Score(), INTERVIEW: Score()}
    for entry in json.loads(path.read_text()):
        found = {f.kind: f for f in suggest(parse_message(raw(entry)), ZoneInfo(entry["tz"]),
                                            WEEKEND)}
        for kind, score in scores.items():
            expected = entry["expect"][kind]
            hit = found.get(kind)
            if hit is None:
                score.fn += expected is not None
                if expected is not None:
                    score.wrong.append(f"{entry['id']}: missed {expected}")
            elif expected is None:
                score.fp += 1
                score.wrong.append(f"{entry['id']}: false {_value(hit)} from {hit.evidence!r}")
            else:
                score.tp += 1
                if _value(hit) == expected:
                    score.exact += 1
                else:
                    score.wrong.append(f"{entry['id']}: {_value(hit)} != {expected}")
    return scores


def main() -> None:
    corpus = json.loads(CORPUS.read_text())
    print(f"corpus: {len(corpus)} messages ({CORPUS.relative_to(CORPUS.parents[3])})")
    for kind, score in evaluate().items():
        print(f"{kind:9} precision {score.precision:.3f}  recall {score.recall:.3f}  "
              f"(tp {score.tp}, fp {score.fp}, fn {score.fn}; values exact {score.exact}/"
              f"{score.tp})")
        for line in score.wrong:
            print(f"    {line}")


if __name__ == "__main__":
    main()
