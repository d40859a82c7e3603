// Saving a job posting as an opportunity, with the people the page names. Runs in
// the service worker with an API client (lib/api.js); pure apart from the client, so the unit
// tests drive it with a fake one.
import { ApiError } from "./api.js";
import { clean, splitHeadline } from "./extractors/common.js";
import { canonicalJobUrl } from "./joburls.js";
import { canonicalize } from "./urls.js";

export const STATUSES = [
  ["targeting", "Targeting"],
  ["applied", "Applied"],
  ["interviewing", "Interviewing"],
  ["offer", "Offer"],
  ["on_hold", "On hold"],
  ["closed_won", "Accepted"],
  ["closed_lost", "Closed"],
];
export const ACTIVE_STATUSES = new Set(["targeting", "applied", "interviewing", "offer"]);

export const ROLES = [
  ["hiring_manager", "Hiring manager"],
  ["department_manager", "Department manager"],
  ["recruiter", "Recruiter"],
  ["hr", "HR"],
  ["assistant", "Assistant"],
  ["referrer", "Referrer"],
  ["peer", "Peer"],
  ["other", "Other"],
];
const PAGE_ROLES = new Set(["hiring_manager", "recruiter"]);
const MAX_PEOPLE = 10;

export const BOARD_NAMES = {
  linkedin: "LinkedIn",
  greenhouse: "Greenhouse",
  lever: "Lever",
  ashby: "Ashby",
  workable: "Workable",
  other: "this site",
};

export function statusLabel(status) {
  return STATUSES.find(([key]) => key === status)?.[1] ?? String(status ?? "");
}

export function roleLabel(role) {
  return ROLES.find(([key]) => key === role)?.[1] ?? "";
}

/** A company name from a board URL's slug ("acme-robotics" → "Acme Robotics"), else null. */
export function companyFromUrl(url) {
  const canon = canonicalJobUrl(url);
  if (!canon?.isPosting || canon.board === "linkedin") return null;
  const slug = new URL(canon.url).pathname.split("/")[1] ?? "";
  const words = slug.split(/[-_.]+/).filter(Boolean);
  return words.length ? words.map((w) => w[0].toUpperCase() + w.slice(1)).join(" ") : null;
}

/**
 * The checked job of a SAVE_JOB message (it may come from a page): canonical URL, clipped
 * text, at most ten people with profile URLs a contact can have.
 * @throws {ApiError} when there is no job URL or no title to save
 */
export function checkJob(job) {
  const canon = typeof job?.url === "string" ? canonicalJobUrl(job.url) : null;
  if (!canon) throw new ApiError("validation", "This page's address is not a job Thrice can save.");
  const title = clean(typeof job.title === "string" ? job.title : null);
  if (!title) throw new ApiError("validation", "Thrice couldn't read the job's title on this page.");
  const company = clean(typeof job.company === "string" ? job.company : null) ?? companyFromUrl(canon.url) ?? "Unknown company";
  const team = (Array.isArray(job.hiring_team) ? job.hiring_team : []).slice(0, MAX_PEOPLE).flatMap((p) => {
    const name = clean(typeof p?.name === "string" ? p.name : null);
    if (!name) return [];
    const profile = typeof p.profile_url === "string" ? canonicalize(p.profile_url) : null;
    return [{
      name,
      title: clean(typeof p.title === "string" ? p.title : null),
      profile_url: profile?.isProfile ? profile.url : null,
      role: PAGE_ROLES.has(p.role) ? p.role : "hiring_manager",
    }];
  });
  return { url: canon.url, board: canon.board, title, company, hiring_team: team };
}

/** The POST /contacts body for a person named on a posting. */
export function personPayload(person, company) {
  const split = splitHeadline(person.title);
  const body = { name: person.name, source: "extension", role: person.role, company: split.company ?? company };
  if (person.title) body.headline = person.title;
  if (split.title) body.title = split.title;
  if (person.profile_url) body.profiles = [{ url: person.profile_url }];
  return body;
}

async function savePerson(client, person, company, opportunity) {
  if (!person.profile_url) {
    // Without a profile URL the server can't tell a second save from a new person: reuse the
    // one already on this opportunity under that name.
    const same = (opportunity.contacts ?? []).find((c) => c.name?.toLowerCase() === person.name.toLowerCase());
    if (same) return { id: same.contact_id, name: same.name };
  }
  return (await client.saveContact(personPayload(person, company))).contact;
}

/**
 * Create the opportunity (status targeting) or update the one GET /opportunities/lookup finds,
 * then save and link the people the page names.
 * @returns {Promise<{opportunity: object, already: boolean, people: {contact_id: number, name: string, role: string}[]}>}
 */
export async function saveJob(client, rawJob) {
  const job = checkJob(rawJob);
  let opportunity = await client.lookupOpportunity(job.url);
  let already = opportunity !== null;
  if (opportunity) {
    opportunity = await client.updateOpportunity(opportunity.id, { company: job.company, title: job.title });
  } else {
    const saved = await client.createOpportunity({ company: job.company, title: job.title, url: job.url, status: "targeting" });
    opportunity = saved.opportunity;
    already = saved.status === 200; // saved meanwhile, from another tab
  }
  const people = [];
  for (const person of job.hiring_team) {
    const contact = await savePerson(client, person, job.company, opportunity);
    if (!contact?.id) continue;
    opportunity = await client.linkContact(opportunity.id, { contact_id: contact.id, role: person.role });
    people.push({ contact_id: contact.id, name: contact.name, role: person.role });
  }
  return { opportunity, already, people };
}

/** "Saved", "Already saved", with the people linked: the page button's answer. */
export function savedLabel({ already, people }) {
  const base = already ? "Already saved" : "Saved";
  const n = people?.length ?? 0;
  return n ? `${base} · ${n} ${n === 1 ? "person" : "people"} linked` : base;
}

/** The user's active opportunities, newest first (GET /opportunities, a few pages at most). */
export async function activeOpportunities(client, maxPages = 5) {
  const out = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const data = await client.listOpportunities({ limit: 200, cursor });
    out.push(...(data?.items ?? []).filter((o) => ACTIVE_STATUSES.has(o.status)));
    cursor = data?.next ?? null;
    if (!cursor) break;
  }
  return out;
}
