"""The web app (§10): server-rendered pages at `/` that call the same services as the API."""

from server.web.setup import register_web

__all__ = ["register_web"]
