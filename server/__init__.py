"""Thrice: a self-hosted follow-up CRM for job seekers.

``create_app()`` is the WSGI entry: config → extensions → blueprints → error handlers → CLI.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_cors import CORS
from flask_smorest import Api

from server.api import register_blueprints
from server.api.auth import register_auth
from server.api.docs import CommonErrorsPlugin
from server.api.errors import register_error_handlers
from server.api.web_security import register_web_security
from server.config import Settings, normalise_database_url, sqlite_url_for
from server.extensions import db
from server.jobs.dispatch import init_queue
from server.json_provider import ThriceJSONProvider
from server.web import register_web

API_SPEC = {
    "API_TITLE": "Thrice",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    # No OPENAPI_SWAGGER_UI_PATH: /api/docs is server/api/docs.py's page, with Swagger UI's
    # files from the swagger-ui-bundle package (works offline, no inline script for the CSP).
}


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        instance_path=settings.instance_path,
        instance_relative_config=True,
    )
    app.json = ThriceJSONProvider(app)
    app.config.update(API_SPEC)
    app.config["THRICE"] = settings
    app.config.update(overrides)
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")

    database_url = normalise_database_url(
        settings.database_url or sqlite_url_for(app.instance_path)
    )
    app.config["DATABASE_URL"] = database_url
    db.init_app(app, database_url)

    init_queue(app, settings)

    api = Api(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}],
        "extra_plugins": [CommonErrorsPlugin()]})
    app.extensions["thrice_api"] = api
    register_blueprints(app, api)

    # Only the configured extension origins may call the API from a browser page.
    CORS(app, resources={r"/api/*": {"origins": settings.cors_origins or []}},
         allow_headers=["Authorization", "Content-Type"], max_age=600)

    register_error_handlers(app)
    register_auth(app)
    register_web_security(app)
    register_web(app)
    return app
