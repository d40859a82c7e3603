"""Schema-driven fuzzing of the whole API (SPEC §9): no 5xx, and every answer is documented.

Schemathesis reads the live OpenAPI document of an in-process app and sends generated valid
and invalid requests to every operation as a signed-in user whose contacts, interactions,
opportunity, nudges and spare token exist, so that most id paths reach real objects rather
than the 404 a random id gets. Each response must not be a 5xx and must match the documented
status codes, content types and body schemas.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from server import create_app
from server.config import Settings
from tests.conftest import _make_app, new_user
from tests.fuzz.world import World, build_world, make_nudged_contact

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
# ~25 per operation keeps a CI run to about a minute per database on 2 cores; raise it locally.
EXAMPLES = int(os.environ.get("THRICE_FUZZ_EXAMPLES", "25"))
ID_PARAMS = ("contact_id", "interaction_id", "opportunity_id", "nudge_id", "token_id")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    # PostgreSQL is stricter than SQLite (NUL bytes, integer ranges, types), so both run.
    instance: Path = tmp_path_factory.mktemp("fuzz-instance")
    if request.param == "postgresql":
        return _make_app(request.getfixturevalue("pg_url"), instance)
    return _make_app(f"sqlite:///{instance / 'thrice.sqlite3'}", instance)


@pytest.fixture(scope="module")
def world(fuzz_app: Flask) -> World:
    return build_world(fuzz_app, groups=3)


def _load_schema() -> Any:
    """The OpenAPI document served by an app built like the one under test.

    Loaded at import because schemathesis' fixture-based lazy loading does not run under
    pytest 9; requests go to the fixture's app (``app=`` at call time), and building an app
    opens no database, so collecting this module costs no I/O. flask-smorest adds a catch-all
    ``default`` response to every operation; it is dropped so that each status code an
    operation answers must be documented by name.
    """
    spec_app = create_app(Settings(database_url="sqlite:////nonexistent/thrice.sqlite3",
                                   instance_path=tempfile.gettempdir(), inline_jobs=True,
                                   log_level="WARNING"))
    document = spec_app.test_client().get("/api/openapi.json").get_json()
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    loaded = schemathesis.openapi.from_dict(document)
    # Unknown query parameters are ignored on purpose (cache-busters; PageQuery EXCLUDEs
    # them), and the bearer token is the test's to send, not the generator's.
    loaded.config.generation.update(allow_extra_parameters=False,
                                    with_security_parameters=False)
    return loaded


schema = _load_schema()


def _aim_at_real_objects(case: Any, world: World) -> None:
    """Point three in four generated ids at the user's own objects (the rest stay random)."""
    for name in ID_PARAMS:
        value = (case.path_parameters or {}).get(name)
        owned = world.ids.get(name)
        if value is None or not owned:
            continue
        pick = zlib.crc32(str(value).encode())
        if pick % 4 or (name == "token_id" and str(value) == str(world.own_token_id)):
            case.path_parameters[name] = owned[pick % len(owned)]


def _replenish(case: Any, world: World, status: int) -> None:
    """A successful delete or merge removed an object: make a fresh set so ids stay live."""
    if status >= 300 or not (case.method.upper() == "DELETE" or case.path.endswith("/merge")):
        return
    for name in ID_PARAMS:
        gone = (case.path_parameters or {}).get(name)
        if gone in world.ids.get(name, []):
            world.ids[name].remove(gone)
    if "token_id" in (case.path_parameters or {}):
        r = world.user.post("/tokens", json={"name": "spare"})
        world.add("token_id", r.get_json()["id"])
    else:
        make_nudged_contact(world.user, world)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_5xx_and_every_answer_is_documented(case: Any, world: World, fuzz_app: Flask) -> None:
    headers = dict(world.user.headers)
    if case.method.upper() == "DELETE" and case.path == "/api/v1/me":
        headers = new_user(fuzz_app).headers  # erasing the fuzzing user would end the run
    if not case.meta.is_negative_at(ParameterLocation.PATH):
        _aim_at_real_objects(case, world)
    response = case.call_and_validate(app=fuzz_app, headers=headers, checks=CHECKS)
    _replenish(case, world, response.status_code)
