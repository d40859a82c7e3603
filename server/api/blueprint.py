"""The Blueprint every resource uses: flask-smorest's, with a JSON parser that never 500s."""

from __future__ import annotations

import json
from typing import Any

import flask
import flask_smorest
from webargs.flaskparser import FlaskParser


class JsonParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError as exc:
            # json.loads recurses per nesting level; "[[[[…" 100k deep is bad JSON, not a bug.
            raise json.JSONDecodeError("Nested too deeply.", doc="(nested too deeply)",
                                       pos=0) from exc


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
