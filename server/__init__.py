"""Thrice: a self-hosted follow-up CRM for job seekers.

``create_app()`` is the WSGI entry: config → extensions → blueprints → error handlers → CLI.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_cors import CORS
from flask_smorest import Api

from server.config import Settings, normalise_database_url, sqlite_url_for
from server.extensions import db
from server.json_provider import ThriceJSONProvider

API_SPEC = {
    "API_TITLE": "Thrice",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
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

    from server.jobs.dispatch import init_queue

    init_queue(app, settings)

    from server.api.docs import CommonErrorsPlugin

    api = Api(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}],
        "extra_plugins": [CommonErrorsPlugin()]})
    app.extensions["thrice_api"] = api
    from server.api import register_blueprints

    register_blueprints(app, api)

    # Only the configured extension origins may call the API from a browser page.
    cors = {"origins": settings.cors_origins or [],
            "allow_headers": ["Authorization", "Content-Type"], "max_age": 600}
    CORS(app, resources={r"/api/*": {"origins": cors["origins"]}},
         allow_headers=cors["allow_headers"], max_age=cors["max_age"])

    from server.api.errors import register_error_handlers

    register_error_handlers(app)
    from server.api.auth import register_auth

    register_auth(app)
    from server.api.fast_lane import FastLane

    app.wsgi_app = FastLane(app, cors)  # type: ignore[method-assign]
    return app
