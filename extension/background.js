// The service worker (a module; Firefox runs the same file as an event page). It is the only
// place that talks to the Thrice API: content scripts, the popup and the options page send it
// messages. Listeners are registered synchronously at the top level so a wake-up event that
// started the worker is not missed.
import { ApiError, createClient } from "./lib/api.js";
import { ext } from "./lib/browser.js";
import { CADENCE_DAYS, contactPayload, quickLogBody } from "./lib/contact.js";
import { ROLES, STATUSES, activeOpportunities, saveJob } from "./lib/job.js";
import { canonicalJobUrl } from "./lib/joburls.js";
import { MSG, senderMayAsk } from "./lib/messages.js";
import { DISMISS_REASONS, SNOOZE_PRESETS, badgeText, nudgesToNotify, upcomingWithin } from "./lib/nudges.js";
import { loadSettings, normalizeOrigin, restrictToExtension } from "./lib/settings.js";
import { SUGGESTION_ACTIONS, pendingSuggestions } from "./lib/suggestions.js";
import { canonicalize } from "./lib/urls.js";

const REFRESH_ALARM = "thrice-refresh";
const NEXT_DUE_ALARM = "thrice-next-due";
const REFRESH_MINUTES = 5;
const NOTIFIED_KEY = "notifiedNudgeIds";
const NOTIFIED_KEEP = 300;
const ICON = "icons/icon-128.png";
const UPCOMING_DAYS = 7;
const ROLE_KEYS = new Set(ROLES.map(([key]) => key));

async function currentClient() {
  const { serverUrl, token } = await loadSettings(ext.storage.local);
  if (!serverUrl || !token) return null;
  return createClient({ origin: serverUrl, token });
}

async function requireClient() {
  const client = await currentClient();
  if (!client) throw new ApiError("not_configured", "Set the Thrice server address and token in the extension's options.");
  return client;
}

// ---- badge and notifications -------------------------------------------------------------

async function setBadge(text, title) {
  try {
    await ext.action.setBadgeText({ text });
    if (text) await ext.action.setBadgeBackgroundColor({ color: text === "!" ? "#b42318" : "#1f6f5c" });
    await ext.action.setTitle({ title: title || "Thrice" });
  } catch {
    // the action API is missing in some test harnesses; the badge is cosmetic
  }
}

async function notifyDueNudges(client) {
  const page = await client.dueNudges(50);
  const stored = (await ext.storage.local.get(NOTIFIED_KEY))?.[NOTIFIED_KEY] ?? [];
  const fresh = nudgesToNotify(page?.items, Date.now(), stored);
  for (const n of fresh) {
    const who = n.contact?.name ? ` — ${n.contact.name}` : "";
    try {
      await ext.notifications.create(`thrice-nudge-${n.id}`, {
        type: "basic",
        iconUrl: ext.runtime.getURL(ICON),
        title: `Thrice: follow up now${who}`,
        message: String(n.message ?? n.reason ?? "A follow-up is due.").slice(0, 500),
        priority: n.priority === "P1" ? 2 : 1,
      });
    } catch {
      // notifications can be disabled by the user or the OS
    }
  }
  if (fresh.length) {
    const ids = [...stored, ...fresh.map((n) => n.id)].slice(-NOTIFIED_KEEP);
    await ext.storage.local.set({ [NOTIFIED_KEY]: ids });
  }
}

async function scheduleNextDue(summary) {
  const at = Date.parse(summary?.next_due_at ?? "");
  if (Number.isFinite(at) && at > Date.now()) {
    await ext.alarms.create(NEXT_DUE_ALARM, { when: at + 1000 });
  }
}

let refreshing = null;
let refreshAgain = false;

/** Refresh the badge (and notifications); concurrent calls coalesce into one more run. */
function refreshBadge() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    let result = null;
    do {
      refreshAgain = false;
      result = await refreshOnce();
    } while (refreshAgain);
    return result;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function refreshOnce() {
  const client = await currentClient();
  if (!client) {
    await setBadge("", "Thrice — set the server and token in the options");
    return null;
  }
  try {
    const summary = await client.nudgeSummary();
    const text = badgeText(summary);
    await setBadge(text, text ? `Thrice — ${summary.due} follow-up(s) due` : "Thrice — nothing due");
    if (Number(summary?.due) > 0) await notifyDueNudges(client);
    await scheduleNextDue(summary);
    return summary;
  } catch (err) {
    if (err instanceof ApiError && err.kind === "not_found") {
      await setBadge("", "Thrice — this server has no nudges yet");
    } else {
      await setBadge("!", `Thrice — ${err.message}`);
    }
    return null;
  }
}

