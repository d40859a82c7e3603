// Helpers shared by the job-board extractors. Like the profile extractors they tolerate
// missing nodes and malformed JSON: a board that changed its markup gives empty fields, never
// an exception in the content script.
import { canonicalJobUrl } from "../joburls.js";
import { canonicalize } from "../urls.js";
import { attempt, clean, firstEl, hasType, jsonLdNodes, ldPlace, ldText, meta, pageUrlOf, pick } from "../extractors/common.js";

export const JOB_FIELDS = ["company", "title", "url", "location", "remote", "posted_at", "hiring_team"];
export const PERSON_FIELDS = ["name", "title", "profile_url", "role"];

const NAMED_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–", mdash: "—", hellip: "…" };
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));/g;

/**
 * Decode the HTML entities that boards leave inside JSON-LD strings ("R&amp;D",
 * "&lt;b&gt;"), up to twice for double-encoded text. The result is plain text: it is only ever
 * set with textContent, so "<img …>" decoded here stays visible characters.
 */
export function decodeEntities(value) {
  if (typeof value !== "string") return value;
  let s = value;
  for (let pass = 0; pass < 2 && s.includes("&"); pass += 1) {
    s = s.replace(ENTITY, (whole, dec, hex, name) => {
      if (name) return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
      const code = dec ? Number(dec) : parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    });
  }
  return s;
}

/** A schema.org value as decoded, cleaned text. */
export function ldString(value) {
  return clean(decodeEntities(ldText(value)));
}

/** The page's JobPosting JSON-LD node, or null. */
export function jobPostingNode(doc) {
  return jsonLdNodes(doc).find((n) => hasType(n, "JobPosting")) ?? null;
}

function asList(value) {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** true for TELECOMMUTE postings, false for other postings with a place, null when unknown. */
export function ldRemote(node) {
  if (!node) return null;
  if (asList(node.jobLocationType).some((t) => typeof t === "string" && /telecommute/i.test(t))) return true;
  return asList(node.jobLocation).length ? false : null;
}

/** "Remote", "Remote - US" → true; "On-site", "Hybrid" → false; anything else → null. */
export function remoteFromText(...texts) {
  for (const t of texts) {
    if (typeof t === "string" && /\bremote\b/i.test(t)) return true;
  }
  for (const t of texts) {
    if (typeof t === "string" && /\b(on-?site|hybrid|in[- ]office)\b/i.test(t)) return false;
  }
  return null;
}

export function combineRemote(...answers) {
  if (answers.includes(true)) return true;
  if (answers.includes(false)) return false;
  return null;
}

/** "2025-02-24T08:15:00Z", "2025-02-24", Date-parsable text → "2025-02-24" (UTC), else null. */
export function isoDate(value) {
  if (typeof value !== "string") return null;
  const s = value.trim();
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (plain) {
    const t = Date.parse(`${s}T00:00:00Z`); // V8 rolls 02-30 over to March: compare back
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s ? s : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : null;
}

/** Fields of a JobPosting node; empty when the head describes another job (single-page apps). */
export function fromJobPosting(node) {
  if (!node) return {};
  const location = clean(decodeEntities(ldPlace(node.jobLocation))) ?? ldString(node.applicantLocationRequirements);
  return {
    title: ldString(node.title),
    company: ldString(node.hiringOrganization),
    location,
    remote: ldRemote(node),
    posted_at: isoDate(typeof node.datePosted === "string" ? node.datePosted : null),
  };
}

/**
 * Whether the head's structured data describes the job at `canonUrl`. Single-page boards keep
 * the head of the first page they rendered, so its JSON-LD may belong to another job.
 */
export function headDescribesJob(doc, node, canonUrl) {
  const declared = [
    typeof node?.url === "string" ? node.url : null,
    meta(doc, "og:url"),
    firstEl(doc, ['link[rel="canonical"]'])?.getAttribute("href") ?? null,
  ].filter(Boolean);
  return declared.every((u) => {
    const c = canonicalJobUrl(u);
    return c === null || c.url === canonUrl;
  });
}

const RECRUITING = /recruit|talent|sourc/i;

/** The role a person named on a posting has on it (recruiting/talent labels → recruiter). */
export function roleOf(...labels) {
  return labels.some((l) => typeof l === "string" && RECRUITING.test(l)) ? "recruiter" : "hiring_manager";
}

/** A hiring-team entry with a canonical profile URL (LinkedIn, X, …) or null. */
export function person({ name, title, profile_url: profileUrl, role }) {
  const canon = typeof profileUrl === "string" ? canonicalize(profileUrl) : null;
  return {
    name: clean(name),
    title: clean(title),
    profile_url: canon?.isProfile ? canon.url : null,
    role: role === "recruiter" ? "recruiter" : "hiring_manager",
  };
}

/** The team without nameless and repeated people (same profile, or same name without one). */
export function dedupeTeam(team) {
  const seen = new Set();
  const out = [];
  for (const p of team) {
    if (!p?.name) continue;
    const key = p.profile_url ?? `name:${p.name.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out.slice(0, 10);
}

/** A complete job result: every field present, missing ones null (hiring_team []). */
export function jobResult(fields) {
  return {
    company: clean(fields.company ?? null),
    title: clean(fields.title ?? null),
    url: fields.url ?? null,
    location: clean(fields.location ?? null),
    remote: typeof fields.remote === "boolean" ? fields.remote : null,
    posted_at: typeof fields.posted_at === "string" ? fields.posted_at : null,
    hiring_team: Array.isArray(fields.hiring_team) ? dedupeTeam(fields.hiring_team) : [],
  };
}

/**
 * Wraps a board's field collector into an extractor: decides from the page URL whether the page
 * is a posting on that board, and keeps the "never throws" promise.
 * @param {string} board
 * @param {(doc: Document, canon: {url: string}, href: string) => object} collect
 * @returns {(doc: Document, pageUrl?: string) => object|null}
 */
export function makeJobExtractor(board, collect) {
  return function extract(doc, pageUrl) {
    let canon = null;
    try {
      const href = pageUrlOf(doc, pageUrl);
      canon = href ? canonicalJobUrl(href) : null;
      if (!canon?.isPosting || canon.board !== board) return null;
      return jobResult({ ...collect(doc, canon, href), url: canon.url });
    } catch {
      if (!canon?.isPosting || canon.board !== board) return null;
      return jobResult({ url: canon.url });
    }
  };
}

/** "Acme - Staff Engineer" / "Staff Engineer @ Acme" / "Staff Engineer at Acme" splitting. */
export function splitTitle(text, pattern) {
  const t = clean(text);
  const m = t ? pattern.exec(t) : null;
  return m ? m.slice(1).map((x) => clean(x)) : [null, null];
}

export { attempt, clean, pick };
