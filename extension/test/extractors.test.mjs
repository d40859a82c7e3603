import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  extractFacebook, extractGitHub, extractInstagram, extractLinkedIn, extractProfile, extractX,
} from "../lib/extractors/index.js";
import { FIELDS } from "../lib/extractors/common.js";
import { docOf, load } from "./helpers.mjs";

function assertShape(result) {
  assert.deepEqual(Object.keys(result).sort(), [...FIELDS].sort());
}

describe("LinkedIn", () => {
  test("public page: JSON-LD Person first", () => {
    const r = extractLinkedIn(load("linkedin-public.html"), "https://www.linkedin.com/in/jane-doe-1a2b3c/");
    assertShape(r);
    assert.equal(r.network, "linkedin");
    assert.equal(r.url, "https://linkedin.com/in/jane-doe-1a2b3c");
    assert.equal(r.handle, "jane-doe-1a2b3c");
    assert.equal(r.name, "Jane Doe");
    assert.equal(r.headline, "Senior Technical Recruiter at Acme Robotics | Hiring ML engineers");
    assert.equal(r.company, "Acme Robotics"); // the worksFor entry without an endDate
    assert.equal(r.title, "Senior Technical Recruiter");
    assert.equal(r.location, "San Francisco Bay Area");
    assert.match(r.avatar_url, /^https:\/\/media\.licdn\.com\/.*shrink_200_200/);
  });

  test("public page from a country subdomain with tracking parameters", () => {
    const r = extractLinkedIn(
      load("linkedin-public.html"),
      "https://de.linkedin.com/in/Jane-Doe-1a2b3c?trk=people-guest_people_search-card",
    );
    assert.equal(r.url, "https://linkedin.com/in/jane-doe-1a2b3c");
    assert.equal(r.name, "Jane Doe");
  });

  test("public page without JSON-LD falls back to the top card markup", () => {
    const doc = load("linkedin-public.html");
    doc.querySelector('script[type="application/ld+json"]').remove();
    const r = extractLinkedIn(doc, "https://www.linkedin.com/in/jane-doe-1a2b3c/");
    assert.equal(r.name, "Jane Doe");
    assert.equal(r.company, "Acme Robotics");
    assert.equal(r.title, "Senior Technical Recruiter");
    assert.equal(r.location, "San Francisco Bay Area");
    assert.match(r.avatar_url, /shrink_200_200/); // data-delayed-url of the lazy image
  });

  test("logged-in page: h1, .text-body-medium, current company button", () => {
    const r = extractLinkedIn(load("linkedin-loggedin.html"), "https://www.linkedin.com/in/jane-doe-1a2b3c/");
    assertShape(r);
    assert.equal(r.name, "Jane Doe");
    assert.equal(r.headline, "Senior Technical Recruiter at Acme Robotics | Hiring ML engineers");
    assert.equal(r.company, "Acme Robotics");
    assert.equal(r.title, "Senior Technical Recruiter");
    assert.equal(r.location, "San Francisco Bay Area");
    assert.match(r.avatar_url, /D5603AQFakeJane/); // the profile's photo, not the viewer's
    assert.equal(r.url, "https://linkedin.com/in/jane-doe-1a2b3c");
  });

  test("logged-in page whose top card is gone still names the person from the title", () => {
    const doc = load("linkedin-loggedin.html");
    doc.querySelector("main").remove();
    const r = extractLinkedIn(doc, "https://www.linkedin.com/in/jane-doe-1a2b3c/");
    assert.equal(r.name, "Jane Doe");
    assert.equal(r.headline, null);
  });

  test("feed, search and profile sub-pages are not profiles", () => {
    assert.equal(extractLinkedIn(load("linkedin-feed.html"), "https://www.linkedin.com/feed/"), null);
    assert.equal(
      extractLinkedIn(load("linkedin-feed.html"), "https://www.linkedin.com/search/results/people/?keywords=recruiter"),
      null,
    );
    assert.equal(
      extractLinkedIn(load("linkedin-loggedin.html"), "https://www.linkedin.com/in/jane-doe-1a2b3c/details/experience/"),
      null,
    );
    assert.equal(
      extractLinkedIn(load("linkedin-loggedin.html"), "https://www.linkedin.com/in/jane-doe-1a2b3c/recent-activity/all/"),
      null,
    );
    assert.equal(extractLinkedIn(load("linkedin-loggedin.html"), "https://www.linkedin.com/company/acme-robotics/"), null);
  });
});

