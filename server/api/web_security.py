"""What browsers are told about every response, and the size every request is held to
(THRICE_MAX_REQUEST_MB, with or without a Content-Length).

Every response says `X-Content-Type-Options: nosniff` and may not be framed (clickjacking).
HTML (the web app's pages and the Swagger UI page at /api/docs) may run scripts from this
server alone: no inline script, no other origin. Everything else is data that should never
run as a page at all.
"""

from __future__ import annotations

import io

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from server.api.docs import swagger_ui

# Swagger UI draws its icons from data: URIs; its scripts and styles are all files
# (tests/api/test_hardening_headers.py runs it in Chromium under this policy).
HTML_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def secure_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = (HTML_POLICY if response.mimetype == "text/html"
                                          else DATA_POLICY)
    headers["X-Frame-Options"] = "DENY"  # frame-ancestors for browsers that predate it
    headers["Referrer-Policy"] = "no-referrer"
    return response


def limit_unsized_body() -> None:
    """A chunked body (no Content-Length) is read here, up to the limit. Werkzeug would stop
    reading it at the limit without a word, and the cut JSON would answer a misleading 400."""
    environ = request.environ
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is None:
        return
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def register_web_security(app: Flask) -> None:
    """The headers on every response, the body size limit, and the Swagger UI page that the
    policy allows (flask-smorest's own starts with an inline script)."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # a test may set its own
        app.config["MAX_CONTENT_LENGTH"] = app.config["THRICE"].max_request_mb * 2**20
    app.register_blueprint(swagger_ui)
    app.before_request(limit_unsized_body)
    app.after_request(secure_headers)
