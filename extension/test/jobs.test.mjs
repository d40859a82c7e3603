// Job extractors on saved postings (SPEC §11): structured data first, markup second, never
// throwing, one canonical URL per job.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { JOB_FIELDS, decodeEntities, isoDate, remoteFromText, roleOf } from "../lib/jobs/common.js";
import {
  extractAshbyJob, extractGreenhouseJob, extractJob, extractJobPosting, extractLeverJob, extractLinkedInJob,
  extractWorkableJob,
} from "../lib/jobs/index.js";
import { docOf, fixture, load } from "./helpers.mjs";

const HOSTILE = "<img src=x onerror=alert(1)>";
const ACME_JOB = "https://linkedin.com/jobs/view/3812345678";
const MARCUS = { name: "Marcus Lee", title: "Director of Platform Engineering at Acme Robotics", profile_url: "https://linkedin.com/in/marcus-lee-42", role: "hiring_manager" };

function assertShape(job) {
  assert.deepEqual(Object.keys(job).sort(), [...JOB_FIELDS].sort());
  for (const p of job.hiring_team) assert.deepEqual(Object.keys(p).sort(), ["name", "profile_url", "role", "title"]);
}

describe("LinkedIn Jobs", () => {
  test("logged-out posting: JSON-LD first, entity-decoded title, the job poster as recruiter", () => {
    const job = extractLinkedInJob(
      load("linkedin-job-public.html"),
      "https://www.linkedin.com/jobs/view/senior-platform-engineer-tech-lead-at-acme-robotics-3812345678?refId=abc%3D%3D&trackingId=x&trk=public_jobs_topcard-title",
    );
    assertShape(job);
    assert.deepEqual(job, {
      company: "Acme Robotics",
      title: "Senior Platform Engineer & Tech Lead",
      url: ACME_JOB,
      location: "San Francisco, CA",
      remote: false,
      posted_at: "2025-02-24",
      hiring_team: [{
        name: "Jane Doe",
        title: "Senior Technical Recruiter at Acme Robotics | Hiring ML engineers",
        profile_url: "https://linkedin.com/in/jane-doe-1a2b3c",
        role: "recruiter",
      }],
    });
  });

  test("logged-out posting without JSON-LD: the top card and og:title", () => {
    const doc = load("linkedin-job-public.html");
    doc.querySelector('script[type="application/ld+json"]').remove();
    const job = extractLinkedInJob(doc, "https://www.linkedin.com/jobs/view/3812345678/");
    assert.equal(job.title, "Senior Platform Engineer & Tech Lead");
    assert.equal(job.company, "Acme Robotics");
    assert.equal(job.location, "San Francisco, CA");
    assert.equal(job.posted_at, null); // "2 weeks ago" is no date
    assert.equal(job.remote, null);
    doc.querySelector("main").remove();
    const bare = extractLinkedInJob(doc, "https://www.linkedin.com/jobs/view/3812345678/");
    assert.equal(bare.title, "Senior Platform Engineer & Tech Lead"); // from og:title
    assert.equal(bare.company, "Acme Robotics");
    assert.equal(bare.location, "San Francisco, CA");
  });

  test("search view: the posting in the right pane, not the list beside it; the hiring team", () => {
    const job = extractLinkedInJob(
      load("linkedin-job-search.html"),
      "https://www.linkedin.com/jobs/search/?currentJobId=3812345678&geoId=103644278&keywords=platform%20engineer&origin=JOBS_HOME_SEARCH_BUTTON",
    );
    assertShape(job);
    assert.equal(job.url, ACME_JOB);
    assert.equal(job.title, "Senior Platform Engineer & Tech Lead");
    assert.equal(job.company, "Acme Robotics");
    assert.equal(job.location, "San Francisco, CA");
    assert.equal(job.remote, true);
    assert.deepEqual(job.hiring_team, [
      MARCUS,
      { name: "Jane Doe", title: "Talent Acquisition Partner | Acme Robotics", profile_url: "https://linkedin.com/in/jane-doe-1a2b3c", role: "recruiter" },
    ]);
  });

  test("a head that describes another job is ignored (single-page navigation)", () => {
    const doc = load("linkedin-job-public.html");
    const job = extractLinkedInJob(doc, "https://www.linkedin.com/jobs/view/3899999990/");
    assert.equal(job.url, "https://linkedin.com/jobs/view/3899999990");
    assert.equal(job.posted_at, null); // the JSON-LD is 3812345678's
    assert.notEqual(job.remote, false);
  });

  test("search results without a selected job, profiles and the feed are no postings", () => {
    for (const url of [
      "https://www.linkedin.com/jobs/search/?keywords=platform",
      "https://www.linkedin.com/in/jane-doe-1a2b3c/",
      "https://www.linkedin.com/feed/",
    ]) {
      assert.equal(extractLinkedInJob(load("linkedin-job-search.html"), url), null, url);
      assert.equal(extractJob(load("linkedin-public.html"), url), null, url);
    }
  });
});

