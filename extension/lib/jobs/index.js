// One entry point for the content script and the popup: the extractor for the page's board,
// or the JobPosting reader for any other page.
import { canonicalJobUrl } from "../joburls.js";
import { extractAshbyJob } from "./ashby.js";
import { extractJobPosting } from "./generic.js";
import { extractGreenhouseJob } from "./greenhouse.js";
import { extractLeverJob } from "./lever.js";
import { extractLinkedInJob } from "./linkedin.js";
import { extractWorkableJob } from "./workable.js";

export const JOB_EXTRACTORS = {
  linkedin: extractLinkedInJob,
  greenhouse: extractGreenhouseJob,
  lever: extractLeverJob,
  ashby: extractAshbyJob,
  workable: extractWorkableJob,
};

export { extractAshbyJob, extractGreenhouseJob, extractJobPosting, extractLeverJob, extractLinkedInJob, extractWorkableJob };

/**
 * The job on this page: a posting on one of the five boards, or a page with a JobPosting;
 * null otherwise (and never an exception).
 * @param {Document} doc
 * @param {string} pageUrl
 */
export function extractJob(doc, pageUrl) {
  try {
    const canon = canonicalJobUrl(pageUrl);
    if (!canon) return null;
    if (canon.isPosting) return JOB_EXTRACTORS[canon.board](doc, pageUrl);
    return extractJobPosting(doc, pageUrl);
  } catch {
    return null;
  }
}
