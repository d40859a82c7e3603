// LinkedIn Jobs. The logged-out posting (/jobs/view/<title>-at-<company>-<id>) carries a
// JobPosting JSON-LD, the `top-card-layout` markup and a "job poster" card; the logged-in app
// (/jobs/view/<id>, and the search view /jobs/search/?currentJobId=<id> with the posting in its
// right-hand pane) renders `job-details-jobs-unified-top-card` and "Meet the hiring team" without
// structured data. The search view lists other jobs beside the pane, so markup is read from the
// pane only.
import { firstEl, firstText, meta } from "../extractors/common.js";
import {
  attempt, combineRemote, fromJobPosting, headDescribesJob, isoDate, jobPostingNode, makeJobExtractor, person, pick,
  remoteFromText, roleOf, splitTitle,
} from "./common.js";

const NOTHING = { querySelector: () => null, querySelectorAll: () => [] };

function pane(doc) {
  return firstEl(doc, [
    ".jobs-search__job-details--container",
    ".jobs-search__job-details",
    ".job-view-layout",
    ".jobs-details",
    "section.top-card-layout",
    "main",
  ]) ?? doc;
}

function hiringTeam(doc, root) {
  const cards = [
    ...root.querySelectorAll(".hirer-card__hirer-information"),
    ...doc.querySelectorAll(".message-the-recruiter .base-main-card, .message-the-recruiter .base-card"),
  ];
  return cards.map((card) => {
    const link = card.matches?.("a[href]") ? card : card.querySelector('a[href*="/in/"]');
    const name = firstText(card, [".jobs-poster__name strong", ".jobs-poster__name", ".base-main-card__title", "strong"]);
    const title = firstText(card, [".linked-area", ".base-main-card__subtitle", ".hirer-card__hirer-title", ".text-body-small"]);
    const label = firstText(card, [".hirer-card__job-poster", ".base-main-card__metadata"]);
    return person({ name, title, profile_url: link?.getAttribute("href") ?? null, role: roleOf(title, label) });
  });
}

function collect(doc, canon) {
  const node = attempt(() => jobPostingNode(doc));
  const fresh = attempt(() => headDescribesJob(doc, node, canon.url)) ?? false;
  const ld = fresh ? fromJobPosting(node) : {};
  const root = attempt(() => pane(doc)) ?? NOTHING;
  // "Acme Robotics hiring Senior Platform Engineer in San Francisco, CA | LinkedIn"
  const [ogCompany, ogTitle, ogLocation] = fresh
    ? splitTitle(meta(doc, "og:title"), /^(.+?) hiring (.+?)(?: in (.+?))?(?: \| LinkedIn)?$/)
    : [null, null, null];
  const title = pick(
    ld.title,
    attempt(() => firstText(root, [
      ".job-details-jobs-unified-top-card__job-title h1",
      ".job-details-jobs-unified-top-card__job-title",
      ".jobs-unified-top-card__job-title",
      "h1.top-card-layout__title",
      "h1.topcard__title",
      "h1",
    ])),
    ogTitle,
  );
  const company = pick(
    ld.company,
    attempt(() => firstText(root, [
      ".job-details-jobs-unified-top-card__company-name a",
      ".job-details-jobs-unified-top-card__company-name",
      ".jobs-unified-top-card__company-name",
      "a.topcard__org-name-link",
      ".topcard__org-name-link",
    ])),
    ogCompany,
  );
  const location = pick(
    ld.location,
    attempt(() => firstText(root, [
      ".job-details-jobs-unified-top-card__primary-description-container .tvm__text",
      ".job-details-jobs-unified-top-card__bullet",
      ".jobs-unified-top-card__bullet",
      ".topcard__flavor--bullet",
    ])),
    ogLocation,
  );
  const workplace = attempt(() => firstText(root, [
    ".job-details-fit-level-preferences button",
    ".job-details-preferences-and-skills",
    ".jobs-unified-top-card__workplace-type",
  ]));
  const posted = attempt(() => isoDate(firstEl(root, ["time[datetime]"])?.getAttribute("datetime") ?? null));
  return {
    title,
    company,
    location,
    remote: combineRemote(ld.remote, remoteFromText(workplace, location)),
    posted_at: pick(ld.posted_at, posted),
    hiring_team: attempt(() => hiringTeam(doc, root)) ?? [],
  };
}

export const extractLinkedInJob = makeJobExtractor("linkedin", collect);
