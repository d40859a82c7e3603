"""The parts of an http(s) URL that profile and job URLs are checked and canonicalised alike.

Pure: the error raised is the caller's own `InvalidUrl` subclass, so each kind of URL keeps
its own exception while the rules for hosts and ports exist once.
"""

from __future__ import annotations

import re

MAX_LENGTH = 2048
HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
PORT = re.compile(r"[0-9]{1,5}")


class InvalidUrl(ValueError):
    """The input is not an http(s) URL we can store."""


def parse_authority(authority: str, error: type[InvalidUrl] = InvalidUrl) -> tuple[str, str]:
    """(host lower-cased, port or "" for the scheme's default) of a URL's authority."""
    if authority == "":
        raise error("URL has no host")
    if "@" in authority:
        raise error("user names and passwords in URLs are not accepted")
    host, _, port = authority.partition(":")
    if port != "":
        if not PORT.fullmatch(port) or not 0 < int(port) < 65536:
            raise error(f"invalid port: {port}")
        port = str(int(port))
    if port in ("80", "443"):
        port = ""
    if host.endswith("."):
        host = host[:-1]
    if not HOST.fullmatch(host):
        raise error(f"invalid host: {host}")
    return host.lower(), port