describe("Greenhouse", () => {
  test("old board without JSON-LD: header markup, 'at' stripped, entities decoded", () => {
    const job = extractGreenhouseJob(load("greenhouse-old.html"), "https://boards.greenhouse.io/acmerobotics/jobs/4012345007?gh_src=a1b2c3d4");
    assertShape(job);
    assert.deepEqual(job, {
      company: "Acme Robotics",
      title: "R&D Engineer, Robotics & Controls",
      url: "https://job-boards.greenhouse.io/acmerobotics/jobs/4012345007",
      location: "Remote - US",
      remote: true,
      posted_at: null,
      hiring_team: [],
    });
  });

  test("new board: JSON-LD with a numeric entity and two places", () => {
    const job = extractGreenhouseJob(load("greenhouse-new.html"), "https://job-boards.eu.greenhouse.io/nordlicht/jobs/4400001101");
    assert.equal(job.title, "Senior Backend Engineer – Payments");
    assert.equal(job.company, "Nordlicht Energy");
    assert.equal(job.location, "Berlin");
    assert.equal(job.remote, false); // places and "Hybrid": not remote
    assert.equal(job.posted_at, "2025-02-20");
    assert.equal(job.url, "https://job-boards.eu.greenhouse.io/nordlicht/jobs/4400001101");
  });

  test("without its structured data the page title names company and job", () => {
    const doc = load("greenhouse-new.html");
    doc.querySelector('script[type="application/ld+json"]').remove();
    doc.querySelector(".job-post").remove();
    const job = extractGreenhouseJob(doc, "https://job-boards.eu.greenhouse.io/nordlicht/jobs/4400001101");
    assert.equal(job.title, "Senior Backend Engineer – Payments");
    assert.equal(job.company, "Nordlicht Energy");
  });
});

describe("Lever", () => {
  test("markup and og:title; the apply page is the same job", () => {
    for (const url of [
      "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f?lever-source=LinkedIn&lever-origin=applied",
      "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f/apply",
    ]) {
      const job = extractLeverJob(load("lever.html"), url);
      assertShape(job);
      assert.deepEqual(job, {
        company: "Northwind Health",
        title: "Staff Data Engineer",
        url: "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        location: "Toronto, ON",
        remote: false,
        posted_at: null,
        hiring_team: [],
      });
    }
  });

  test("the logo's alt text names the company when the title does not", () => {
    const doc = load("lever.html");
    for (const m of doc.querySelectorAll("meta")) m.remove();
    doc.querySelector("title").textContent = "Staff Data Engineer";
    const job = extractLeverJob(doc, "https://jobs.lever.co/northwind/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f");
    assert.equal(job.company, "Northwind Health");
    assert.equal(job.title, "Staff Data Engineer");
  });
});

describe("Ashby", () => {
  test("JSON-LD: TELECOMMUTE is remote", () => {
    const job = extractAshbyJob(load("ashby.html"), "https://jobs.ashbyhq.com/Lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e?utm_source=hn");
    assertShape(job);
    assert.deepEqual(job, {
      company: "Lumen",
      title: "Senior Product Designer",
      url: "https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
      location: "Berlin",
      remote: true,
      posted_at: "2025-03-03",
      hiring_team: [],
    });
  });

  test("rendered page only: heading, og:title and the facts pane", () => {
    const doc = load("ashby.html");
    doc.querySelector('script[type="application/ld+json"]').remove();
    const job = extractAshbyJob(doc, "https://jobs.ashbyhq.com/lumen/0b9d8c7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e/application");
    assert.equal(job.title, "Senior Product Designer");
    assert.equal(job.company, "Lumen");
    assert.equal(job.location, "Berlin");
    assert.equal(job.remote, true);
  });
});

describe("Workable", () => {
  test("JSON-LD with a date-time; On-site is not remote", () => {
    const job = extractWorkableJob(load("workable.html"), "https://apply.workable.com/quartz-labs/j/5A1B2C3D4E/?utm_medium=social");
    assertShape(job);
    assert.deepEqual(job, {
      company: "Quartz Labs",
      title: "QA Automation Engineer",
      url: "https://apply.workable.com/quartz-labs/j/5A1B2C3D4E",
      location: "Lisbon, Lisbon",
      remote: false,
      posted_at: "2025-03-01",
      hiring_team: [],
    });
  });

  test("a hostile title comes back as text, decoded once, never markup", () => {
    const job = extractWorkableJob(load("workable-hostile.html"), "https://apply.workable.com/hostile-co/j/BADBAD1234/");
    assert.equal(job.title, HOSTILE);
    assert.equal(job.company, "Hostile Co");
    assert.equal(job.remote, true);
    const doc = load("workable-hostile.html");
    doc.querySelector('script[type="application/ld+json"]').remove();
    assert.equal(extractWorkableJob(doc, "https://apply.workable.com/hostile-co/j/BADBAD1234/").title, HOSTILE);
  });
});

