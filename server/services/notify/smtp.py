"""Sending one e-mail over SMTP, as THRICE_SMTP_URL says.

`smtp://user:pass@host:587` upgrades with STARTTLS whenever the server offers it and refuses
to send a password over a connection that stays in clear text; `smtps://host:465` speaks TLS
from the first byte; `smtp://host:25` without credentials suits a local relay. Certificates
are always verified (THRICE_SMTP_CA_FILE adds a CA to trust, for a relay with a private one).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

TIMEOUT = 30.0  # seconds per SMTP operation: a dead server fails the send, not the schedule
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class MailError(Exception):
    """A send that failed, with a message fit for the user's settings page (no password)."""


class HandOverRefused(Exception):
    """The claim was lost before the message was handed over (another process recovered it)."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = None

    def __str__(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server of THRICE_SMTP_URL; MailError (never showing the password) when malformed."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise MailError(f"THRICE_SMTP_URL is not a valid URL ({exc})") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MailError("THRICE_SMTP_URL must look like smtp://user:password@host:587 or "
                        "smtps://user:password@host:465")
    return SmtpServer(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        implicit_tls=parts.scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def send(server: SmtpServer, message: EmailMessage, *, ca_file: str | None = None,
         hand_over: Callable[[], bool] = lambda: True, timeout: float = TIMEOUT) -> None:
    """Connect, secure, log in, then call ``hand_over`` and send.

    ``hand_over`` runs once the server is ready to take the message: it records that the
    message may arrive from now on, and returns False to abort (HandOverRefused).
    """
    try:
        _send(server, message, ca_file, hand_over, timeout)
    except HandOverRefused:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"{server}: the login was refused ({_reply(exc)}); check the user "
                        "name and the (app) password") from None
    except smtplib.SMTPRecipientsRefused as exc:
        replies = "; ".join(f"{rcpt}: {_reply(smtplib.SMTPResponseException(*r))}"
                            for rcpt, r in exc.recipients.items())
        raise MailError(f"{server}: the recipient was refused ({replies})") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"{server}: the server answered {_reply(exc)}") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise MailError(f"{server}: the server closed the connection ({exc})") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"{server}: {exc}") from None
    except ssl.SSLError as exc:
        raise MailError(f"{server}: TLS failed ({exc.reason or exc})") from None
    except ConnectionRefusedError:
        raise MailError(f"{server}: connection refused (is the host and port right?)") from None
    except TimeoutError:
        raise MailError(f"{server}: timed out") from None
    except socket.gaierror as exc:
        raise MailError(f"{server}: unknown host ({exc.strerror})") from None
    except OSError as exc:
        raise MailError(f"{server}: {exc.strerror or exc}") from None


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
        else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}".strip()


def _send(server: SmtpServer, message: EmailMessage, ca_file: str | None,
          hand_over: Callable[[], bool], timeout: float) -> None:
    context = tls_context(ca_file)
    smtp: smtplib.SMTP
    if server.implicit_tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        smtp.ehlo()
        if not server.implicit_tls and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif not server.implicit_tls and server.username:
            raise MailError(f"{server}: the server offers no STARTTLS, and the password is "
                            "never sent in clear text (use smtps:// or port 587)")
        if server.username:
            smtp.login(server.username, server.password or "")
        if not hand_over():
            raise HandOverRefused()
        smtp.send_message(message)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()  # the message was taken or refused already: the goodbye is a detail
