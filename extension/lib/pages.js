// Whether a page IS a profile page (SPEC §7: sub-pages and other pages get no button).
// lib/urls.js answers a different question — which profile a URL belongs to, so
// /in/jane/details/experience and github.com/jane?tab=repositories canonicalise to the profile
// with isProfile true — and this module narrows that to the profile's own page by comparing
// the page's path with the canonical one.
import { canonicalize } from "./urls.js";

// Query parameters that turn a profile URL into one of its sub-pages.
const SUB_PAGE_PARAMS = {
  github: ["tab"],
  facebook: ["sk", "v"],
};

function segments(pathname) {
  return pathname
    .split("/")
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s).toLowerCase().normalize("NFC");
      } catch {
        return s.toLowerCase();
      }
    });
}

/**
 * @param {string} href  the page's address
 * @returns {{network: string, url: string, handle: string|null}|null} the profile, when the
 *   page is that profile's own page
 */
export function profileOfPage(href) {
  const canon = canonicalize(href);
  if (!canon?.isProfile) return null;
  let page;
  let profile;
  try {
    page = new URL(href);
    profile = new URL(canon.url);
  } catch {
    return null;
  }
  for (const param of SUB_PAGE_PARAMS[canon.network] ?? []) {
    if (page.searchParams.has(param)) return null;
  }
  const got = segments(page.pathname);
  const want = segments(profile.pathname);
  if (got.join("/") === want.join("/")) return canon;
  // Facebook shows profiles without a username as /people/<Name>/<id> or /<id>; both
  // canonicalise to profile.php?id=<id> and are the profile page itself.
  if (canon.network === "facebook" && want[0] === "profile.php") {
    const id = canon.handle;
    const isPeople = got.length === 3 && got[0] === "people" && got[2] === id;
    if (isPeople || (got.length === 1 && got[0] === id)) return canon;
  }
  return null;
}

/** @param {string} href */
export function isProfilePage(href) {
  try {
    return profileOfPage(href) !== null;
  } catch {
    return false;
  }
}
