// LinkedIn profiles. Public (logged-out) /in/ pages carry a JSON-LD Person and the
// `top-card-layout__*` markup; the logged-in app renders an `h1` with `.text-body-medium`
// headline and no structured data, so its fields come from the top card and the title.
import { canonicalize } from "../urls.js";
import { makeExtractor } from "./base.js";
import {
  attempt, clean, firstEl, firstText, headDescribes, httpUrl, imgSrc, jsonLdPerson, ldImage, ldPlace, ldText,
  meta, pick, splitHeadline,
} from "./common.js";

function currentEmployer(person) {
  const works = Array.isArray(person?.worksFor) ? person.worksFor : [person?.worksFor];
  const orgs = works.filter((w) => w && typeof w === "object");
  const current = orgs.find((o) => !o.member?.endDate) ?? orgs[0];
  return current ? ldText(current.name) : null;
}

// og:description on public pages: "About · Experience: Acme · Education: … · Location: …"
function fromDescription(doc, label) {
  const d = meta(doc, "og:description") ?? meta(doc, "description");
  if (!d) return null;
  for (const part of d.split(/\s+·\s+/)) {
    const m = part.match(new RegExp(`^${label}:\\s*(.+)$`, "i"));
    if (m) return clean(m[1]);
  }
  return null;
}

// "(3) Jane Doe | LinkedIn" or "Jane Doe - Acme | LinkedIn"
function nameFromTitle(doc) {
  const t = clean(doc.querySelector("title")?.textContent ?? null) ?? meta(doc, "og:title");
  if (!t || !/linkedin/i.test(t)) return null;
  const stripped = t.replace(/^\(\d+\+?\)\s*/, "").replace(/\s*\|\s*LinkedIn.*$/i, "");
  return clean(stripped.split(/\s+[-–]\s+/)[0]);
}

// The profile's own card; without it the rest of the page (feeds, "People also viewed")
// would be mistaken for the person, so markup fields stay empty.
function topCard(doc) {
  return firstEl(doc, ["section.top-card-layout", ".pv-top-card", "main section.artdeco-card", "main"]);
}

const NOTHING = { querySelector: () => null, querySelectorAll: () => [] };

function currentCompanyButton(card) {
  const el = firstEl(card, [
    'button[aria-label^="Current company"]',
    '[aria-label^="Current company"]',
  ]);
  if (!el) return null;
  const label = el.getAttribute("aria-label") ?? "";
  const m = label.match(/^Current company:\s*(.+?)(?:\.\s*Click.*)?$/i);
  return clean(m?.[1] ?? null) ?? firstText(el, ["div", "span"]);
}

function collect(doc, canon) {
  const fresh = attempt(() => headDescribes(doc, canon.url, canonicalize)) ?? false;
  const person = attempt(() => jsonLdPerson(doc));
  const card = attempt(() => topCard(doc)) ?? NOTHING;
  const name = pick(
    attempt(() => ldText(person?.name)),
    attempt(() => firstText(card, [
      "h1.top-card-layout__title",
      "h1.text-heading-xlarge",
      ".pv-text-details__left-panel h1",
      "h1",
    ])),
    attempt(() => nameFromTitle(doc)),
  );
  const headline = pick(
    attempt(() => firstText(card, [
      "h2.top-card-layout__headline",
      ".top-card-layout__headline",
      ".pv-text-details__left-panel .text-body-medium",
      "div.text-body-medium.break-words",
      ".text-body-medium",
    ])),
    attempt(() => ldText(person?.disambiguatingDescription)),
  );
  const split = splitHeadline(headline);
  const company = pick(
    attempt(() => currentEmployer(person)),
    attempt(() => firstText(card, [
      '[data-section="currentPositionsDetails"] .top-card-link__description',
      ".top-card__position-info .top-card-link__description",
    ])),
    attempt(() => currentCompanyButton(card)),
    fresh ? attempt(() => fromDescription(doc, "Experience")) : null,
    split.company,
  );
  const title = pick(attempt(() => ldText(person?.jobTitle)), split.title);
  const location = pick(
    attempt(() => ldPlace(person?.address ?? person?.homeLocation)),
    attempt(() => firstText(card, [
      ".top-card-layout__first-subline .top-card__subline-item",
      ".top-card-layout__first-subline .not-first-middot > span",
      ".top-card__subline-item",
      "span.text-body-small.inline.t-black--light.break-words",
      ".pv-text-details__left-panel .text-body-small.inline",
    ])),
    fresh ? attempt(() => fromDescription(doc, "Location")) : null,
  );
  const avatar = pick(
    attempt(() => ldImage(person?.image)),
    attempt(() => imgSrc(firstEl(card, [
      "img.top-card__profile-image",
      "img.pv-top-card-profile-picture__image--show",
      "img.pv-top-card-profile-picture__image",
      ".pv-top-card__photo img",
      ".top-card-layout__entity-image-container img",
    ]), "https://www.linkedin.com/")),
    fresh ? attempt(() => httpUrl(meta(doc, "og:image"))) : null,
  );
  return { name, headline, company, title, location, avatar_url: avatar };
}

export const extractLinkedIn = makeExtractor("linkedin", collect);
