"""Reminders' transports against real servers: an SMTP server (aiosmtpd) in plain text, with
STARTTLS and AUTH, or with implicit TLS, its certificate made here by `cryptography`; and an
HTTP server standing in for ntfy, which Apprise's ntfy:// URLs talk to.

The servers and the helpers that build users and nudges are shared by the other reminder
tests (tests/services/test_notify.py, tests/api/test_notifications.py,
tests/test_notify_cli.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import Flask
from sqlalchemy import select

from server.config import Settings
from server.extensions import db
from server.models import Contact, Notification, Nudge, User
from server.services.notify import push, smtp
from server.services.notify.run import RunReport, mailer, run_due
from tests.conftest import ApiUser, free_port

SMTP_USER, SMTP_PASSWORD = "thrice@example.com", "app pass/word"
# aiosmtpd's warning for the implicit-TLS server, which it does not recognise as TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

# --- certificates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Certs:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_certs(folder: Path) -> Certs:
    """A private CA and a certificate it signed for 127.0.0.1 and localhost."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Thrice test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    paths = Certs(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca_file.write_bytes(ca.public_bytes(pem))
    paths.cert_file.write_bytes(cert.public_bytes(pem))
    paths.key_file.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return paths


# --- SMTP ---------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler: keeps every message; refuses listed recipients; may stall before
    answering DATA."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.data_delay = 0.0
        self.data_started = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Kept first, answered after the delay: a client killed meanwhile has delivered a
        # message whose "250 queued" it never saw.
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
        self.data_started.set()
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 2.0.0 queued"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


class SmtpServer:
    """A real SMTP server on 127.0.0.1: mode "plain", "starttls" (with AUTH) or "implicit"
    (TLS from the first byte, with AUTH). Stops and starts again on the same port."""

    def __init__(self, mode: str = "plain", certs: Certs | None = None,
                 port: int | None = None) -> None:
        self.mode = mode
        self.certs = certs
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.mode != "plain":
            assert self.certs is not None
            # aiosmtpd does not see implicit TLS as TLS: AUTH over TLS only where its check
            # can work (the connection is TLS either way).
            kwargs.update(authenticator=_authenticator, auth_required=True,
                          auth_require_tls=self.mode == "starttls")
            if self.mode == "starttls":
                kwargs["tls_context"] = self.certs.server_context()
            else:
                kwargs["ssl_context"] = self.certs.server_context()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                      **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def url(self, user: str | None = SMTP_USER, password: str = SMTP_PASSWORD) -> str:
        scheme = "smtps" if self.mode == "implicit" else "smtp"
        if self.mode == "plain" or user is None:
            return f"{scheme}://127.0.0.1:{self.port}"
        quoted = password.replace("%", "%25").replace("/", "%2F").replace(" ", "%20")
        return f"{scheme}://{user.replace('@', '%40')}:{quoted}@127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


