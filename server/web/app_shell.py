"""What every page shares: the web manifest (installable as an app) and text filters."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, jsonify, url_for
from flask_login import current_user

from server.web.blueprint import bp


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    response = jsonify({
        "name": "Thrice", "short_name": "Thrice",
        "description": "Follow up with the people of your job search.",
        "start_url": url_for("web.today"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#1f4e79",
        "icons": [
            {"src": url_for("web.static", filename="icon-192.png"), "sizes": "192x192",
             "type": "image/png"},
            {"src": url_for("web.static", filename="icon-512.png"), "sizes": "512x512",
             "type": "image/png"},
            {"src": url_for("web.static", filename="icon.svg"), "sizes": "any",
             "type": "image/svg+xml"},
        ],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.app_template_filter("localtime")
def localtime(value: datetime | None) -> str:
    """An instant in the signed-in user's zone, e.g. 'Tue 4 Mar 2025, 15:00'."""
    if value is None:
        return ""
    zone = ZoneInfo(current_user.user.timezone if current_user.is_authenticated else "UTC")
    local = value.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


@bp.app_template_filter("humanize")
def humanize(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()