describe("any page with a JobPosting", () => {
  test("the generic reader finds it in an @graph", () => {
    const job = extractJobPosting(load("careers-jobposting.html"), "https://careers.orbit.example/jobs/sre/?utm_source=linkedin&id=77");
    assertShape(job);
    assert.deepEqual(job, {
      company: "Orbit Freight",
      title: "Site Reliability Engineer",
      url: "https://careers.orbit.example/jobs/sre?id=77",
      location: "Rotterdam",
      remote: false,
      posted_at: "2025-02-28",
      hiring_team: [],
    });
    assert.deepEqual(extractJob(load("careers-jobposting.html"), "https://careers.orbit.example/jobs/sre"), { ...job, url: "https://careers.orbit.example/jobs/sre" });
  });

  test("pages without one give null", () => {
    assert.equal(extractJobPosting(load("github-profile.html"), "https://github.com/octodev"), null);
    assert.equal(extractJob(docOf("<p>hello</p>"), "https://example.com/"), null);
    assert.equal(extractJob(docOf("<p>hello</p>"), "not a url"), null);
  });
});

describe("never throwing", () => {
  const postings = [
    [extractLinkedInJob, "https://www.linkedin.com/jobs/view/3812345678/"],
    [extractGreenhouseJob, "https://boards.greenhouse.io/acme/jobs/1"],
    [extractLeverJob, "https://jobs.lever.co/a/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"],
    [extractAshbyJob, "https://jobs.ashbyhq.com/a/5f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"],
    [extractWorkableJob, "https://apply.workable.com/a/j/ABC123"],
  ];

  for (const [extract, url] of postings) {
    test(`${extract.name || "extractor"} on ${url}`, () => {
      const broken = [
        "",
        "<html><head><script type=application/ld+json>{not json</script></head></html>",
        '<script type="application/ld+json">{"@type":"JobPosting","title":{"x":1},"hiringOrganization":[null,5],"jobLocation":"x","datePosted":12}</script>',
        '<script type="application/ld+json">[null, 1, "x", {"@type":["JobPosting"],"title":"Only a title"}]</script>',
        `<div class="message-the-recruiter"><div class="base-card"><a href="javascript:alert(1)">x</a></div></div>`,
      ];
      for (const html of broken) {
        const job = extract(docOf(html), url);
        assertShape(job);
        assert.ok(job.url.startsWith("https://"));
        assert.deepEqual(job.hiring_team.filter((p) => p.profile_url && !p.profile_url.startsWith("https://")), []);
      }
      // A document whose every method throws still gives the URL.
      const hostile = new Proxy({}, { get() { throw new Error("boom"); } });
      assert.equal(extract(hostile, url).url.startsWith("https://"), true);
      assert.equal(extract(docOf(""), "https://example.com/jobs/1"), null); // not its board
    });
  }
});

describe("helpers", () => {
  test("entities: named, numeric, double-encoded; unknown ones stay", () => {
    assert.equal(decodeEntities("R&amp;D &#8211; &#x41;&lt;b&gt; &amp;amp; &bogus; &#0;"), "R&D – A<b> & &bogus; &#0;");
    assert.equal(decodeEntities(null), null);
  });

  test("roles: recruiting and talent labels are recruiters", () => {
    assert.equal(roleOf("Senior Technical Recruiter"), "recruiter");
    assert.equal(roleOf("Head of Talent"), "recruiter");
    assert.equal(roleOf("Sourcer, Engineering"), "recruiter");
    assert.equal(roleOf("Engineering Manager", "Job poster"), "hiring_manager");
    assert.equal(roleOf(null), "hiring_manager");
  });

  test("remote and dates", () => {
    assert.equal(remoteFromText("Remote - US"), true);
    assert.equal(remoteFromText("Berlin (Hybrid)"), false);
    assert.equal(remoteFromText("On-site"), false);
    assert.equal(remoteFromText("Berlin"), null);
    assert.equal(isoDate("2025-02-24T23:30:00-05:00"), "2025-02-25");
    assert.equal(isoDate("2025-02-30"), null);
    assert.equal(isoDate("last week"), null);
  });

  test("fixtures are what the e2e tests serve", () => {
    assert.match(fixture("linkedin-job-public.html"), /3812345678/);
  });
});
