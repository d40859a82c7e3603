// Lever. The posting page has `.posting-headline h2` and `.posting-categories` (location,
// team, commitment, workplace type); the company is in the page title and og:title ("Acme -
// Staff Engineer") and the logo's alt text. Newer pages add a JobPosting JSON-LD.
import { firstEl, firstText, meta } from "../extractors/common.js";
import {
  attempt, clean, combineRemote, fromJobPosting, headDescribesJob, jobPostingNode, makeJobExtractor, pick,
  remoteFromText, splitTitle,
} from "./common.js";

function collect(doc, canon) {
  const node = attempt(() => jobPostingNode(doc));
  const ld = attempt(() => headDescribesJob(doc, node, canon.url)) ? fromJobPosting(node) : {};
  const heading = meta(doc, "og:title") ?? clean(doc.querySelector("title")?.textContent ?? null);
  const [headCompany, headTitle] = splitTitle(heading, /^(.+?) - (.+)$/);
  const logoAlt = attempt(() => firstEl(doc, [".main-header-logo img", "a.main-header-logo img"])?.getAttribute("alt"));
  const title = pick(ld.title, attempt(() => firstText(doc, [".posting-headline h2", ".posting-header h2"])), headTitle);
  const company = pick(ld.company, headCompany, clean(logoAlt?.replace(/\s+logo$/i, "") ?? null));
  const location = pick(ld.location, attempt(() => firstText(doc, [".posting-categories .location", ".posting-category.location"])));
  const workplace = attempt(() => firstText(doc, [".posting-categories .workplaceTypes", ".workplaceTypes"]));
  return { title, company, location, remote: combineRemote(ld.remote, remoteFromText(workplace, location)), posted_at: ld.posted_at };
}

export const extractLeverJob = makeJobExtractor("lever", collect);
