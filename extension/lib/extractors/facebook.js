// Facebook profiles. OpenGraph in the head names the person and the avatar; the rendered
// page has the name as the `h1` of `[role=main]` and an Intro list whose entries read
// "Works at Acme", "Recruiter at Acme", "Lives in Berlin, Germany".
import { canonicalize } from "../urls.js";
import { makeExtractor } from "./base.js";
import {
  attempt, clean, firstEl, firstText, headDescribes, httpUrl, imgSrc, jsonLdPerson, ldImage, ldPlace, ldText,
  meta, pick, splitHeadline, text,
} from "./common.js";

function introLines(doc, selector) {
  const main = firstEl(doc, ['[role="main"]', "main"]) ?? doc;
  const seen = new Set();
  const lines = [];
  for (const el of main.querySelectorAll(selector)) {
    if (el.children.length > 3) continue;
    const t = text(el);
    if (t && t.length < 160 && !seen.has(t)) {
      seen.add(t);
      lines.push(t);
    }
  }
  return lines;
}

function fromIntro(doc) {
  const out = { location: null, company: null, title: null };
  for (const line of introLines(doc, "span, li")) {
    let m;
    if (!out.location && (m = line.match(/^Lives in (.+)$/i))) out.location = clean(m[1]);
    else if (!out.company && (m = line.match(/^Works at (.+)$/i))) out.company = clean(m[1]);
  }
  // "Recruiter at Acme" only counts inside the Intro list, not in posts further down
  if (!out.company) {
    for (const line of introLines(doc, "li")) {
      if (/^(Studie[sd]|Went to|Lives in|From|Followed by)\b/i.test(line)) continue;
      const split = splitHeadline(line);
      if (split.company) {
        out.title = split.title;
        out.company = split.company;
        break;
      }
    }
  }
  return out;
}

function collect(doc, canon) {
  const fresh = attempt(() => headDescribes(doc, canon.url, canonicalize)) ?? false;
  const person = attempt(() => jsonLdPerson(doc));
  const intro = attempt(() => fromIntro(doc)) ?? {};
  const ogTitle = fresh ? attempt(() => meta(doc, "og:title")) : null;
  const pageTitle = attempt(() => clean(doc.querySelector("title")?.textContent ?? null)?.replace(/\s*\|\s*Facebook$/i, ""));
  const headline = attempt(() => ldText(person?.description));
  const split = splitHeadline(headline);
  return {
    name: pick(
      attempt(() => ldText(person?.name)),
      attempt(() => firstText(doc, ['[role="main"] h1', "main h1", "h1"])),
      ogTitle,
      fresh && pageTitle !== "Facebook" ? pageTitle : null,
    ),
    headline,
    company: pick(attempt(() => ldText(person?.worksFor)), intro.company, split.company),
    title: pick(attempt(() => ldText(person?.jobTitle)), intro.title, split.title),
    location: pick(attempt(() => ldPlace(person?.address ?? person?.homeLocation)), intro.location),
    avatar_url: pick(
      attempt(() => ldImage(person?.image)),
      fresh ? attempt(() => httpUrl(meta(doc, "og:image"))) : null,
      attempt(() => imgSrc(firstEl(doc, ['[role="main"] svg image', '[role="main"] img']))),
    ),
  };
}

export const extractFacebook = makeExtractor("facebook", collect);
