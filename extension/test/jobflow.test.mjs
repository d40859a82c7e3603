// Saving a job with its people (lib/job.js), who may send what (lib/messages.js), the popup's
// helpers (lib/nudges.js, lib/contact.js, lib/structured.js) and the token's storage.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ApiError, createClient } from "../lib/api.js";
import { quickLogBody } from "../lib/contact.js";
import { activeOpportunities, checkJob, companyFromUrl, personPayload, saveJob, savedLabel } from "../lib/job.js";
import { extractJob } from "../lib/jobs/index.js";
import { CONTENT_SCRIPT_MESSAGES, MSG, senderMayAsk } from "../lib/messages.js";
import { contactPageUrl, priorityWord, upcomingWithin } from "../lib/nudges.js";
import { restrictToExtension } from "../lib/settings.js";
import { structuredDataDocument } from "../lib/structured.js";
import { docOf, load } from "./helpers.mjs";

const JOB_URL = "https://linkedin.com/jobs/view/3812345678";

/** An in-memory Thrice with the calls saveJob makes; records them. */
function fakeServer() {
  const opportunities = new Map();
  const contacts = new Map(); // profile url or "name:<n>" → contact
  const calls = [];
  let nextId = 1;
  const view = (o) => ({ ...o, contacts: o.links.map((l) => ({ ...l, name: [...contacts.values()].find((c) => c.id === l.contact_id).name })) });
  return {
    calls,
    opportunities,
    contacts,
    async lookupOpportunity(url) {
      calls.push(["lookup", url]);
      const o = [...opportunities.values()].find((x) => x.url === url);
      return o ? view(o) : null;
    },
    async createOpportunity(body) {
      calls.push(["create", body]);
      const o = { id: nextId++, ...body, links: [] };
      opportunities.set(o.id, o);
      return { status: 201, opportunity: view(o) };
    },
    async updateOpportunity(id, body) {
      calls.push(["update", id, body]);
      Object.assign(opportunities.get(id), body);
      return view(opportunities.get(id));
    },
    async saveContact(body) {
      calls.push(["contact", body]);
      const key = body.profiles?.[0]?.url ?? `name:${body.name}:${nextId}`;
      const known = contacts.get(key);
      if (known) return { status: 200, contact: known };
      const c = { id: nextId++, name: body.name };
      contacts.set(key, c);
      return { status: 201, contact: c };
    },
    async linkContact(id, link) {
      calls.push(["link", id, link]);
      const o = opportunities.get(id);
      const existing = o.links.find((l) => l.contact_id === link.contact_id);
      if (existing) existing.role = link.role ?? existing.role;
      else o.links.push({ ...link });
      return view(o);
    },
  };
}