async function ensureAlarm() {
  const existing = await ext.alarms.get(REFRESH_ALARM);
  if (!existing) await ext.alarms.create(REFRESH_ALARM, { periodInMinutes: REFRESH_MINUTES, delayInMinutes: 1 });
}

// ---- message handlers --------------------------------------------------------------------

function checkProfile(profile) {
  const canon = typeof profile?.url === "string" ? canonicalize(profile.url) : null;
  if (!canon) throw new ApiError("validation", "This page's address is not a profile Thrice can save.");
  return { ...profile, url: canon.url, network: canon.network, handle: profile.handle || canon.handle };
}

function positiveId(value, what) {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new ApiError("validation", `No ${what} was chosen.`);
  return id;
}

const handlers = {
  async [MSG.SAVE]({ profile }) {
    const client = await requireClient();
    const { status, contact } = await client.saveContact(contactPayload(checkProfile(profile)));
    refreshBadge();
    return { status, contact, already: status === 200 };
  },

  async [MSG.SAVE_JOB]({ job }) {
    const client = await requireClient();
    const saved = await saveJob(client, job);
    refreshBadge();
    return saved;
  },

  async [MSG.LOOKUP]({ url }) {
    const client = await requireClient();
    const canon = typeof url === "string" ? canonicalize(url) : null;
    if (!canon) return { contact: null, server: client.origin };
    return { contact: await client.lookup(canon.url), server: client.origin };
  },

  async [MSG.JOB_LOOKUP]({ url }) {
    const client = await requireClient();
    const canon = typeof url === "string" ? canonicalJobUrl(url) : null;
    if (!canon) return { opportunity: null, server: client.origin };
    return { opportunity: await client.lookupOpportunity(canon.url), server: client.origin };
  },

  async [MSG.JOB_STATUS]({ id, status }) {
    const client = await requireClient();
    if (!STATUSES.some(([key]) => key === status)) throw new ApiError("validation", `Unknown status: ${status}`);
    const opportunity = await client.updateOpportunity(positiveId(id, "opportunity"), { status });
    refreshBadge();
    return { opportunity };
  },

  async [MSG.OPPORTUNITIES]() {
    const client = await requireClient();
    return { items: await activeOpportunities(client) };
  },

  async [MSG.LINK_OPPORTUNITY]({ opportunityId, contactId, role }) {
    const client = await requireClient();
    const opportunity = await client.linkContact(positiveId(opportunityId, "opportunity"), {
      contact_id: positiveId(contactId, "contact"),
      role: ROLE_KEYS.has(role) ? role : null,
    });
    refreshBadge();
    return { opportunity };
  },

  async [MSG.CADENCE]({ contactId, days }) {
    const client = await requireClient();
    const every = days === null || days === "" ? null : Number(days);
    if (every !== null && !CADENCE_DAYS.includes(every)) {
      throw new ApiError("validation", `Unknown interval: ${days}`);
    }
    return { contact: await client.patchContact(positiveId(contactId, "contact"), { cadence_days: every }) };
  },

  async [MSG.LOG]({ contact, kind, date, at }) {
    const client = await requireClient();
    if (!contact?.id) throw new ApiError("validation", "Save the contact first.");
    let body;
    try {
      body = quickLogBody(kind, contact, { date, at });
    } catch (err) {
      throw new ApiError("validation", err.message);
    }
    const interaction = await client.logInteraction(contact.id, body);
    const updated = await client.getContact(contact.id).catch(() => null);
    refreshBadge();
    return { interaction, contact: updated };
  },

  async [MSG.ATTACH_LOG]({ interactionId, opportunityId }) {
    const client = await requireClient();
    const interaction = await client.patchInteraction(positiveId(interactionId, "interaction"), {
      opportunity_id: positiveId(opportunityId, "opportunity"),
    });
    refreshBadge();
    return { interaction };
  },

  async [MSG.NUDGES]() {
    const client = await requireClient();
    const [due, scheduled] = await Promise.all([
      client.nudges({ state: "due", limit: 50 }),
      client.nudges({ state: "scheduled", limit: 200 }),
    ]);
    return {
      items: due?.items ?? [],
      upcoming: upcomingWithin(scheduled?.items, Date.now(), UPCOMING_DAYS),
      server: client.origin,
    };
  },

  async [MSG.NUDGE_ACTION]({ id, action, preset, reason }) {
    const client = await requireClient();
    let nudge;
    if (action === "complete") {
      nudge = await client.completeNudge(id);
    } else if (action === "snooze") {
      const p = SNOOZE_PRESETS.some(([key]) => key === preset) ? preset : "tomorrow";
      nudge = await client.snoozeNudge(id, { preset: p });
    } else if (action === "dismiss") {
      const r = DISMISS_REASONS.some(([key]) => key === reason) ? reason : "not_relevant";
      nudge = await client.dismissNudge(id, r);
    } else {
      throw new ApiError("validation", `Unknown action: ${action}`);
    }
    await refreshBadge();
    return { nudge };
  },

  async [MSG.SUGGESTIONS]() {
    const client = await requireClient();
    const page = await client.suggestions(20);
    return { items: pendingSuggestions(page?.items), server: client.origin };
  },

  async [MSG.SUGGESTION_ACTION]({ id, action }) {
    const client = await requireClient();
    const suggestionId = positiveId(id, "suggestion");
    if (!SUGGESTION_ACTIONS.includes(action)) throw new ApiError("validation", `Unknown action: ${action}`);
    const suggestion =
      action === "accept" ? await client.acceptSuggestion(suggestionId) : await client.rejectSuggestion(suggestionId);
    if (action === "accept") await refreshBadge(); // a logged promise or no moves the nudges
    return { suggestion };
  },

  async [MSG.TEST_CONNECTION]({ serverUrl, token }) {
    let client;
    if (serverUrl !== undefined || token !== undefined) {
      const origin = normalizeOrigin(serverUrl);
      if (!String(token ?? "").trim()) throw new ApiError("not_configured", "Paste an API token first.");
      client = createClient({ origin, token: String(token).trim() });
    } else {
      client = await requireClient();
    }
    try {
      return { me: await client.me() };
    } catch (err) {
      if (err instanceof ApiError && err.kind === "not_found") {
        throw new ApiError("not_found", `No Thrice API answered at ${client.origin}/api/v1 — check the address.`);
      }
      throw err;
    }
  },

  async [MSG.OPTIONS_SAVED]() {
    await ensureAlarm();
    return { summary: await refreshBadge() };
  },

  async [MSG.REFRESH_BADGE]() {
    return { summary: await refreshBadge() };
  },
};