describe("X", () => {
  test("profile: UserProfileSchema JSON-LD and data-testid markup", () => {
    const r = extractX(load("x-profile.html"), "https://x.com/samrivera_eng");
    assertShape(r);
    assert.equal(r.network, "x");
    assert.equal(r.url, "https://x.com/samrivera_eng");
    assert.equal(r.handle, "samrivera_eng");
    assert.equal(r.name, "Sam Rivera");
    assert.equal(r.headline, "Engineering Manager at Orbital Labs | building the data platform. Opinions mine.");
    assert.equal(r.title, "Engineering Manager");
    assert.equal(r.company, "Orbital Labs");
    assert.equal(r.location, "Berlin, Germany");
    assert.equal(r.avatar_url, "https://pbs.twimg.com/profile_images/1712345678901234567/AbCdEfGh_400x400.jpg");
  });

  test("twitter.com address and mixed-case handle canonicalise to x.com", () => {
    const r = extractX(load("x-profile.html"), "https://twitter.com/SamRivera_Eng?lang=en");
    assert.equal(r.url, "https://x.com/samrivera_eng");
    assert.equal(r.name, "Sam Rivera");
  });

  test("markup only (no schema) still gives name, bio, location and avatar", () => {
    const doc = load("x-profile.html");
    doc.querySelector('script[data-testid="UserProfileSchema-test"]').remove();
    const r = extractX(doc, "https://x.com/samrivera_eng");
    assert.equal(r.name, "Sam Rivera");
    assert.equal(r.location, "Berlin, Germany");
    assert.equal(r.avatar_url, "https://pbs.twimg.com/profile_images/1712345678901234567/AbCdEfGh_200x200.jpg");
  });

  test("a stale schema from the previously viewed profile is ignored", () => {
    const doc = load("x-profile.html");
    const schema = doc.querySelector('script[data-testid="UserProfileSchema-test"]');
    schema.textContent = schema.textContent.replace('"givenName":"Sam Rivera"', '"givenName":"Someone Else"')
      .replace('"additionalName":"samrivera_eng"', '"additionalName":"someone_else"');
    const r = extractX(doc, "https://x.com/samrivera_eng");
    assert.equal(r.name, "Sam Rivera");
  });

  test("home timeline and status pages are not profiles", () => {
    assert.equal(extractX(load("x-home.html"), "https://x.com/home"), null);
    assert.equal(extractX(load("x-profile.html"), "https://x.com/samrivera_eng/status/1790000000000000000"), null);
    assert.equal(extractX(load("x-home.html"), "https://x.com/search?q=hiring"), null);
  });
});

