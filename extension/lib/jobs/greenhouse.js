// Greenhouse. job-boards.greenhouse.io renders `.job__title` and a JobPosting JSON-LD; the old
// boards.greenhouse.io (still linked everywhere) has `#header .app-title` / `.company-name`
// ("at Acme") and often no structured data. Both title their page "Job Application for <title>
// at <company>".
import { firstText, meta } from "../extractors/common.js";
import {
  attempt, clean, combineRemote, fromJobPosting, headDescribesJob, jobPostingNode, makeJobExtractor, pick,
  remoteFromText, splitTitle,
} from "./common.js";

function collect(doc, canon) {
  const node = attempt(() => jobPostingNode(doc));
  const ld = attempt(() => headDescribesJob(doc, node, canon.url)) ? fromJobPosting(node) : {};
  const heading = clean(doc.querySelector("title")?.textContent ?? null);
  const [pageTitle, pageCompany] = splitTitle(heading, /^Job Application for (.+) at (.+)$/);
  const title = pick(
    ld.title,
    attempt(() => firstText(doc, [".job__title h1", "h1.section-header", "#header .app-title", ".app-title", "h1"])),
    pageTitle,
    meta(doc, "og:title"),
  );
  const headerCompany = attempt(() => firstText(doc, ["#header .company-name", ".company-name"]));
  const company = pick(ld.company, clean(headerCompany?.replace(/^at\s+/i, "") ?? null), pageCompany);
  const location = pick(
    ld.location,
    attempt(() => firstText(doc, [".job__location", "#header .location", ".location"])),
  );
  return { title, company, location, remote: combineRemote(ld.remote, remoteFromText(location)), posted_at: ld.posted_at };
}

export const extractGreenhouseJob = makeJobExtractor("greenhouse", collect);
