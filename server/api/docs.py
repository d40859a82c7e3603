"""OpenAPI: document the errors every operation of a kind can answer, in one place.

Authentication (401), the id converter (404), the JSON body parser (400), the body size limit
(413) and the database handlers (503; 507 for a full disk on writes) apply to operations by
their shape rather than by what each view does, so they are added here for every operation of
that shape instead of repeated on each view.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from apispec import BasePlugin
from flask import Blueprint as FlaskBlueprint
from flask import Response, abort, current_app, send_from_directory, url_for
from flask_smorest.error_handler import ErrorSchema
from swagger_ui_bundle import swagger_ui_path

# The envelope's documented schema (components/schemas/Error), for @blp.alt_response.
ERROR = ErrorSchema

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _ERROR}


class CommonErrorsPlugin(BasePlugin):
    def operation_helper(self, path: str | None = None,
                         operations: dict[str, Any] | None = None, **_kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if operation.get("security") != []:
                responses.setdefault("401", _error("Missing, unknown or revoked bearer token"))
            if path and "{" in path:
                responses.setdefault("404", _error("Unknown id, or another user's object"))
            if "requestBody" in operation:
                responses.setdefault("400", _error("The body is not valid JSON"))
                responses.setdefault("413", _error("The body is larger than the server's "
                                                   "limit (THRICE_MAX_REQUEST_MB)"))
            if method != "get":
                responses.setdefault("507", _error("The database's disk is full; nothing "
                                                   "was saved"))
            responses.setdefault("503", _error("The database is unavailable, read-only or "
                                               "failing; try again"))


# --- Swagger UI, served from this server --------------------------------------------------
# The page, its assets (the swagger-ui-bundle package, so /api/docs works offline) and its
# initializer are ours rather than flask-smorest's: its template starts Swagger UI with an
# inline script, which the Content-Security-Policy (server.api.web_security) forbids.

SWAGGER_UI_ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png",
                               "favicon-16x16.png"})
_INITIALIZER = """\
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  var config = JSON.parse(root.getAttribute("data-config") || "{}");
  window.ui = SwaggerUIBundle(Object.assign({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null
  }, config));
});
"""
_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" type="text/css" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec_url}" data-config="{config}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{initializer}"></script>
</body>
</html>
"""

swagger_ui = FlaskBlueprint("swagger_ui", __name__, url_prefix="/api/docs")


@swagger_ui.get("")
def swagger_ui_page() -> Response:
    page = _PAGE.format(
        title=escape(current_app.config.get("API_TITLE", "API")),
        assets=escape(url_for("swagger_ui.swagger_ui_page") + "/static"),
        spec_url=escape(url_for("api-docs.openapi_json")),
        config=escape(json.dumps(current_app.config.get("OPENAPI_SWAGGER_UI_CONFIG", {}))),
        initializer=escape(url_for("swagger_ui.initializer")),
    )
    return Response(page, mimetype="text/html")


@swagger_ui.get("/swagger-initializer.js")
def initializer() -> Response:
    return Response(_INITIALIZER, mimetype="text/javascript")


@swagger_ui.get("/static/<name>")
def asset(name: str) -> Response:
    if name not in SWAGGER_UI_ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), name, max_age=86_400)
