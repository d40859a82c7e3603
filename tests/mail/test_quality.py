"""The detectors on the labelled corpus meet the bars: precision ≥ 0.9, recall ≥ 0.8 for
promises and noes, and every detected promise's date exact."""

from __future__ import annotations

import json

from scripts.bench.mail_quality import CORPUS, evaluate
from server.domain.mail.found import NO, PROMISE


def test_the_corpus_covers_what_mail_looks_like():
    corpus = json.loads(CORPUS.read_text())
    assert len(corpus) >= 60
    categories = {e["category"] for e in corpus}
    assert {"recruiter", "hr", "hiring_manager", "ack", "ooo", "newsletter", "gmail_quote",
            "outlook_quote", "html", "forwarded"} <= categories


def test_promise_and_no_bars():
    scores = evaluate()
    for kind in (PROMISE, NO):
        score = scores[kind]
        assert score.precision >= 0.9, (kind, score.wrong)
        assert score.recall >= 0.8, (kind, score.wrong)
    promise = scores[PROMISE]
    assert promise.exact == promise.tp, promise.wrong