def running_smtp() -> Iterator[SmtpServer]:
    """A plain SMTP server for a fixture: `yield from running_smtp()`."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_smtp()


# --- push ---------------------------------------------------------------------------------


@dataclass
class PushReceiver:
    """An HTTP server standing in for ntfy: records each message; `failing` topics get 500."""

    port: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, topic: str) -> str:
        return f"ntfy://127.0.0.1:{self.port}/{topic}"

    def on(self, topic: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.received if m.get("topic") == topic]


def running_receiver() -> Iterator[PushReceiver]:
    """An HTTP server standing in for ntfy, for a fixture: `yield from running_receiver()`."""
    state = PushReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload = json.loads(body or b"{}")
            if payload.get("topic") in state.failing:
                self.send_response(500)
                self.end_headers()
                return
            with state.lock:
                state.received.append(payload)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    yield from running_receiver()


# --- a world of users and nudges ----------------------------------------------------------


def configure(app: Flask, user: ApiUser, **values: Any) -> None:
    """Set a user's columns directly (timezone, preferred_time, daily_digest, push_urls)."""
    with app.app_context():
        row = db.session.get(User, user.id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def add_nudge(app: Flask, user: ApiUser, *, due_at: dt.datetime,
              notify_at: dt.datetime | None = None, priority: str = "P1",
              state: str = "scheduled", visible: bool = True, contact: str = "Ada Lovelace",
              message: str = "Call Ada about the role.", reason: str = "She promised to call.",
              snoozed_until: dt.datetime | None = None) -> tuple[int, int]:
    """(nudge id, contact id): a contact saved through the API and a nudge row on it."""
    cid = user.post("/contacts", json={"name": contact}).get_json()["id"]
    with app.app_context():
        nudge = Nudge(user_id=user.id, contact_id=cid, key=f"T:{cid}:{due_at.isoformat()}",
                      rule="R1", priority=priority, due_at=due_at,
                      notify_at=notify_at or due_at, state=state, visible=visible,
                      message=message, reason=reason, snoozed_until=snoozed_until)
        db.session.add(nudge)
        db.session.commit()
        return nudge.id, cid


def run(app: Flask, now: dt.datetime, users: list[ApiUser], **settings: Any) -> RunReport:
    with app.app_context():
        merged = replace(app.config["THRICE"], **settings)
        report = run_due(db.session, merged, now, [u.id for u in users])
        db.session.remove()
        return report


def rows(app: Flask, user: ApiUser) -> list[Notification]:
    with app.app_context():
        found = list(db.session.scalars(select(Notification).where(
            Notification.user_id == user.id).order_by(Notification.id)))
        db.session.remove()
        return found


def contact_name(app: Flask, cid: int) -> str:
    with app.app_context():
        return db.session.get(Contact, cid).name


def plain_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


# --- the transports themselves ------------------------------------------------------------


def _message(to: str = "sam@example.com") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Thrice <thrice@example.com>", to, "hello"
    msg.set_content("body")
    return msg


def test_plain_smtp_without_auth_delivers(smtp_server):
    handed: list[bool] = []
    smtp.send(smtp.parse_smtp_url(smtp_server.url()), _message(),
              hand_over=lambda: handed.append(True) or True)
    assert handed == [True]
    assert [m["Subject"] for m in smtp_server.inbox.to("sam@example.com")] == ["hello"]


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_tls_with_login_delivers_when_the_ca_is_trusted(mode, certs):
    server = SmtpServer(mode, certs).start()
    try:
        parsed = smtp.parse_smtp_url(server.url())
        assert parsed.username == SMTP_USER and parsed.password == SMTP_PASSWORD
        assert parsed.implicit_tls is (mode == "implicit")
        smtp.send(parsed, _message(), ca_file=str(certs.ca_file))
        assert len(server.inbox.to("sam@example.com")) == 1
    finally:
        server.stop()


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(mode, certs):
    server = SmtpServer(mode, certs).start()
    try:
        with pytest.raises(smtp.MailError, match="TLS failed|CERTIFICATE_VERIFY_FAILED"):
            smtp.send(smtp.parse_smtp_url(server.url()), _message())
        assert server.messages == []
    finally:
        server.stop()


def test_a_wrong_password_is_reported_without_the_password(certs):
    server = SmtpServer("starttls", certs).start()
    try:
        with pytest.raises(smtp.MailError) as caught:
            smtp.send(smtp.parse_smtp_url(server.url(password="wrong-secret")), _message(),
                      ca_file=str(certs.ca_file))
        assert "login was refused" in str(caught.value) and "535" in str(caught.value)
        assert "wrong-secret" not in str(caught.value)
        assert server.messages == []
    finally:
        server.stop()


def test_a_password_is_never_sent_to_a_server_without_starttls(smtp_server):
    handed: list[bool] = []
    with pytest.raises(smtp.MailError, match="offers no STARTTLS"):
        smtp.send(smtp.parse_smtp_url(f"smtp://u:p@127.0.0.1:{smtp_server.port}"), _message(),
                  hand_over=lambda: handed.append(True) or True)
    assert handed == [] and smtp_server.messages == []


def test_a_closed_port_and_a_refused_recipient_are_mail_errors(smtp_server):
    with pytest.raises(smtp.MailError, match="connection refused"):
        smtp.send(smtp.parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"), _message())
    smtp_server.inbox.refuse.add("gone@example.com")
    with pytest.raises(smtp.MailError, match="recipient was refused.*550"):
        smtp.send(smtp.parse_smtp_url(smtp_server.url()), _message("gone@example.com"))


def test_a_lost_claim_stops_the_send_before_the_message_leaves(smtp_server):
    with pytest.raises(smtp.HandOverRefused):
        smtp.send(smtp.parse_smtp_url(smtp_server.url()), _message(), hand_over=lambda: False)
    assert smtp_server.messages == []


@pytest.mark.parametrize("url", ["http://example.com", "smtp:/nohost", "ftp://x@y:1",
                                 "smtp://h:notaport"])
def test_malformed_smtp_urls_are_explained(url):
    with pytest.raises(smtp.MailError, match="THRICE_SMTP_URL"):
        smtp.parse_smtp_url(url)


def test_default_ports():
    assert smtp.parse_smtp_url("smtp://mail.example.com").port == 587
    assert smtp.parse_smtp_url("smtps://mail.example.com").port == 465
    assert smtp.parse_smtp_url("smtp://relay:25").port == 25


def test_apprise_accepts_real_push_urls_and_refuses_the_rest():
    for good in ("ntfy://ntfy.sh/my-topic", "tgram://123456789:abcdefg_hijklmnop/12315544/",
                 "mailto://user:pass@gmail.com", "json://127.0.0.1:8080/hook"):
        assert push.accepts(good), good
    for bad in ("", "not a url", "http://", "https://example.com/plain-page",
                "ntfy://a/b ntfy://c/d", "ntfy://a/b,ntfy://c/d", "nosuchservice://x/y"):
        assert not push.accepts(bad), bad


def test_push_delivers_to_each_url_once_and_reports_the_failing_one(receiver):
    receiver.failing.add("broken")
    urls = [receiver.url("phone"), receiver.url("broken")]
    result = push.send(urls, "P1 follow-up: Ada", "Call Ada.\n\nhttp://x/contacts/1")
    assert result.delivered == [push.url_key(urls[0])]
    assert len(result.errors) == 1 and result.errors[0].startswith("push URL 2 (ntfy://…)")
    assert receiver.on("phone") == [{"topic": "phone", "title": "P1 follow-up: Ada",
                                     "message": "Call Ada.\n\nhttp://x/contacts/1"}]
    receiver.failing.clear()
    again = push.send(urls, "P1 follow-up: Ada", "Call Ada.", skip=result.delivered)
    assert again.errors == [] and again.delivered == [push.url_key(urls[1])]
    assert len(receiver.on("phone")) == 1 and len(receiver.on("broken")) == 1


def test_the_mailer_reads_the_settings():
    base = Settings()
    assert "THRICE_SMTP_URL is not set" in mailer(base).problem
    assert "must look like" in mailer(replace(base, smtp_url="http://x")).problem
    gmail = mailer(replace(base, smtp_url="smtp://me%40gmail.com:pw@smtp.gmail.com:587"))
    assert gmail.problem is None and gmail.sender == "me@gmail.com"
    relay = mailer(replace(base, smtp_url="smtp://relay:25"))
    assert relay.sender == "Thrice <thrice@localhost>" and relay.server.port == 25
    named = mailer(replace(base, smtp_url="smtps://relay", mail_from="Me <me@example.com>"))
    assert named.sender == "Me <me@example.com>" and named.server.implicit_tls
