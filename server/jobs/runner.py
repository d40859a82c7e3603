"""Entry points behind `thrice worker`, `thrice cron` and `thrice rescore`."""

from __future__ import annotations


def run_worker(burst: bool = False) -> int:
    raise SystemExit("thrice worker: not available yet")


def run_cron() -> int:
    raise SystemExit("thrice cron: not available yet")


def run_rescore(email: str | None) -> int:
    raise SystemExit("thrice rescore: not available yet")
