// The toolbar popup: the current tab's job posting or person (save, status, link to an
// opportunity, quick logs), then what is due now and what is coming up. Every API call goes
// through the service worker.
import { ext } from "../lib/browser.js";
import { CADENCE_DAYS, QUICK_LOG, cadenceLabel } from "../lib/contact.js";
import { h, say } from "../lib/dom.js";
import { BOARD_NAMES, ROLES, STATUSES, roleLabel, statusLabel } from "../lib/job.js";
import { canonicalJobUrl } from "../lib/joburls.js";
import { extractJob } from "../lib/jobs/index.js";
import { MSG } from "../lib/messages.js";
import { contactPageUrl, relativeTime } from "../lib/nudges.js";
import { collectStructuredData, structuredDataDocument } from "../lib/structured.js";
import { nameLink, nudgeItem, upcomingItem } from "./nudgelist.js";
import { suggestionItem } from "./suggestionlist.js";

const $ = (id) => document.getElementById(id);
const NETWORK_NAMES = { linkedin: "LinkedIn", x: "X", instagram: "Instagram", facebook: "Facebook", github: "GitHub" };
const ABOUT_A_JOB = new Set(["said_no", "promised", "interview"]);

const state = {
  profile: null,
  contact: null,
  job: null,
  opportunity: null,
  active: [], // the user's active opportunities
  server: null, // the Thrice origin, for links to the web app
  pendingLog: null, // an interaction waiting for "which job?"
};
let toastTimer = null;

async function send(message) {
  try {
    const reply = await ext.runtime.sendMessage(message);
    return reply ?? { ok: false, error: { message: "No answer from the Thrice extension." } };
  } catch (err) {
    return { ok: false, error: { message: err?.message || String(err) } };
  }
}

function showError(error) {
  say($("error"), error?.message ?? "");
}

function toast(message) {
  say($("toast"), message);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => say($("toast"), ""), 4000);
}

function fill(select, pairs, selected) {
  select.replaceChildren(...pairs.map(([value, label]) => h("option", { value }, label)));
  if (selected !== undefined && selected !== null) select.value = String(selected);
}

const pad = (n) => String(n).padStart(2, "0");
const localDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

// ---- the current tab ---------------------------------------------------------------------

