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
