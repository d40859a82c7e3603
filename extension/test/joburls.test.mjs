// Canonical job URLs: the cases shared with tests/domain/test_job_urls.py, against the JS twin.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { BOARDS, canonicalJobUrl, isJobPosting, isTracking } from "../lib/joburls.js";

const CASES = JSON.parse(readFileSync(new URL("./fixtures/job_url_cases.json", import.meta.url), "utf8"));

describe("shared job URL cases", () => {
  test("the table covers every board", () => {
    assert.ok(CASES.length >= 60);
    const postings = new Set(CASES.filter((c) => c.is_posting).map((c) => c.board));
    assert.deepEqual([...postings].sort(), [...BOARDS].sort());
  });

  for (const c of CASES) {
    test(JSON.stringify(c.in), () => {
      if (c.error) {
        assert.equal(canonicalJobUrl(c.in), null);
        assert.equal(isJobPosting(c.in), false);
        return;
      }
      const expected = { board: c.board, url: c.url, isPosting: c.is_posting };
      assert.deepEqual(canonicalJobUrl(c.in), expected);
      assert.deepEqual(canonicalJobUrl(c.url), expected); // idempotent
      assert.equal(isJobPosting(c.in), c.is_posting);
    });
  }
});

test("non-strings are invalid, not exceptions", () => {
  for (const value of [undefined, null, 42, {}, ["https://jobs.lever.co/a/b"]]) {
    assert.equal(canonicalJobUrl(value), null);
  }
});

test("tracking keys", () => {
  for (const key of ["utm_source", "UTM_MEDIUM", "gh_src", "lever-source", "refId", "trackingId", "trk"]) {
    assert.ok(isTracking(key), key);
  }
  for (const key of ["id", "gh_jid", "currentJobId", "token"]) assert.ok(!isTracking(key), key);
});
