"""An .mbox through scripts/import_contacts.py: the same reading as a sync, twice adds nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from scripts import import_contacts
from server.importers.mbox import is_mbox, iter_messages
from tests.conftest import LiveServer
from tests.mail.build import raw_message

DATE = "Tue, 04 Mar 2025 09:00:00 +0000"


def _mbox(path: Path, messages: list[bytes]) -> None:
    with path.open("wb") as out:
        for raw in messages:
            body = b"".join(b">" + line if line.startswith(b"From ") else line
                            for line in raw.replace(b"\r\n", b"\n").splitlines(keepends=True))
            out.write(b"From 1234@xxx Tue Mar 04 09:00:00 +0000 2025\n" + body + b"\n")


def test_the_splitter_streams_and_unescapes():
    data = (b"From a Tue\nSubject: one\n\n>From here on\nbody\n\n"
            b"From b Tue\nSubject: two\n\nx\n")
    assert is_mbox(io.BytesIO(data)) and not is_mbox(io.BytesIO(b"name,email\n"))
    assert list(iter_messages(io.BytesIO(data))) == [
        b"Subject: one\n\nFrom here on\nbody\n", b"Subject: two\n\nx\n"]


def test_import_logs_known_contacts_and_suggests(live_server: LiveServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]):
    api = live_server.new_user()
    contact = api.post("/contacts", json={"name": "Rita", "emails": ["rita@acme.example"]})
    contact_id = contact.get_json()["id"]
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    _mbox(path, [
        raw_message("<x1@acme.example>", "rita@acme.example", "sam@home.example", DATE,
                    "From now on I am your contact. You will hear from us by Friday."),
        raw_message("<x2@home.example>", "sam@home.example", "rita@acme.example", DATE,
                    "Thanks Rita."),
        raw_message("<x3@else.example>", "stranger@else.example", "sam@home.example", DATE,
                    "Hello."),
    ])
    argv = [str(path), "--server", live_server.url, "--token", api.token,
            "--me-email", "sam@home.example"]
    assert import_contacts.main(argv) == 0
    out = capsys.readouterr().out
    assert "3 messages read · interactions added 2 · suggestions added 1" in out
    logged = api.get(f"/contacts/{contact_id}/interactions").get_json()["items"]
    assert sorted(i["type"] for i in logged) == ["email_sent", "reply_received"]
    assert api.get("/suggestions").get_json()["items"][0]["value"]["promise"]["date"] == \
        "2025-03-07"
    assert len(api.get("/contacts").get_json()["items"]) == 1  # strangers stay strangers

    assert import_contacts.main(argv) == 0
    assert "interactions added 0 · suggestions added 0" in capsys.readouterr().out
