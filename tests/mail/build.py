"""Raw RFC 5322 messages for the tests."""

from __future__ import annotations

from email.message import EmailMessage


def raw_message(message_id: str, sender: str, to: str, date: str, body: str,
                subject: str = "Backend engineer role", html: bool = False,
                headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["Message-ID"] = message_id
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = date
    msg["Subject"] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    if html:
        msg.set_content(body, subtype="html")
    else:
        msg.set_content(body)
    return msg.as_bytes()
