"""A real Dovecot (Debian's dovecot-imapd) on a private port, with a passwd-file user and a
Maildir in a temporary directory; messages are appended over IMAP like any client would."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from imap_tools import MailBoxUnencrypted

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
REQUIRE = os.environ.get("THRICE_REQUIRE_DOVECOT") == "1"
PASSWORD = "s3cret-app-password"


def available() -> bool:
    return Path(DOVECOT).exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    users: list[str]

    def box(self, user: str) -> MailBoxUnencrypted:
        return MailBoxUnencrypted("127.0.0.1", self.port).login(user, PASSWORD,
                                                                initial_folder=None)

    def append(self, user: str, folder: str, raw: bytes) -> None:
        box = self.box(user)
        try:
            box.append(raw, folder)
        finally:
            box.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


def _config(root: Path, port: int, uid: str, gid: str, login_user: str,
            internal_user: str, with_sent: bool) -> str:
    sent = ('  mailbox "Sent Items" {\n    special_use = \\Sent\n    auto = create\n  }\n'
            if with_sent else "")
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
{sent}}}
"""


def start(users: list[str], with_sent: bool = True) -> Dovecot:
    root = Path(tempfile.mkdtemp(prefix="thrice-dovecot-"))
    root.chmod(0o755)  # the mail processes run as another user and must reach the Maildir
    if os.geteuid() == 0:  # Dovecot refuses to run its login and mail processes as root
        uid, gid, login_user, internal_user = "nobody", "nogroup", "dovenull", "dovecot"
    else:
        me = pwd.getpwuid(os.geteuid()).pw_name
        uid, gid, login_user, internal_user = me, str(os.getegid()), me, me
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("nobody")
        for sub in ("mail", "home"):
            os.chown(root / sub, owner.pw_uid, owner.pw_gid)
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}::::::\n" for u in users))
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port, uid, gid, login_user, internal_user, with_sent))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"dovecot exited: {output}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return Dovecot(root, port, process, users)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("dovecot did not start listening")
