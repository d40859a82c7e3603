import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError, createClient, fieldErrors } from "../lib/api.js";
import { CADENCE_DAYS, cadenceLabel, contactPayload, followUpType, quickLogBody } from "../lib/contact.js";
import { badgeText, mailtoHref, nudgesToNotify, relativeTime } from "../lib/nudges.js";
import { isProfilePage, profileOfPage } from "../lib/pages.js";
import { isLocalOrigin, normalizeOrigin, originPattern } from "../lib/settings.js";

/** A fetch double that records requests and answers from a queue. */
function fakeFetch(...answers) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init, body: init.body ? JSON.parse(init.body) : undefined });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    const { status = 200, body = null } = next ?? {};
    return new Response(body === null ? "" : JSON.stringify(body), { status });
  };
  fn.calls = calls;
  return fn;
}

describe("api client", () => {
  const origin = "http://127.0.0.1:5000";

  test("sends the bearer token to <origin>/api/v1", async () => {
    const fetchImpl = fakeFetch({ status: 200, body: { id: 1, email: "me@example.com" } });
    const me = await createClient({ origin, token: "t0k", fetchImpl }).me();
    assert.equal(me.email, "me@example.com");
    assert.equal(fetchImpl.calls[0].url, "http://127.0.0.1:5000/api/v1/me");
    assert.equal(fetchImpl.calls[0].init.headers.Authorization, "Bearer t0k");
    assert.equal(fetchImpl.calls[0].init.credentials, "omit");
  });

  test("health needs no token", async () => {
    const fetchImpl = fakeFetch({ body: { status: "ok" } });
    await createClient({ origin, token: "", fetchImpl }).health();
    assert.equal(fetchImpl.calls[0].init.headers.Authorization, undefined);
  });

  test("saveContact reports 201 and 200", async () => {
    const fetchImpl = fakeFetch({ status: 201, body: { id: 7 } }, { status: 200, body: { id: 7 } });
    const client = createClient({ origin, token: "t", fetchImpl });
    assert.deepEqual(await client.saveContact({ name: "A" }), { status: 201, contact: { id: 7 } });
    assert.equal((await client.saveContact({ name: "A" })).status, 200);
    assert.equal(fetchImpl.calls[0].init.method, "POST");
    assert.deepEqual(fetchImpl.calls[0].body, { name: "A" });
  });

  test("lookup encodes the URL and turns 404 into null", async () => {
    const fetchImpl = fakeFetch({ status: 404, body: { code: "not_found", status: 404, message: "Not found" } });
    const contact = await createClient({ origin, token: "t", fetchImpl }).lookup("https://x.com/a?b=c&d");
    assert.equal(contact, null);
    assert.equal(fetchImpl.calls[0].url, "http://127.0.0.1:5000/api/v1/contacts/lookup?url=https%3A%2F%2Fx.com%2Fa%3Fb%3Dc%26d");
  });

  test("an unreachable server gives the serve hint", async () => {
    const client = createClient({ origin, token: "t", fetchImpl: fakeFetch(new TypeError("Failed to fetch")) });
    await assert.rejects(client.me(), (err) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.kind, "unreachable");
      assert.equal(err.message, "Can't reach Thrice at http://127.0.0.1:5000 — is `thrice serve` running?");
      return true;
    });
  });

  test("401 asks for a fresh token", async () => {
    const client = createClient({ origin, token: "t", fetchImpl: fakeFetch({ status: 401, body: { code: "unauthorized" } }) });
    await assert.rejects(client.me(), { kind: "unauthorized", message: "The token was refused — paste a fresh one in the options." });
  });

  test("422 lists the field errors", async () => {
    const body = { code: "unprocessable_entity", status: 422, message: "Invalid", errors: { json: { name: ["Shorter than minimum length 1."], profiles: { 0: { url: ["Not a valid URL."] } } } } };
    const client = createClient({ origin, token: "t", fetchImpl: fakeFetch({ status: 422, body }) });
    await assert.rejects(client.saveContact({}), (err) => {
      assert.equal(err.kind, "validation");
      assert.deepEqual(err.fields, ["name: Shorter than minimum length 1.", "profiles.0.url: Not a valid URL."]);
      assert.match(err.message, /name: Shorter than minimum length 1\./);
      return true;
    });
  });

  test("a 500 or an HTML error page still gives a readable error", async () => {
    const client = createClient({ origin, token: "t", fetchImpl: fakeFetch({ status: 502 }) });
    await assert.rejects(client.me(), { kind: "server", message: "Thrice answered HTTP 502" });
  });

  test("no origin or token means not configured, without a request", async () => {
    const fetchImpl = fakeFetch();
    await assert.rejects(createClient({ origin: "", token: "t", fetchImpl }).me(), { kind: "not_configured" });
    await assert.rejects(createClient({ origin, token: "", fetchImpl }).me(), { kind: "not_configured" });
    assert.equal(fetchImpl.calls.length, 0);
  });

  test("nudge calls", async () => {
    const fetchImpl = fakeFetch({ body: { items: [], next: null } }, { body: {} }, { body: {} }, { body: {} }, { body: {} });
    const client = createClient({ origin, token: "t", fetchImpl });
    await client.dueNudges(50);
    await client.completeNudge(3);
    await client.snoozeNudge(3, { preset: "next_monday" });
    await client.dismissNudge(3);
    await client.nudgeSummary();
    assert.deepEqual(
      fetchImpl.calls.map((c) => [c.init.method, c.url.replace(origin, ""), c.body]),
      [
        ["GET", "/api/v1/nudges?state=due&limit=50", undefined],
        ["POST", "/api/v1/nudges/3/complete", {}],
        ["POST", "/api/v1/nudges/3/snooze", { preset: "next_monday" }],
        ["POST", "/api/v1/nudges/3/dismiss", { reason: "not_relevant" }],
        ["GET", "/api/v1/nudges/summary", undefined],
      ],
    );
  });

  test("fieldErrors flattens nested marshmallow errors", () => {
    assert.deepEqual(fieldErrors({ json: { promise: { date: ["Not a valid date."] } } }), ["promise.date: Not a valid date."]);
    assert.deepEqual(fieldErrors(null), []);
  });
});

