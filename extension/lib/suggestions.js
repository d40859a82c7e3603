// Suggestions read from the user's mail (a promise, a no, an interview): pure helpers for the
// popup. Nothing here is ever applied without the user pressing Accept.

const WEEKDAY = { weekday: "short", day: "numeric", month: "short" };
const KIND_LABELS = { promise: "Promise", no: "No", interview: "Interview" };

export const SUGGESTION_ACTIONS = ["accept", "reject"];

function dayLabel(isoDate) {
  // A calendar date ("2025-03-07") names a day, not an instant: read it at noon UTC so no
  // zone moves it to the day before.
  const d = new Date(`${isoDate}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(isoDate) : d.toLocaleDateString("en-GB", { ...WEEKDAY, timeZone: "UTC" });
}

function instantLabel(iso, timeZone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const options = { ...WEEKDAY, hour: "2-digit", minute: "2-digit" };
  if (timeZone) options.timeZone = timeZone;
  return d.toLocaleString("en-GB", options);
}

/**
 * One line saying what accepting would log, e.g. "Promise: by Fri 7 Mar".
 * @param {{kind: string, value?: object}} s  a suggestion from GET /suggestions
 * @param {string} [timeZone]  where to show instants (default: the browser's)
 */
export function suggestionSummary(s, timeZone) {
  const label = KIND_LABELS[s?.kind] ?? "Suggestion";
  const value = s?.value ?? {};
  if (s?.kind === "no") return value.final ? `${label} (final)` : label;
  if (s?.kind === "interview") return value.occurred_at ? `${label}: ${instantLabel(value.occurred_at, timeZone)}` : label;
  const p = value.promise ?? {};
  if (p.kind === "call_at" && p.at) return `${label}: a call ${instantLabel(p.at, timeZone)}`;
  if (p.kind === "by_date" && p.date) return `${label}: by ${dayLabel(p.date)}`;
  if (p.kind === "wait_days" && Number.isInteger(p.days)) return `${label}: wait ${p.days} day${p.days === 1 ? "" : "s"}`;
  return label;
}

/** Only pending suggestions with a known kind, most confident first (stable). */
export function pendingSuggestions(items) {
  return (Array.isArray(items) ? items : [])
    .filter((s) => s && s.state === "pending" && s.kind in KIND_LABELS)
    .map((s, i) => [s, i])
    .sort(([a, i], [b, j]) => (b.confidence ?? 0) - (a.confidence ?? 0) || i - j)
    .map(([s]) => s);
}