async function targetTab() {
  // ?tab=<id> lets the popup be opened as a page for a given tab (tests, pinned windows)
  const fromQuery = Number(new URLSearchParams(location.search).get("tab"));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return { id: fromQuery };
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

/** A job from any page's JobPosting JSON-LD, read with activeTab (no content script there). */
async function readJobPosting(tabId) {
  if (!ext.scripting?.executeScript) return null;
  try {
    const [res] = await ext.scripting.executeScript({ target: { tabId }, func: collectStructuredData });
    if (!res?.result?.url) return null;
    const blank = new DOMParser().parseFromString("<!DOCTYPE html><html><head></head><body></body></html>", "text/html");
    return extractJob(structuredDataDocument(blank, res.result), res.result.url);
  } catch {
    return null; // a browser page, the web store, or no permission for this tab
  }
}

async function readTab() {
  const tab = await targetTab();
  if (!tab?.id) return {};
  try {
    const reply = await ext.tabs.sendMessage(tab.id, { type: MSG.EXTRACT });
    if (reply) return { profile: reply.profile ?? null, job: reply.job ?? null };
  } catch {
    // no content script there: not a supported site, or the tab was opened before install
  }
  return { profile: null, job: await readJobPosting(tab.id) };
}

// ---- the job card ------------------------------------------------------------------------

function jobMeta(job) {
  const parts = [];
  if (job.location) parts.push(job.location);
  if (job.remote === true) parts.push("Remote");
  const posted = job.posted_at ? new Date(`${job.posted_at}T12:00:00Z`) : null;
  if (posted && Number.isFinite(posted.getTime())) {
    parts.push(`posted ${posted.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })}`);
  }
  return parts.join(" · ");
}

function personItem(link) {
  return h(
    "li",
    { dataset: { contactId: link.contact_id } },
    nameLink(link.name, link.contact_id, state.server, { class: "name" }),
    link.role ? h("span", { class: "muted small" }, ` · ${roleLabel(link.role)}`) : null,
  );
}

function renderJob() {
  const { job, opportunity } = state;
  $("job-card").hidden = !job;
  if (!job) return;
  const board = canonicalJobUrl(job.url)?.board ?? "other";
  $("job-board").textContent = `Job posting · ${BOARD_NAMES[board] ?? board}`;
  $("job-title").textContent = opportunity?.title || job.title || "Untitled job";
  $("job-company").textContent = opportunity?.company || job.company || "";
  $("job-meta").textContent = jobMeta(job);
  $("job-unsaved").hidden = !!opportunity;
  $("job-saved").hidden = !opportunity;
  const team = job.hiring_team ?? [];
  $("job-people-hint").textContent = team.length
    ? `Also saves ${team.map((p) => p.name).join(", ")} and links them to it.`
    : "";
  if (!opportunity) return;
  fill($("job-status"), STATUSES, opportunity.status);
  $("job-people").replaceChildren(...(opportunity.contacts ?? []).map(personItem));
}

async function saveJob(button) {
  button.disabled = true;
  const reply = await send({ type: MSG.SAVE_JOB, job: state.job });
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  state.opportunity = reply.opportunity;
  const n = reply.people?.length ?? 0;
  const who = n ? ` with ${n} ${n === 1 ? "person" : "people"}` : "";
  toast(`${reply.already ? "Already saved — updated" : "Saved"}${who}.`);
  renderJob();
  await loadOpportunities();
}

async function setStatus(select) {
  const reply = await send({ type: MSG.JOB_STATUS, id: state.opportunity?.id, status: select.value });
  if (!reply.ok) {
    select.value = state.opportunity?.status ?? "";
    return showError(reply.error);
  }
  showError(null);
  state.opportunity = reply.opportunity;
  toast(`Status: ${statusLabel(reply.opportunity.status)}.`);
  await loadNudges();
}

// ---- the person card ---------------------------------------------------------------------

function initials(name) {
  const parts = String(name ?? "").trim().split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((p) => [...p][0]?.toUpperCase() ?? "").join("") || "?";
}

function opportunityName(o) {
  return `${o.company} — ${o.title}`;
}

function renderLinks() {
  const { contact, active } = state;
  if (!contact) return;
  $("link-empty").hidden = active.length > 0;
  $("link-form").hidden = active.length === 0;
  const current = $("link-opportunity").value;
  fill($("link-opportunity"), active.map((o) => [o.id, opportunityName(o)]));
  if (active.some((o) => String(o.id) === current)) $("link-opportunity").value = current;
  const mine = active.flatMap((o) => (o.contacts ?? []).filter((c) => c.contact_id === contact.id).map((c) => [o, c.role]));
  $("card-opportunities").replaceChildren(
    ...mine.map(([o, role]) => h("li", { dataset: { opportunityId: o.id } }, `On ${opportunityName(o)}${role ? ` as ${roleLabel(role).toLowerCase()}` : ""}`)),
  );
}

function renderCard() {
  const { profile, contact } = state;
  $("no-profile").hidden = !!profile || !!state.job;
  $("card").hidden = !profile;
  if (!profile) return;
  const name = contact?.name || profile.name || profile.handle || profile.url;
  $("card-name").textContent = name;
  $("card-initials").textContent = initials(name);
  $("card-headline").textContent = contact?.headline || profile.headline || "";
  $("card-network").textContent = `${NETWORK_NAMES[profile.network] ?? profile.network} · ${profile.url}`;
  $("card-unsaved").hidden = !!contact;
  $("card-saved").hidden = !contact;
  if (!contact) return;
  const warmth = contact.warmth;
  const w = $("card-warmth");
  w.textContent = warmth ? `Warmth ${warmth.score} · ${warmth.band}` : "Warmth —";
  w.dataset.band = warmth?.band ?? "cold";
  w.title = warmth?.reason ?? "";
  $("card-last-touch").textContent = `Last touch: ${contact.last_touch_at ? relativeTime(contact.last_touch_at) : "never"}`;
  const href = contactPageUrl(state.server, contact.id);
  $("card-open").hidden = !href;
  if (href) $("card-open").href = href;
  fill($("cadence"), [["", cadenceLabel(null)], ...CADENCE_DAYS.map((d) => [d, cadenceLabel(d)])],
       contact.cadence_days ?? "");
  if (!$("link-role").dataset.touched) $("link-role").value = contact.role && ROLES.some(([k]) => k === contact.role) ? contact.role : "hiring_manager";
  renderLinks();
}

async function saveContact(button) {
  button.disabled = true;
  const reply = await send({ type: MSG.SAVE, profile: state.profile });
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  state.contact = reply.contact;
  toast(reply.already ? "Already saved — details updated." : "Saved.");
  renderCard();
  await loadOpportunities();
}

function interviewInstant() {
  const date = $("interview-date").value;
  const time = $("interview-time").value || "09:00";
  const at = new Date(`${date}T${time}`); // the browser's local time, as the user typed it
  return Number.isFinite(at.getTime()) ? at.toISOString() : "";
}

function askWhichJob(interaction) {
  const choices = interaction?.opportunity_choices ?? [];
  state.pendingLog = choices.length ? interaction : null;
  $("choose").hidden = !choices.length;
  fill($("choose-opportunity"), choices.map((o) => [o.id, `${o.company} — ${o.title}`]));
}

async function quickLog(kind, button) {
  button.disabled = true;
  const reply = await send({
    type: MSG.LOG,
    contact: state.contact,
    kind,
    date: $("promise-date").value,
    at: kind === "interview" ? interviewInstant() : undefined,
  });
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  if (reply.contact) state.contact = reply.contact;
  const logged = reply.interaction ?? {};
  const onJob = logged.opportunity_id ? state.active.find((o) => o.id === logged.opportunity_id) : null;
  toast(`Logged: ${QUICK_LOG[kind]}${onJob ? ` (${opportunityName(onJob)})` : ""}`);
  askWhichJob(ABOUT_A_JOB.has(kind) ? logged : null);
  renderCard();
  await loadNudges();
}

async function setCadence(select) {
  const days = select.value === "" ? null : Number(select.value);
  select.disabled = true;
  const reply = await send({ type: MSG.CADENCE, contactId: state.contact?.id, days });
  select.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  state.contact = reply.contact;
  toast(days === null ? "Keeping in touch as warmth suggests." : `Keeping in touch: ${cadenceLabel(days).toLowerCase()}.`);
  renderCard();
  await loadNudges();
}

async function attachPending(button) {
  const pending = state.pendingLog;
  if (!pending) return;
  button.disabled = true;
  const opportunityId = Number($("choose-opportunity").value);
  const reply = await send({ type: MSG.ATTACH_LOG, interactionId: pending.id, opportunityId });
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  const o = (pending.opportunity_choices ?? []).find((c) => c.id === opportunityId);
  toast(`Attached to ${o ? opportunityName(o) : "the opportunity"}.`);
  askWhichJob(null);
  await loadNudges();
}

async function linkToOpportunity(button) {
  const opportunityId = Number($("link-opportunity").value);
  const role = $("link-role").value;
  button.disabled = true;
  const reply = await send({ type: MSG.LINK_OPPORTUNITY, opportunityId, contactId: state.contact?.id, role });
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  state.active = state.active.map((o) => (o.id === reply.opportunity.id ? reply.opportunity : o));
  toast(`Added to ${opportunityName(reply.opportunity)} as ${roleLabel(role).toLowerCase()}.`);
  renderCard();
  await loadNudges();
}

// ---- loading -----------------------------------------------------------------------------

async function loadOpportunities() {
  if (!state.contact) return;
  const reply = await send({ type: MSG.OPPORTUNITIES });
  if (reply.ok) state.active = reply.items ?? [];
  renderCard();
}

async function loadPage() {
  const { profile, job } = await readTab();
  state.profile = profile;
  state.job = job;
  const lookups = [];
  if (profile) {
    lookups.push(send({ type: MSG.LOOKUP, url: profile.url }).then((reply) => {
      if (!reply.ok) return showError(reply.error);
      state.contact = reply.contact;
      state.server = reply.server ?? state.server;
    }));
  }
  if (job) {
    lookups.push(send({ type: MSG.JOB_LOOKUP, url: job.url }).then((reply) => {
      if (!reply.ok) return showError(reply.error);
      state.opportunity = reply.opportunity;
      state.server = reply.server ?? state.server;
    }));
  }
  await Promise.all(lookups);
  renderJob();
  renderCard();
  await loadOpportunities();
}

async function loadNudges() {
  const list = $("nudge-list");
  const upcoming = $("upcoming-list");
  const status = $("nudges-status");
  const reply = await send({ type: MSG.NUDGES });
  list.replaceChildren();
  upcoming.replaceChildren();
  $("nudge-count").textContent = "";
  if (!reply.ok) {
    say($("upcoming-status"), "");
    if (reply.error?.kind === "not_found") say(status, "This Thrice server has no nudges yet.");
    else if (reply.error?.kind === "not_configured") say(status, reply.error.message);
    else {
      say(status, "");
      showError(reply.error);
    }
    return;
  }
  state.server = reply.server ?? state.server;
  const items = reply.items ?? [];
  $("nudge-count").textContent = items.length ? String(items.length) : "";
  say(status, items.length ? "" : "Nothing due right now.");
  list.append(...items.map((n) => nudgeItem(n, state.server)));
  for (const li of list.children) li.nudge = items.find((n) => String(n.id) === li.dataset.nudgeId);
  const soon = reply.upcoming ?? [];
  say($("upcoming-status"), soon.length ? "" : "Nothing scheduled for the next 7 days.");
  upcoming.append(...soon.map((n) => upcomingItem(n, state.server)));
}

async function nudgeAction(li, action, button) {
  const nudge = li.nudge;
  if (action === "copy") {
    try {
      await navigator.clipboard.writeText(nudge?.message ?? "");
      toast("Message copied.");
    } catch {
      showError({ message: "Could not copy: the browser refused clipboard access." });
    }
    return;
  }
  const message = { type: MSG.NUDGE_ACTION, id: li.dataset.nudgeId, action };
  if (action === "snooze") message.preset = li.querySelector("[data-role=snooze-preset]").value;
  if (action === "dismiss") message.reason = li.querySelector("[data-role=dismiss-reason]").value;
  button.disabled = true;
  const reply = await send(message);
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  toast(action === "complete" ? "Done — logged." : action === "snooze" ? "Snoozed." : "Dismissed.");
  await loadNudges();
}

// ---- suggestions from mail ---------------------------------------------------------------

async function loadSuggestions() {
  const reply = await send({ type: MSG.SUGGESTIONS });
  const list = $("suggestion-list");
  list.replaceChildren();
  // An older server (404) or no connection yet: the section stays hidden, nothing to say.
  const items = reply.ok ? (reply.items ?? []) : [];
  state.server = reply.server ?? state.server;
  $("suggestion-count").textContent = items.length ? String(items.length) : "";
  $("suggestions").hidden = items.length === 0;
  list.append(...items.map((s) => suggestionItem(s, state.server)));
}

async function suggestionAction(li, action, button) {
  for (const b of li.querySelectorAll("button")) b.disabled = true;
  const reply = await send({ type: MSG.SUGGESTION_ACTION, id: li.dataset.suggestionId, action });
  if (!reply.ok) {
    for (const b of li.querySelectorAll("button")) b.disabled = false;
    button.focus();
    return showError(reply.error);
  }
  showError(null);
  toast(action === "accept" ? "Logged." : "Ignored.");
  await Promise.all([loadSuggestions(), action === "accept" ? loadNudges() : null]);
}

// ---- wiring ------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const now = new Date();
  $("promise-date").value = localDate(new Date(now.getTime() + 7 * 86400000));
  $("interview-date").value = localDate(now);
  $("interview-time").value = `${pad(Math.min(now.getHours() + 1, 23))}:00`;
  fill($("link-role"), ROLES, "hiring_manager");
  $("link-role").addEventListener("change", (e) => {
    e.currentTarget.dataset.touched = "1";
  });
  $("save-job").addEventListener("click", (e) => saveJob(e.currentTarget));
  $("job-status").addEventListener("change", (e) => setStatus(e.currentTarget));
  $("save-contact").addEventListener("click", (e) => saveContact(e.currentTarget));
  $("link-add").addEventListener("click", (e) => linkToOpportunity(e.currentTarget));
  $("choose-attach").addEventListener("click", (e) => attachPending(e.currentTarget));
  $("cadence").addEventListener("change", (e) => setCadence(e.currentTarget));
  for (const button of document.querySelectorAll("[data-log]")) {
    button.addEventListener("click", () => quickLog(button.dataset.log, button));
  }
  for (const id of ["nudge-list", "upcoming-list"]) {
    $(id).addEventListener("click", (e) => {
      const message = e.target.closest(".message");
      if (message) message.classList.toggle("clamped");
    });
  }
  $("nudge-list").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    const li = e.target.closest("li[data-nudge-id]");
    if (button && li) nudgeAction(li, button.dataset.action, button);
  });
  $("suggestion-list").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    const li = e.target.closest("li[data-suggestion-id]");
    if (button && li) suggestionAction(li, button.dataset.action, button);
  });
  document.body.dataset.ready = "loading";
  Promise.all([loadPage(), loadNudges(), loadSuggestions()]).finally(() => {
    document.body.dataset.ready = "true";
  });
});
