"""Push through Apprise (ntfy, Telegram, e-mail, … any URL Apprise knows)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import apprise

from server.errors import ApiError

_ERROR_LIMIT = 500


def accepts(url: str) -> bool:
    """Whether Apprise knows this URL (its scheme, and the parts that scheme needs), as one
    URL: Apprise would also take "a b" or "a,b" as two."""
    try:
        target = apprise.Apprise()
        return bool(target.add(url)) and len(target) == 1
    except Exception:  # noqa: BLE001 - a plugin choking on odd input is a "no", never a 500
        return False


def checked_push_urls(urls: Sequence[str]) -> list[str]:
    """The URLs, stripped and without repeats, or a 422 naming each one Apprise refuses."""
    cleaned: list[str] = []
    errors: dict[str, list[str]] = {}
    for index, raw in enumerate(urls):
        url = raw.strip()
        if not accepts(url):
            errors[str(index)] = ["Not a push URL Apprise accepts, e.g. ntfy://ntfy.sh/topic "
                                  "or tgram://bot_token/chat_id (see the Apprise wiki)."]
        elif url not in cleaned:
            cleaned.append(url)
    if errors:
        raise ApiError(422, "The request has invalid fields.", {"json": {"push_urls": errors}})
    return cleaned


def url_key(url: str) -> str:
    """A short stable name for a URL that does not reveal it (URLs carry tokens)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


@dataclass
class PushResult:
    delivered: list[str] = field(default_factory=list)  # url keys
    errors: list[str] = field(default_factory=list)


def send(urls: Iterable[str], title: str, body: str, *, skip: Iterable[str] = (),
         hand_over: Callable[[], bool] = lambda: True) -> PushResult:
    """Notify each URL whose key is not in ``skip``, one at a time, so a failing one neither
    hides nor repeats the others. ``hand_over`` runs once, before the first message leaves;
    False aborts with nothing sent."""
    result = PushResult()
    done = set(skip)
    pending = [(number, url) for number, url in enumerate(urls, start=1)
               if url_key(url) not in done]
    if pending and not hand_over():
        result.errors.append("the claim was taken over by another process")
        return result
    for number, url in pending:
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
            target = apprise.Apprise()
            added = target.add(url)
            ok = bool(added and target.notify(body=body, title=title))
        if ok:
            result.delivered.append(url_key(url))
            continue
        detail = " ".join(line.strip() for line in log.getvalue().splitlines() if line.strip())
        result.errors.append(f"push URL {number} ({_scheme(url)}): "
                             f"{detail or 'the service refused the message'}"[:_ERROR_LIMIT])
    return result


def _scheme(url: str) -> str:
    return url.split("://", 1)[0] + "://…" if "://" in url else "?"