describe("Instagram", () => {
  test("profile: OpenGraph and header", () => {
    const r = extractInstagram(load("instagram-profile.html"), "https://www.instagram.com/mina.designs/");
    assertShape(r);
    assert.equal(r.network, "instagram");
    assert.equal(r.url, "https://instagram.com/mina.designs");
    assert.equal(r.handle, "mina.designs");
    assert.equal(r.name, "Mina Park");
    assert.equal(r.headline, "Product designer @ Lumen Studio. Seoul → Berlin. She/her.");
    assert.equal(r.title, "Product designer");
    assert.equal(r.company, "Lumen Studio");
    assert.match(r.avatar_url, /^https:\/\/scontent-ber1-1\.cdninstagram\.com\/.*s100x100/);
  });

  test("after in-app navigation the stale head is ignored and the header is read", () => {
    const doc = load("instagram-profile.html");
    doc.querySelector('meta[property="og:url"]').setAttribute("content", "https://www.instagram.com/someone.else/");
    doc.querySelector('meta[property="og:title"]').setAttribute("content", "Someone Else (@someone.else) • Instagram photos and videos");
    const r = extractInstagram(doc, "https://www.instagram.com/mina.designs/");
    assert.equal(r.name, "Mina Park");
    assert.match(r.avatar_url, /s150x150/);
  });

  test("posts and explore are not profiles", () => {
    assert.equal(extractInstagram(load("instagram-post.html"), "https://www.instagram.com/p/C1a2B3c4D5e/"), null);
    assert.equal(extractInstagram(load("instagram-post.html"), "https://www.instagram.com/explore/"), null);
    assert.equal(extractInstagram(load("instagram-profile.html"), "https://www.instagram.com/mina.designs/tagged/"), null);
  });
});

describe("Facebook", () => {
  test("profile: OpenGraph, h1 and the Intro list", () => {
    const r = extractFacebook(load("facebook-profile.html"), "https://www.facebook.com/priya.natarajan.42");
    assertShape(r);
    assert.equal(r.network, "facebook");
    assert.equal(r.url, "https://facebook.com/priya.natarajan.42");
    assert.equal(r.name, "Priya Natarajan");
    assert.equal(r.title, "Talent Partner");
    assert.equal(r.company, "Northwind Health");
    assert.equal(r.location, "Toronto, Ontario");
    assert.match(r.avatar_url, /^https:\/\/scontent-fra3-1\.xx\.fbcdn\.net\/.*s200x200/);
  });

  test("a numeric profile.php address keeps its id", () => {
    const doc = load("facebook-profile.html");
    const r = extractFacebook(doc, "https://m.facebook.com/profile.php?id=100004123456789&ref=bookmarks");
    assert.equal(r.url, "https://facebook.com/profile.php?id=100004123456789");
    assert.equal(r.name, "Priya Natarajan");
    assert.match(r.avatar_url, /s320x320/); // og:image describes another URL: the SVG avatar wins
  });

  test("groups, the home feed and profile tabs are not profiles", () => {
    assert.equal(extractFacebook(load("facebook-groups.html"), "https://www.facebook.com/groups/torontotechjobs/"), null);
    assert.equal(extractFacebook(load("facebook-groups.html"), "https://www.facebook.com/"), null);
    assert.equal(extractFacebook(load("facebook-profile.html"), "https://www.facebook.com/priya.natarajan.42/friends"), null);
    assert.equal(
      extractFacebook(load("facebook-profile.html"), "https://www.facebook.com/profile.php?id=100004123456789&sk=about"),
      null,
    );
  });
});

describe("GitHub", () => {
  test("profile: itemprop microdata and h-card classes", () => {
    const r = extractGitHub(load("github-profile.html"), "https://github.com/octodev");
    assertShape(r);
    assert.equal(r.network, "github");
    assert.equal(r.url, "https://github.com/octodev");
    assert.equal(r.handle, "octodev");
    assert.equal(r.name, "Lena Fischer");
    assert.equal(r.headline, "Platform engineer at Globex. Kubernetes, Go, and coffee.");
    assert.equal(r.company, "globex");
    assert.equal(r.title, "Platform engineer");
    assert.equal(r.location, "Lisbon, Portugal");
    assert.equal(r.avatar_url, "https://avatars.githubusercontent.com/u/1234567?v=4");
  });

  test("a user without a display name gives a null name (the handle stands in later)", () => {
    const doc = load("github-profile.html");
    doc.querySelector(".vcard-fullname").textContent = "  ";
    const r = extractGitHub(doc, "https://github.com/octodev");
    assert.equal(r.name, null);
    assert.equal(r.handle, "octodev");
  });

  test("repositories, organisations and tabs are not profiles", () => {
    assert.equal(extractGitHub(load("github-repo.html"), "https://github.com/octodev/kube-tools"), null);
    assert.equal(extractGitHub(load("github-org.html"), "https://github.com/globex"), null);
    assert.equal(extractGitHub(load("github-profile.html"), "https://github.com/octodev?tab=repositories"), null);
    assert.equal(extractGitHub(load("github-repo.html"), "https://github.com/features/actions"), null);
  });
});

