import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createClient } from "../lib/api.js";
import { MSG } from "../lib/messages.js";
import { SUGGESTION_ACTIONS, pendingSuggestions, suggestionSummary } from "../lib/suggestions.js";

describe("suggestions from mail", () => {
  test("each kind says what accepting would log", () => {
    assert.equal(suggestionSummary({ kind: "promise", value: { promise: { kind: "by_date", date: "2025-03-07" } } }), "Promise: by Fri 7 Mar");
    assert.equal(suggestionSummary({ kind: "promise", value: { promise: { kind: "wait_days", days: 7 } } }), "Promise: wait 7 days");
    assert.equal(
      suggestionSummary({ kind: "promise", value: { promise: { kind: "call_at", at: "2025-03-05T15:00:00Z" } } }, "UTC"),
      "Promise: a call Wed 5 Mar, 15:00",
    );
    assert.equal(suggestionSummary({ kind: "no", value: { final: true } }), "No (final)");
    assert.equal(suggestionSummary({ kind: "no", value: { final: false } }), "No");
    assert.equal(suggestionSummary({ kind: "interview", value: { occurred_at: "2025-03-06T14:30:00Z" } }, "UTC"), "Interview: Thu 6 Mar, 14:30");
    assert.equal(suggestionSummary({ kind: "promise", value: {} }), "Promise");
  });

  test("only pending ones of a known kind, most confident first", () => {
    const items = [
      { id: 1, kind: "promise", state: "pending", confidence: 0.8 },
      { id: 2, kind: "no", state: "accepted", confidence: 0.9 },
      { id: 3, kind: "weird", state: "pending", confidence: 1 },
      { id: 4, kind: "no", state: "pending", confidence: 0.9 },
      { id: 5, kind: "interview", state: "pending", confidence: 0.8 },
    ];
    assert.deepEqual(pendingSuggestions(items).map((s) => s.id), [4, 1, 5]);
    assert.deepEqual(pendingSuggestions(null), []);
  });

  test("the popup's messages and the client's calls", async () => {
    assert.equal(MSG.SUGGESTIONS, "thrice:suggestions");
    assert.deepEqual(SUGGESTION_ACTIONS, ["accept", "reject"]);
    const calls = [];
    const fetchImpl = async (url, init) => {
      calls.push([init.method, String(url)]);
      return new Response(JSON.stringify({ items: [], next: null }), { status: 200 });
    };
    const client = createClient({ origin: "http://127.0.0.1:5000", token: "t", fetchImpl });
    await client.suggestions(20);
    await client.acceptSuggestion(7);
    await client.rejectSuggestion(8);
    assert.deepEqual(calls, [
      ["GET", "http://127.0.0.1:5000/api/v1/suggestions?state=pending&limit=20"],
      ["POST", "http://127.0.0.1:5000/api/v1/suggestions/7/accept"],
      ["POST", "http://127.0.0.1:5000/api/v1/suggestions/8/reject"],
    ]);
  });
});