describe("saving a job", () => {
  test("first save creates it as targeting and links the hiring team with their roles", async () => {
    const server = fakeServer();
    const job = extractJob(load("linkedin-job-search.html"), "https://www.linkedin.com/jobs/search/?currentJobId=3812345678");
    const saved = await saveJob(server, job);
    assert.equal(saved.already, false);
    assert.deepEqual(server.calls.find((c) => c[0] === "create")[1], {
      company: "Acme Robotics", title: "Senior Platform Engineer & Tech Lead", url: JOB_URL, status: "targeting",
    });
    assert.deepEqual(saved.people.map((p) => [p.name, p.role]), [["Marcus Lee", "hiring_manager"], ["Jane Doe", "recruiter"]]);
    assert.deepEqual(saved.opportunity.contacts.map((c) => c.role), ["hiring_manager", "recruiter"]);
    const jane = server.calls.filter((c) => c[0] === "contact")[1][1];
    assert.deepEqual(jane, {
      name: "Jane Doe", source: "extension", role: "recruiter", company: "Acme Robotics",
      headline: "Talent Acquisition Partner | Acme Robotics", profiles: [{ url: "https://linkedin.com/in/jane-doe-1a2b3c" }],
    });
    assert.equal(savedLabel(saved), "Saved · 2 people linked");
  });

  test("a second save from another view updates the same opportunity, never a second one", async () => {
    const server = fakeServer();
    await saveJob(server, extractJob(load("linkedin-job-public.html"), "https://www.linkedin.com/jobs/view/3812345678/"));
    server.opportunities.get(1).status = "applied";
    const again = await saveJob(server, extractJob(load("linkedin-job-search.html"), "https://www.linkedin.com/jobs/search/?currentJobId=3812345678"));
    assert.equal(again.already, true);
    assert.equal(server.opportunities.size, 1);
    assert.equal(again.opportunity.status, "applied"); // the update names no status
    assert.deepEqual(server.calls.find((c) => c[0] === "update"), ["update", 1, { company: "Acme Robotics", title: "Senior Platform Engineer & Tech Lead" }]);
    assert.deepEqual(again.opportunity.contacts.map((c) => [c.name, c.role]).sort(), [["Jane Doe", "recruiter"], ["Marcus Lee", "hiring_manager"]]);
    assert.equal(savedLabel(again), "Already saved · 2 people linked");
  });

  test("people without a profile are matched by name on the opportunity, not saved twice", async () => {
    const server = fakeServer();
    const job = { url: JOB_URL, title: "T", company: "C", hiring_team: [{ name: "Pat Poster", title: "Hiring Manager", profile_url: null, role: "hiring_manager" }] };
    await saveJob(server, job);
    await saveJob(server, job);
    assert.equal(server.calls.filter((c) => c[0] === "contact").length, 1);
    assert.equal(server.opportunities.get(1).links.length, 1);
  });

  test("a page's job is checked: canonical URL, a title, known roles, real profile URLs, ten people", () => {
    assert.throws(() => checkJob({ url: "javascript:alert(1)", title: "T" }), ApiError);
    assert.throws(() => checkJob({ url: JOB_URL, title: "  " }), /title/);
    const team = Array.from({ length: 15 }, (_, i) => ({ name: `P${i}`, role: i ? "boss" : "recruiter", profile_url: i === 1 ? "javascript:x" : "https://www.linkedin.com/in/p" + i }));
    const job = checkJob({ url: "https://boards.greenhouse.io/acme-robotics/jobs/1?gh_src=x", title: "T", hiring_team: team });
    assert.equal(job.url, "https://job-boards.greenhouse.io/acme-robotics/jobs/1");
    assert.equal(job.company, "Acme Robotics"); // from the board's slug
    assert.equal(job.hiring_team.length, 10);
    assert.equal(job.hiring_team[0].role, "recruiter");
    assert.equal(job.hiring_team[2].role, "hiring_manager");
    assert.equal(job.hiring_team[1].profile_url, null);
    assert.equal(job.hiring_team[2].profile_url, "https://linkedin.com/in/p2");
    assert.equal(checkJob({ url: JOB_URL, title: "T" }).company, "Unknown company");
  });

  test("company names from board slugs; people's headlines split into title and company", () => {
    assert.equal(companyFromUrl("https://jobs.lever.co/northwind-health/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"), "Northwind Health");
    assert.equal(companyFromUrl(JOB_URL), null);
    assert.equal(companyFromUrl("https://example.com/jobs/1"), null);
    assert.deepEqual(personPayload({ name: "M", title: "Director of Platform at Acme", profile_url: null, role: "hiring_manager" }, "Acme Robotics"), {
      name: "M", source: "extension", role: "hiring_manager", company: "Acme", headline: "Director of Platform at Acme", title: "Director of Platform",
    });
  });

  test("active opportunities follow the cursor and leave out closed ones", async () => {
    const pages = [
      { items: [{ id: 3, status: "applied" }, { id: 2, status: "closed_lost" }], next: "c1" },
      { items: [{ id: 1, status: "targeting" }], next: null },
    ];
    const seen = [];
    const client = { listOpportunities: async ({ cursor }) => (seen.push(cursor), pages.shift()) };
    assert.deepEqual((await activeOpportunities(client)).map((o) => o.id), [3, 1]);
    assert.deepEqual(seen, [null, "c1"]);
  });
});

describe("api client: opportunities", () => {
  function fetchRecorder(...answers) {
    const calls = [];
    const fn = async (url, init) => {
      calls.push({ url, method: init.method, body: init.body ? JSON.parse(init.body) : undefined });
      const { status = 200, body = null } = answers.shift() ?? {};
      return new Response(body === null ? "" : JSON.stringify(body), { status });
    };
    fn.calls = calls;
    return fn;
  }

  test("lookup encodes the URL and turns 404 into null; create reports 200 for a known job", async () => {
    const fetchImpl = fetchRecorder(
      { status: 404, body: { code: 404, status: "Not Found", message: "Opportunity not found." } },
      { status: 200, body: { id: 4 } },
      { status: 201, body: { id: 4 } },
    );
    const client = createClient({ origin: "http://127.0.0.1:5000", token: "t", fetchImpl });
    assert.equal(await client.lookupOpportunity("https://x.example/j?a=1&b"), null);
    assert.equal(fetchImpl.calls[0].url, "http://127.0.0.1:5000/api/v1/opportunities/lookup?url=https%3A%2F%2Fx.example%2Fj%3Fa%3D1%26b");
    assert.deepEqual(await client.createOpportunity({ company: "C" }), { status: 200, opportunity: { id: 4 } });
    await client.linkContact(4, { contact_id: 9, role: "recruiter" });
    assert.deepEqual(fetchImpl.calls[2], { url: "http://127.0.0.1:5000/api/v1/opportunities/4/contacts", method: "POST", body: { contact_id: 9, role: "recruiter" } });
  });

  test("patchInteraction and nudges by state", async () => {
    const fetchImpl = fetchRecorder({ body: { id: 1 } }, { body: { items: [], next: null } });
    const client = createClient({ origin: "http://127.0.0.1:5000", token: "t", fetchImpl });
    await client.patchInteraction(12, { opportunity_id: 3 });
    await client.nudges({ state: "scheduled", limit: 200 });
    assert.deepEqual(fetchImpl.calls[0], { url: "http://127.0.0.1:5000/api/v1/interactions/12", method: "PATCH", body: { opportunity_id: 3 } });
    assert.equal(fetchImpl.calls[1].url, "http://127.0.0.1:5000/api/v1/nudges?state=scheduled&limit=200");
  });
});

