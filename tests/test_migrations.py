"""The migrations build exactly the models' schema, on both databases, both ways."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, make_url, select, text

from server.migrate import alembic_config, upgrade
from server.models import Base, Contact
from tests.conftest import PG_URL, REQUIRE_PG

PARTIAL = {"ix_contacts_dirty_at": "dirty_at IS NOT NULL",
           "ix_contacts_user_id_import_key": "import_key IS NOT NULL"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # noqa: ANN001
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield engine
        engine.dispose()
        return
    admin_url = make_url(PG_URL)
    name = f"thrice_migr_{secrets.token_hex(4)}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip("PostgreSQL unreachable")
    engine = create_engine(admin_url.set(database=name))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _index_sql(engine: Engine, name: str) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name})
        return conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                           {"n": name})


def test_the_migrated_schema_is_the_models(fresh_engine: Engine) -> None:
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []
    for name, condition in PARTIAL.items():
        assert condition.split()[0] in _index_sql(fresh_engine, name).split("WHERE", 1)[1]


def test_the_partial_indexes_go_down_and_up_again(fresh_engine: Engine) -> None:
    upgrade(fresh_engine)
    cfg = alembic_config(fresh_engine.url.render_as_string(hide_password=False))
    with fresh_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    for name in PARTIAL:
        assert "WHERE" not in _index_sql(fresh_engine, name).upper()
    upgrade(fresh_engine)
    for name in PARTIAL:
        assert "WHERE" in _index_sql(fresh_engine, name).upper()
    assert {ix["name"] for ix in inspect(fresh_engine).get_indexes("contacts")} >= set(PARTIAL)


def test_sqlite_still_uses_them_for_the_sweep_and_the_import(tmp_path) -> None:  # noqa: ANN001
    engine = create_engine(f"sqlite:///{tmp_path / 'plan.sqlite3'}")
    upgrade(engine)
    sweep = select(Contact.user_id, Contact.id).where(Contact.dirty_at.is_not(None))
    imports = select(Contact.import_key, Contact.id).where(
        Contact.user_id == 1, Contact.import_key.in_(["a", "b"]))
    with engine.connect() as conn:
        for stmt, index in ((sweep, "ix_contacts_dirty_at"),
                            (imports, "ix_contacts_user_id_import_key")):
            compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row) for row in conn.execute(
                text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert index in plan, plan
    engine.dispose()
