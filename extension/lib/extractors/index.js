// One entry point for the content script and the popup: the extractor for the page's network.
import { profileOfPage } from "../pages.js";
import { extractFacebook } from "./facebook.js";
import { extractGitHub } from "./github.js";
import { extractInstagram } from "./instagram.js";
import { extractLinkedIn } from "./linkedin.js";
import { extractX } from "./x.js";

export const EXTRACTORS = {
  linkedin: extractLinkedIn,
  x: extractX,
  instagram: extractInstagram,
  facebook: extractFacebook,
  github: extractGitHub,
};

export { extractFacebook, extractGitHub, extractInstagram, extractLinkedIn, extractX };

/**
 * The profile on this page, or null when it is not a supported profile page.
 * @param {Document} doc
 * @param {string} pageUrl  the page's address (location.href)
 */
export function extractProfile(doc, pageUrl) {
  try {
    const canon = profileOfPage(pageUrl);
    const extractor = canon ? EXTRACTORS[canon.network] : null;
    return extractor ? extractor(doc, pageUrl) : null;
  } catch {
    return null;
  }
}