describe("who may ask the worker what", () => {
  const self = { id: "abc", pagePrefix: "chrome-extension://abc/" };

  test("content scripts may only save", () => {
    assert.deepEqual([...CONTENT_SCRIPT_MESSAGES].sort(), [MSG.SAVE, MSG.SAVE_JOB].sort());
    const page = { id: "abc", url: "https://www.linkedin.com/in/x", tab: { id: 3 } };
    assert.equal(senderMayAsk(MSG.SAVE, page, self), true);
    assert.equal(senderMayAsk(MSG.SAVE_JOB, page, self), true);
    for (const type of Object.values(MSG).filter((t) => !CONTENT_SCRIPT_MESSAGES.has(t))) {
      assert.equal(senderMayAsk(type, page, self), false, type);
    }
  });

  test("the extension's own pages may ask anything, even opened in a tab", () => {
    const popup = { id: "abc", url: "chrome-extension://abc/popup/popup.html?tab=3", tab: { id: 9 } };
    for (const type of Object.values(MSG)) assert.equal(senderMayAsk(type, popup, self), true, type);
  });

  test("other extensions and look-alike URLs may not", () => {
    assert.equal(senderMayAsk(MSG.SAVE, { id: "other", url: "chrome-extension://other/x.html" }, self), false);
    assert.equal(senderMayAsk(MSG.NUDGES, { id: "abc", url: "https://evil.example/chrome-extension://abc/" }, self), false);
    assert.equal(senderMayAsk(MSG.NUDGES, undefined, self), false);
  });
});

describe("popup helpers", () => {
  test("plain words for priorities", () => {
    assert.deepEqual(["P1", "P2", "P3", "P4", "P9"].map(priorityWord), ["Urgent", "Soon", "This week", "Keep warm", ""]);
  });

  test("coming up: the next seven days, soonest first", () => {
    const now = Date.parse("2025-03-10T12:00:00Z");
    const items = [
      { id: 1, due_at: "2025-03-16T09:00:00Z" },
      { id: 2, due_at: "2025-03-11T09:00:00Z" },
      { id: 3, due_at: "2025-03-18T09:00:00Z" },
      { id: 4, due_at: "2025-03-09T09:00:00Z" },
      { id: 5, due_at: null },
      { id: 6, due_at: "2025-03-12T09:00:00Z", visible: false },
      null,
    ];
    assert.deepEqual(upcomingWithin(items, now, 7).map((n) => n.id), [2, 1]);
  });

  test("contact pages in the web app", () => {
    assert.equal(contactPageUrl("http://127.0.0.1:5000", 7), "http://127.0.0.1:5000/contacts/7");
    assert.equal(contactPageUrl("https://crm.example/", "8"), "https://crm.example/contacts/8");
    assert.equal(contactPageUrl("javascript:alert(1)", 7), null);
    assert.equal(contactPageUrl("http://x.example", "7/../../admin"), null);
    assert.equal(contactPageUrl(null, 7), null);
  });

  test("an interview log carries its instant", () => {
    assert.deepEqual(quickLogBody("interview", {}, { at: "2025-03-11T10:00:00+01:00" }), { type: "interview", occurred_at: "2025-03-11T09:00:00.000Z" });
    assert.throws(() => quickLogBody("interview", {}, { at: "" }), /date and time/);
  });

  test("structured data read from a tab becomes an inert document the extractors read", () => {
    const blank = docOf("<!DOCTYPE html><html><head></head><body></body></html>");
    const data = {
      url: "https://careers.orbit.example/jobs/sre?utm_source=x",
      title: "SRE",
      ld: ['{"@type":"JobPosting","title":"&lt;b&gt;SRE","hiringOrganization":{"name":"Orbit"}}', "{broken"],
      metas: [["property", "og:site_name", "Orbit Freight"], ["onclick", "x", "y"], "junk"],
      canonical: null,
    };
    const job = extractJob(structuredDataDocument(blank, data), data.url);
    assert.equal(job.title, "<b>SRE");
    assert.equal(job.company, "Orbit");
    assert.equal(job.url, "https://careers.orbit.example/jobs/sre");
    assert.equal(blank.querySelectorAll("b").length, 0);
    assert.equal(blank.querySelector("meta[onclick]"), null);
  });
});

test("storage is closed to content scripts where the browser can", async () => {
  const levels = [];
  assert.equal(await restrictToExtension({ setAccessLevel: async (o) => levels.push(o.accessLevel) }), true);
  assert.deepEqual(levels, ["TRUSTED_CONTEXTS"]);
  assert.equal(await restrictToExtension({}), false); // Firefox's storage.local
  assert.equal(await restrictToExtension({ setAccessLevel: async () => { throw new Error("unsupported"); } }), false);
});
