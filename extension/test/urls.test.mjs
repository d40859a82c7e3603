// SPEC §3 profile URLs: the vectors shared with tests/domain/test_urls.py, against the JS twin.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { canonicalize, isProfileUrl } from "../lib/urls.js";

const CASES = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/url_cases.json", import.meta.url), "utf8"),
);

function label(raw) {
  const text = raw.length <= 80 ? raw : `${raw.slice(0, 60)}...(${raw.length} chars)`;
  return JSON.stringify(text);
}

describe("shared URL vectors", () => {
  test("the table is exhaustive", () => {
    assert.ok(CASES.length >= 120);
  });

  for (const c of CASES) {
    test(label(c.in), () => {
      if (c.error) {
        assert.equal(canonicalize(c.in), null);
        assert.equal(isProfileUrl(c.in), false);
        return;
      }
      const expected = { network: c.network, url: c.url, handle: c.handle, isProfile: c.is_profile };
      assert.deepEqual(canonicalize(c.in), expected);
      assert.equal(isProfileUrl(c.in), c.is_profile);
      // Idempotence, as the Python properties check it.
      assert.deepEqual(canonicalize(c.url), expected);
    });
  }
});

test("non-strings are invalid, not exceptions", () => {
  for (const value of [undefined, null, 42, {}, ["https://x.com/jack"]]) {
    assert.equal(canonicalize(value), null);
    assert.equal(isProfileUrl(value), false);
  }
});