function errorReply(err) {
  if (err instanceof ApiError) return { ok: false, error: err.toJSON() };
  return { ok: false, error: { kind: "error", message: err?.message || String(err) } };
}

const SELF = { id: ext.runtime.id, pagePrefix: ext.runtime.getURL("") };

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = handlers[message?.type];
  if (!handler) return false;
  if (!senderMayAsk(message.type, sender, SELF)) {
    // A content script (or anything else) asking for more than saving: refuse, and say so.
    sendResponse({ ok: false, error: { kind: "forbidden", message: "Not allowed from a web page." } });
    return false;
  }
  handler(message)
    .then((value) => sendResponse({ ok: true, ...value }))
    .catch((err) => sendResponse(errorReply(err)));
  return true; // the answer is sent asynchronously
});

ext.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === REFRESH_ALARM || alarm.name === NEXT_DUE_ALARM) refreshBadge();
});

ext.runtime.onInstalled.addListener(() => {
  ensureAlarm();
});

ext.runtime.onStartup?.addListener(() => {
  ensureAlarm();
});

ext.notifications?.onClicked?.addListener((id) => {
  ext.notifications.clear(id);
});

ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && (changes.serverUrl || changes.token)) refreshBadge();
});

// The token lives in storage.local: close it to content scripts before anything reads it.
restrictToExtension(ext.storage.local);
// Every start of the worker refreshes the badge (SPEC §7).
ensureAlarm();
refreshBadge();
