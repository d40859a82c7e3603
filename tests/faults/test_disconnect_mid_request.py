"""The extension's hottest requests when PostgreSQL drops their connection mid-request: the
request answers the 503 envelope, nothing escapes the request's teardown, and the pool
replaces the dead connection for the next request."""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, text

from tests.conftest import _make_app, new_user


def _terminate_others(pg_url: str, app_name_like: str = "%") -> None:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()


def test_hot_requests_answer_503_when_the_connection_drops_mid_request(pg_url, tmp_path):
    app = _make_app(pg_url, tmp_path)
    user = new_user(app)
    assert user.get("/nudges").status_code == 200  # a pooled, working connection
    answers: list[int] = []
    crashes: list[BaseException] = []

    def save(n: int) -> None:
        try:
            r = user.post("/contacts", json={"name": f"Drop {n}",
                                              "profiles": [{"url": f"https://x.com/drop{n}"}]})
            answers.append(r.status_code)
        except BaseException as exc:  # noqa: BLE001 - an escaping exception is a 500
            crashes.append(exc)

    for round_ in range(5):
        threads = [threading.Thread(target=save, args=(round_ * 10 + i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        _terminate_others(pg_url)
        for thread in threads:
            thread.join(30)
    assert not crashes, crashes
    assert set(answers) <= {201, 503}, answers
    assert user.get("/nudges").status_code == 200  # and the app serves on
