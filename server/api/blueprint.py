"""The Blueprint every resource uses: flask-smorest's, with a JSON parser that never 500s."""

from __future__ import annotations

from typing import Any

import flask
import flask_smorest
import marshmallow as ma
import orjson
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request


class JsonParser(FlaskParser):
    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        if not is_json_request(req):
            return core.missing
        # orjson is several times faster on a 1000-item bulk body; whatever it refuses,
        # webargs' own loader decides (and words the error) as before.
        try:
            return orjson.loads(req.get_data(cache=True))
        except orjson.JSONDecodeError:
            pass
        try:
            return super().load_json(req, schema)
        except RecursionError:  # "[[[[…" 100k deep is bad JSON, not a bug
            abort(400, messages={"json": ["Nested too deeply."]})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()

    def arguments(self, schema: type[ma.Schema] | ma.Schema, *args: Any, **kwargs: Any) -> Any:
        # webargs builds a schema given as a class anew for every request; one instance,
        # made here once, serves them all (schemas keep no per-load state).
        return super().arguments(schema() if isinstance(schema, type) else schema,
                                 *args, **kwargs)


def prebuilt(body: Any, status: int = 200) -> flask.Response:
    """A response from a view dict that already has the documented shape.

    flask-smorest passes a Response through untouched, so hot endpoints skip a second,
    field-by-field marshmallow dump of data the services built in the right form; the
    schema still documents it, and the schemathesis run checks the two agree.
    """
    response = flask.current_app.json.response(body)
    response.status_code = status
    return response


def prebuilt_bytes(body: bytes, status: int = 200) -> flask.Response:
    """`prebuilt` of a body that is JSON text already (a kept answer)."""
    return flask.current_app.response_class(body, status=status, mimetype="application/json")