describe("settings", () => {
  test("normalizeOrigin keeps the origin only", () => {
    assert.equal(normalizeOrigin("http://127.0.0.1:5000/"), "http://127.0.0.1:5000");
    assert.equal(normalizeOrigin(" 127.0.0.1:5000 "), "http://127.0.0.1:5000");
    assert.equal(normalizeOrigin("localhost:5000/api/v1"), "http://localhost:5000");
    assert.equal(normalizeOrigin("crm.example.com"), "https://crm.example.com");
    assert.equal(normalizeOrigin("HTTPS://CRM.Example.com:8443/x?y#z"), "https://crm.example.com:8443");
  });

  test("normalizeOrigin rejects what is not a web server", () => {
    assert.throws(() => normalizeOrigin(""), /Enter the server address/);
    assert.throws(() => normalizeOrigin("ftp://example.com"), /http:\/\/ or https:\/\//);
    assert.throws(() => normalizeOrigin("javascript:alert(1)"), /not a web address/);
    assert.throws(() => normalizeOrigin("http://user:pw@example.com"), /token field/);
    assert.throws(() => normalizeOrigin("http://exa mple.com"), /not a web address/);
  });

  test("local origins need no optional permission; others get a port-free pattern", () => {
    assert.equal(isLocalOrigin("http://127.0.0.1:5000"), true);
    assert.equal(isLocalOrigin("http://localhost:8080"), true);
    assert.equal(isLocalOrigin("https://crm.example.com"), false);
    assert.equal(originPattern("https://crm.example.com:8443"), "https://crm.example.com/*");
  });
});

describe("contact payload and quick log", () => {
  const profile = {
    network: "github", url: "https://github.com/octodev", name: null, headline: "Bio", company: null,
    title: null, location: "Lisbon", avatar_url: "https://avatars.githubusercontent.com/u/1", handle: "octodev",
  };

  test("the handle stands in for a missing name; empty fields are left out", () => {
    assert.deepEqual(contactPayload(profile), {
      name: "octodev",
      source: "extension",
      profiles: [{ url: "https://github.com/octodev", network: "github" }],
      headline: "Bio",
      location: "Lisbon",
      avatar_url: "https://avatars.githubusercontent.com/u/1",
    });
  });

  test("names are cut to 200 characters and huge avatar URLs dropped", () => {
    const body = contactPayload({ ...profile, name: "n".repeat(300), avatar_url: `https://x.test/${"a".repeat(3000)}` });
    assert.equal(body.name.length, 200);
    assert.equal("avatar_url" in body, false);
  });

  test("I followed up is an email only when an address is known", () => {
    assert.equal(followUpType({ emails: ["a@example.com"] }), "email_sent");
    assert.equal(followUpType({ emails: [] }), "message_sent");
    assert.equal(followUpType(null), "message_sent");
  });

  test("quick log bodies", () => {
    assert.deepEqual(quickLogBody("replied", {}), { type: "reply_received" });
    assert.deepEqual(quickLogBody("said_no", {}), { type: "no_received" });
    assert.deepEqual(quickLogBody("followed_up", { emails: ["a@b.co"] }), { type: "email_sent" });
    assert.deepEqual(quickLogBody("promised", {}, { date: "2026-03-07" }), {
      type: "promise_made",
      promise: { kind: "by_date", date: "2026-03-07" },
    });
    assert.throws(() => quickLogBody("promised", {}, { date: "" }), /Pick the date/);
    assert.throws(() => quickLogBody("nonsense", {}), /Unknown quick log/);
  });
});

describe("nudge helpers", () => {
  test("badge text", () => {
    assert.equal(badgeText({ due: 0 }), "");
    assert.equal(badgeText({ due: 3 }), "3");
    assert.equal(badgeText({ due: 120 }), "99+");
    assert.equal(badgeText(null), "");
  });

  test("mailto only for email nudges with an address", () => {
    const n = { channel: "email", message: "Hi Ada & co?", contact: { email: "ada+jobs@example.com" } };
    assert.equal(mailtoHref(n), "mailto:ada%2Bjobs@example.com?body=Hi%20Ada%20%26%20co%3F");
    assert.equal(mailtoHref({ ...n, channel: "message" }), null);
    assert.equal(mailtoHref({ ...n, contact: { email: null } }), null);
    assert.equal(mailtoHref({ ...n, contact: null }), null);
    assert.equal(mailtoHref({ ...n, contact: { email: "a@b.c?cc=evil@x.y" } }), "mailto:a@b.c%3Fcc%3Devil@x.y?body=Hi%20Ada%20%26%20co%3F");
  });

  test("only P1/P2 nudges whose notify_at has come, once", () => {
    const now = Date.parse("2026-03-10T12:00:00Z");
    const items = [
      { id: 1, priority: "P1", notify_at: "2026-03-10T11:00:00Z" },
      { id: 2, priority: "P2", notify_at: "2026-03-10T13:00:00Z" },
      { id: 3, priority: "P3", notify_at: "2026-03-10T11:00:00Z" },
      { id: 4, priority: "P2", notify_at: "2026-03-10T12:00:00Z" },
    ];
    assert.deepEqual(nudgesToNotify(items, now, []).map((n) => n.id), [1, 4]);
    assert.deepEqual(nudgesToNotify(items, now, [1]).map((n) => n.id), [4]);
  });

  test("relative times", () => {
    const now = Date.parse("2026-03-10T12:00:00Z");
    assert.equal(relativeTime("2026-03-10T11:59:30Z", now), "just now");
    assert.equal(relativeTime("2026-03-10T11:00:00Z", now), "1 hour ago");
    assert.equal(relativeTime("2026-03-07T12:00:00Z", now), "3 days ago");
    assert.equal(relativeTime("2026-03-12T12:00:00Z", now), "in 2 days");
    assert.equal(relativeTime(null, now), "never");
  });
});

describe("profile pages", () => {
  test("a profile's own page, in any spelling", () => {
    for (const href of [
      "https://www.linkedin.com/in/jane-doe/",
      "https://de.linkedin.com/in/Jane-Doe?trk=x",
      "https://twitter.com/SamRivera",
      "https://www.instagram.com/mina.designs/",
      "https://www.facebook.com/priya.natarajan.42",
      "https://www.facebook.com/profile.php?id=100004123456789",
      "https://www.facebook.com/people/Priya-Natarajan/100004123456789/",
      "https://github.com/octodev",
      "https://github.com/octodev/",
    ]) {
      assert.equal(isProfilePage(href), true, href);
    }
    assert.equal(profileOfPage("https://twitter.com/SamRivera").url, "https://x.com/samrivera");
  });

  test("sub-pages, feeds and other sites are not", () => {
    for (const href of [
      "https://www.linkedin.com/in/jane-doe/details/experience/",
      "https://www.linkedin.com/in/jane-doe/overlay/contact-info/",
      "https://www.linkedin.com/feed/",
      "https://x.com/samrivera/status/1",
      "https://x.com/samrivera/with_replies",
      "https://x.com/home",
      "https://www.instagram.com/mina.designs/reels/",
      "https://www.facebook.com/priya.natarajan.42/about",
      "https://www.facebook.com/profile.php?id=100004123456789&sk=photos",
      "https://github.com/octodev?tab=repositories",
      "https://github.com/octodev/kube-tools",
      "https://example.com/in/jane",
      "not a url",
      "",
    ]) {
      assert.equal(isProfilePage(href), false, href);
    }
  });
});

describe("keep-in-touch cadence", () => {
  test("offers weeks and months in plain words, and the default", () => {
    assert.deepEqual(CADENCE_DAYS.map(cadenceLabel), [
      "Every week", "Every 2 weeks", "Every month", "Every 2 months", "Every 3 months",
      "Every 6 months",
    ]);
    assert.equal(cadenceLabel(null), "As warmth suggests");
    // Every choice is within what the server accepts (1-365 days).
    assert.ok(CADENCE_DAYS.every((d) => Number.isInteger(d) && d >= 1 && d <= 365));
  });
});
