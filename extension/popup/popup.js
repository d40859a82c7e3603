// The toolbar popup: the current tab's person (saved or not, with quick log) and the visible
// due nudges. Every API call goes through the service worker.
import { ext } from "../lib/browser.js";
import { QUICK_LOG } from "../lib/contact.js";
import { h, say } from "../lib/dom.js";
import { MSG } from "../lib/messages.js";
import { DISMISS_REASONS, SNOOZE_PRESETS, mailtoHref, relativeTime } from "../lib/nudges.js";

const $ = (id) => document.getElementById(id);
const NETWORK_NAMES = { linkedin: "LinkedIn", x: "X", instagram: "Instagram", facebook: "Facebook", github: "GitHub" };

const state = { profile: null, contact: null };
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
  toastTimer = setTimeout(() => say($("toast"), ""), 3000);
}

// ---- the person on the current tab -------------------------------------------------------

async function targetTabId() {
  // ?tab=<id> lets the popup be opened as a page for a given tab (tests, pinned windows)
  const fromQuery = Number(new URLSearchParams(location.search).get("tab"));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

async function extractFromTab() {
  const tabId = await targetTabId();
  if (tabId === null) return null;
  try {
    const reply = await ext.tabs.sendMessage(tabId, { type: MSG.EXTRACT });
    return reply?.profile ?? null;
  } catch {
    return null; // no content script there: not a supported site, or opened before install
  }
}

function initials(name) {
  const parts = String(name ?? "").trim().split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((p) => [...p][0]?.toUpperCase() ?? "").join("") || "?";
}

function defaultPromiseDate() {
  const d = new Date(Date.now() + 7 * 86400000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function renderCard() {
  const { profile, contact } = state;
  $("no-profile").hidden = !!profile;
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
}

async function loadCard() {
  state.profile = await extractFromTab();
  state.contact = null;
  if (state.profile) {
    const reply = await send({ type: MSG.LOOKUP, url: state.profile.url });
    if (reply.ok) state.contact = reply.contact;
    else showError(reply.error);
  }
  renderCard();
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
}

async function quickLog(kind, button) {
  const date = $("promise-date").value;
  button.disabled = true;
  const reply = await send({ type: MSG.LOG, contact: state.contact, kind, date });
  button.disabled = false;
  if (!reply.ok) return showError(reply.error);
  showError(null);
  if (reply.contact) state.contact = reply.contact;
  toast(`Logged: ${QUICK_LOG[kind]}`);
  renderCard();
  await loadNudges();
}

// ---- nudges ------------------------------------------------------------------------------

function options(pairs) {
  return pairs.map(([value, label]) => h("option", { value }, label));
}

function nudgeItem(n) {
  const who = n.contact?.name ?? "Your pipeline";
  const due = n.due_at ? `due ${relativeTime(n.due_at)}` : "";
  const mailto = mailtoHref(n);
  return h(
    "li",
    { class: "nudge", dataset: { nudgeId: n.id, priority: n.priority ?? "" } },
    h(
      "div",
      { class: "nudge-head" },
      h("span", { class: "prio", dataset: { priority: n.priority ?? "" } }, n.priority ?? ""),
      h("span", { class: "name" }, who),
      h("span", { class: "muted small" }, due),
    ),
    h("p", { class: "message" }, n.message ?? ""),
    n.reason ? h("p", { class: "reason muted" }, n.reason) : null,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", dataset: { action: "copy" }, title: "Copy the message" }, "Copy"),
      mailto ? h("a", { href: mailto, dataset: { action: "email" }, target: "_blank", rel: "noopener" }, "Email") : null,
      h("button", { type: "button", dataset: { action: "complete" }, title: "I did it" }, "Done"),
      h(
        "span",
        { class: "pair" },
        h("button", { type: "button", dataset: { action: "snooze" } }, "Snooze"),
        h("select", { dataset: { role: "snooze-preset" }, "aria-label": "Snooze until" }, options(SNOOZE_PRESETS)),
      ),
      h(
        "span",
        { class: "pair" },
        h("button", { type: "button", dataset: { action: "dismiss" } }, "Dismiss"),
        h("select", { dataset: { role: "dismiss-reason" }, "aria-label": "Why dismiss" }, options(DISMISS_REASONS)),
      ),
    ),
  );
}

async function loadNudges() {
  const list = $("nudge-list");
  const status = $("nudges-status");
  const reply = await send({ type: MSG.NUDGES });
  list.replaceChildren();
  $("nudge-count").textContent = "";
  if (!reply.ok) {
    if (reply.error?.kind === "not_found") say(status, "This Thrice server has no nudges yet.");
    else if (reply.error?.kind === "not_configured") say(status, reply.error.message);
    else {
      say(status, "");
      showError(reply.error);
    }
    return;
  }
  const items = reply.items ?? [];
  $("nudge-count").textContent = items.length ? String(items.length) : "";
  say(status, items.length ? "" : "Nothing due right now.");
  list.append(...items.map(nudgeItem));
  for (const li of list.children) {
    const nudge = items.find((n) => String(n.id) === li.dataset.nudgeId);
    li.nudge = nudge;
  }
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
  toast(action === "complete" ? "Marked done." : action === "snooze" ? "Snoozed." : "Dismissed.");
  await loadNudges();
}

// ---- wiring ------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("promise-date").value = defaultPromiseDate();
  $("save-contact").addEventListener("click", (e) => saveContact(e.currentTarget));
  for (const button of document.querySelectorAll("[data-log]")) {
    button.addEventListener("click", () => quickLog(button.dataset.log, button));
  }
  $("nudge-list").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    const li = e.target.closest("li[data-nudge-id]");
    if (button && li) nudgeAction(li, button.dataset.action, button);
  });
  document.body.dataset.ready = "loading";
  Promise.all([loadCard(), loadNudges()]).finally(() => {
    document.body.dataset.ready = "true";
  });
});
