// Workable. apply.workable.com pages carry a JobPosting JSON-LD and og tags ("<title> -
// <company>"); the rendered page marks its parts with data-ui attributes.
import { firstText, meta } from "../extractors/common.js";
import {
  attempt, clean, combineRemote, fromJobPosting, headDescribesJob, jobPostingNode, makeJobExtractor, pick,
  remoteFromText, splitTitle,
} from "./common.js";

function collect(doc, canon) {
  const node = attempt(() => jobPostingNode(doc));
  const ld = attempt(() => headDescribesJob(doc, node, canon.url)) ? fromJobPosting(node) : {};
  const heading = meta(doc, "og:title") ?? clean(doc.querySelector("title")?.textContent ?? null);
  const [headTitle, headCompany] = splitTitle(heading, /^(.+) - (.+?)$/);
  const title = pick(ld.title, attempt(() => firstText(doc, ['h1[data-ui="job-title"]', "h1"])), headTitle);
  const company = pick(ld.company, attempt(() => firstText(doc, ['[data-ui="company-name"]'])), headCompany, meta(doc, "og:site_name"));
  const location = pick(ld.location, attempt(() => firstText(doc, ['[data-ui="job-location"]'])));
  const workplace = attempt(() => firstText(doc, ['[data-ui="job-workplace"]', '[data-ui="job-remote"]']));
  return { title, company, location, remote: combineRemote(ld.remote, remoteFromText(workplace, location)), posted_at: ld.posted_at };
}

export const extractWorkableJob = makeJobExtractor("workable", collect);
