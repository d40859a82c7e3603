// Wraps a network's field collector into an extractor: decides from the page URL whether the
// page is a profile of that network (lib/pages.js), and guarantees the "never throws" contract.
import { profileOfPage } from "../pages.js";
import { pageUrlOf, result } from "./common.js";

/**
 * @param {string} network  the §2 network name the collector handles
 * @param {(doc: Document, canon: {url: string, handle: string|null}, href: string) => object} collect
 * @returns {(doc: Document, pageUrl?: string) => object|null}
 */
export function makeExtractor(network, collect) {
  return function extract(doc, pageUrl) {
    let canon;
    try {
      const href = pageUrlOf(doc, pageUrl);
      canon = href ? profileOfPage(href) : null;
      if (!canon || canon.network !== network) return null;
      const fields = collect(doc, canon, href);
      if (fields === null) return null; // the markup says it is not a person's profile
      return result({ ...fields, network, url: canon.url, handle: canon.handle || fields.handle });
    } catch {
      if (!canon || canon.network !== network) return null;
      return result({ network, url: canon.url, handle: canon.handle });
    }
  };
}
