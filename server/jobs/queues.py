"""Queue names by purpose, and the retry policy every Thrice job shares."""

from __future__ import annotations

from rq import Retry

SCORES = "scores"      # warmth + nudge re-check after a change (latency matters)
NUDGES = "nudges"      # time-driven nudge sweeps
DEFAULT = "default"    # full recomputes, catch-up, maintenance
ALL = (SCORES, NUDGES, DEFAULT)

# Jobs are idempotent, so retrying after a crash or a lost connection is always safe.
RETRY = Retry(max=3, interval=[5, 30, 120])
JOB_TIMEOUT = 300
FULL_RECOMPUTE_TIMEOUT = 3600
