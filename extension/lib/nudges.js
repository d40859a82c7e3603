// Pure helpers for the nudge list, the badge and the notifications.

export const SNOOZE_PRESETS = [
  ["tomorrow", "Tomorrow 9:00"],
  ["3h", "In 3 hours"],
  ["next_monday", "Next Monday"],
  ["7d", "In a week"],
];

export const DISMISS_REASONS = [
  ["not_relevant", "Not relevant"],
  ["handled_offline", "Handled offline"],
  ["wrong_person", "Wrong person"],
  ["position_filled", "Position filled"],
  ["do_not_contact", "Do not contact"],
];

// Plain words for the priorities the server computes (P1 = act today … P4 = keep in touch).
export const PRIORITY_WORDS = { P1: "Urgent", P2: "Soon", P3: "This week", P4: "Keep warm" };

export function priorityWord(priority) {
  return PRIORITY_WORDS[priority] ?? "";
}

const DAY_MS = 86400000;

/**
 * Scheduled nudges falling due within `days` from now, soonest first; like the due list, only
 * the visible ones (one per person: the next step waits for the one before it).
 */
export function upcomingWithin(items, nowMs, days = 7) {
  const end = nowMs + days * DAY_MS;
  return (items ?? [])
    .filter((n) => n && n.visible !== false)
    .map((n) => [n, Date.parse(n?.due_at ?? "")])
    .filter(([, at]) => Number.isFinite(at) && at > nowMs && at <= end)
    .sort((a, b) => a[1] - b[1])
    .map(([n]) => n);
}

/** The web app's page of a contact, or null without a server or an id. */
export function contactPageUrl(server, contactId) {
  if (typeof server !== "string" || !/^https?:\/\//.test(server)) return null;
  const id = Number(contactId);
  if (!Number.isInteger(id) || id <= 0) return null;
  return `${server.replace(/\/+$/, "")}/contacts/${id}`;
}

/** Badge text for `GET /nudges/summary`: the number of visible due nudges. */
export function badgeText(summary) {
  const due = Number(summary?.due ?? 0);
  if (!Number.isFinite(due) || due <= 0) return "";
  return due > 99 ? "99+" : String(Math.floor(due));
}

/** A mailto: link for an email-channel nudge whose contact has an address, else null. */
export function mailtoHref(nudge) {
  const email = nudge?.contact?.email;
  if (nudge?.channel !== "email" || typeof email !== "string" || !email.includes("@")) return null;
  if (/[\s<>"]/.test(email)) return null;
  const to = encodeURIComponent(email).replace(/%40/g, "@");
  return `mailto:${to}?body=${encodeURIComponent(nudge.message ?? "")}`;
}

/** P1/P2 nudges whose notify_at has come and that were not notified yet. */
export function nudgesToNotify(items, nowMs, notifiedIds) {
  const seen = new Set(notifiedIds ?? []);
  return (items ?? []).filter((n) => {
    if (!n || seen.has(n.id)) return false;
    if (n.priority !== "P1" && n.priority !== "P2") return false;
    const at = Date.parse(n.notify_at ?? n.due_at ?? "");
    return Number.isFinite(at) && at <= nowMs;
  });
}

/** "just now", "5 minutes ago", "3 days ago", "in 2 hours". */
export function relativeTime(iso, nowMs = Date.now()) {
  const t = Date.parse(iso ?? "");
  if (!Number.isFinite(t)) return "never";
  const diff = Math.round((nowMs - t) / 1000);
  const abs = Math.abs(diff);
  const units = [
    [86400 * 365, "year"],
    [86400 * 30, "month"],
    [86400 * 7, "week"],
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  if (abs < 60) return "just now";
  for (const [secs, name] of units) {
    if (abs >= secs) {
      const n = Math.floor(abs / secs);
      const label = `${n} ${name}${n === 1 ? "" : "s"}`;
      return diff >= 0 ? `${label} ago` : `in ${label}`;
    }
  }
  return "just now";
}
