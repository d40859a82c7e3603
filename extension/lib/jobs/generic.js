// Any other page: a schema.org JobPosting in JSON-LD (what search engines read), with the
// page's own address as the job's. The popup runs it on the active tab (activeTab).
import { canonicalJobUrl } from "../joburls.js";
import { meta, pageUrlOf } from "../extractors/common.js";
import { attempt, fromJobPosting, jobPostingNode, jobResult, pick } from "./common.js";

/** @returns {object|null} the job, or null when the page has no JobPosting */
export function extractJobPosting(doc, pageUrl) {
  try {
    const canon = canonicalJobUrl(pageUrlOf(doc, pageUrl));
    const node = jobPostingNode(doc);
    if (!canon || !node) return null;
    const ld = fromJobPosting(node);
    return jobResult({
      ...ld,
      company: pick(ld.company, attempt(() => meta(doc, "og:site_name"))),
      url: canon.url,
    });
  } catch {
    return null;
  }
}
