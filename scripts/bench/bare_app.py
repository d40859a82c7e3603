"""The yardstick for scripts/bench/api.py: a bare Flask JSON endpoint, nothing else."""

from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/json")
def read() -> object:
    return jsonify({"status": "ok", "items": []})


@app.post("/json")
def write() -> object:
    return jsonify({"received": request.get_json(silent=True) is not None}), 201


if __name__ == "__main__":
    # Served exactly as `thrice serve` serves Thrice (server.serve.gunicorn_options), so the
    # benchmark's ratios compare the apps, not the server settings.
    import argparse

    from server.serve import Gunicorn, gunicorn_options

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    Gunicorn(gunicorn_options("127.0.0.1", args.port, args.workers), app).run()