describe("robustness", () => {
  const cases = [
    ["linkedin", extractLinkedIn, "https://www.linkedin.com/in/someone/"],
    ["x", extractX, "https://x.com/someone"],
    ["instagram", extractInstagram, "https://www.instagram.com/someone/"],
    ["facebook", extractFacebook, "https://www.facebook.com/someone"],
    ["github", extractGitHub, "https://github.com/someone"],
  ];

  for (const [network, extract, url] of cases) {
    test(`${network}: an empty or broken page gives empty fields, never an exception`, () => {
      for (const html of [
        "<html><head></head><body></body></html>",
        '<html><head><script type="application/ld+json">{not json</script><meta property="og:title"></head><body><h1></h1></body></html>',
        '<html><head><script type="application/ld+json">[null, 3, {"@type":"Person","name":{"x":1},"image":[{}],"address":[]}]</script></head><body></body></html>',
      ]) {
        const r = extract(docOf(html), url);
        assertShape(r);
        assert.equal(r.network, network);
        assert.equal(r.handle, "someone");
        assert.equal(r.name, null);
      }
    });

    test(`${network}: a document whose methods throw still gives a result`, () => {
      const hostileDoc = {
        querySelector() { throw new Error("boom"); },
        querySelectorAll() { throw new Error("boom"); },
      };
      const r = extract(hostileDoc, url);
      assert.equal(r.network, network);
      assert.equal(r.name, null);
    });
  }

  test("a page of another network or a garbage address gives null", () => {
    const doc = load("github-profile.html");
    assert.equal(extractLinkedIn(doc, "https://github.com/octodev"), null);
    assert.equal(extractGitHub(doc, "javascript:alert(1)"), null);
    assert.equal(extractGitHub(doc, "not a url"), null);
  });

  test("without a page URL the canonical link of the document is used", () => {
    const r = extractGitHub(load("github-profile.html"));
    assert.equal(r.url, "https://github.com/octodev");
  });
});

describe("hostile page", () => {
  test("markup in names stays text and script URLs are dropped", () => {
    const r = extractLinkedIn(load("linkedin-hostile.html"), "https://www.linkedin.com/in/hostile-xss/");
    assert.equal(r.name, "<img src=x onerror=alert(1)>");
    assert.equal(r.title, '"><script>alert(2)</script>');
    assert.equal(r.company, "<b onmouseover=alert(3)>Evil Corp</b>");
    assert.equal(r.location, "<svg onload=alert(4)>");
    assert.equal(r.avatar_url, null); // javascript: URLs are not images
  });
});

describe("extractProfile", () => {
  test("dispatches on the page's network", () => {
    assert.equal(extractProfile(load("x-profile.html"), "https://x.com/samrivera_eng").name, "Sam Rivera");
    assert.equal(extractProfile(load("github-profile.html"), "https://github.com/octodev").name, "Lena Fischer");
    assert.equal(extractProfile(load("linkedin-public.html"), "https://www.linkedin.com/in/jane-doe-1a2b3c").name, "Jane Doe");
  });

  test("gives null off the supported networks and on non-profile pages", () => {
    assert.equal(extractProfile(load("github-profile.html"), "https://example.com/octodev"), null);
    assert.equal(extractProfile(load("linkedin-feed.html"), "https://www.linkedin.com/feed/"), null);
    assert.equal(extractProfile(load("linkedin-feed.html"), ""), null);
  });
});
