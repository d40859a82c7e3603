// Ashby. The page is rendered by script, but its HTML carries a JobPosting JSON-LD and an
// og:title "<title> @ <company>"; the rendered page has `h1.ashby-job-posting-heading` and a left
// pane of labelled facts (Location, Employment Type, Location Type).
import { clean, firstText, meta } from "../extractors/common.js";
import {
  attempt, combineRemote, fromJobPosting, headDescribesJob, jobPostingNode, makeJobExtractor, pick, remoteFromText,
  splitTitle,
} from "./common.js";

/** The text after a heading labelled `label` in the facts pane. */
function fact(doc, label) {
  const pane = doc.querySelector(".ashby-job-posting-left-pane") ?? doc;
  for (const heading of pane.querySelectorAll("h2, h3, dt")) {
    if (clean(heading.textContent)?.toLowerCase() === label) return clean(heading.nextElementSibling?.textContent ?? null);
  }
  return null;
}

function collect(doc, canon) {
  const node = attempt(() => jobPostingNode(doc));
  const ld = attempt(() => headDescribesJob(doc, node, canon.url)) ? fromJobPosting(node) : {};
  const heading = meta(doc, "og:title") ?? clean(doc.querySelector("title")?.textContent ?? null);
  const [headTitle, headCompany] = splitTitle(heading, /^(.+) @ (.+)$/);
  const title = pick(ld.title, attempt(() => firstText(doc, ["h1.ashby-job-posting-heading", "h1"])), headTitle);
  const company = pick(ld.company, headCompany);
  const location = pick(ld.location, attempt(() => fact(doc, "location")));
  const workplace = attempt(() => fact(doc, "location type"));
  return { title, company, location, remote: combineRemote(ld.remote, remoteFromText(workplace, location)), posted_at: ld.posted_at };
}

export const extractAshbyJob = makeJobExtractor("ashby", collect);
