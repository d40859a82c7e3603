// Turning an extraction into the POST /contacts body, and the quick-log interactions.

const OPTIONAL_FIELDS = ["headline", "company", "title", "location"];
const MAX_URL = 2000;

/** The POST /contacts body for an extracted profile (SPEC §6); `name` falls back to the handle. */
export function contactPayload(profile) {
  const name = (profile.name || profile.handle || profile.url || "").trim().slice(0, 200);
  const body = { name, source: "extension", profiles: [{ url: profile.url, network: profile.network }] };
  for (const key of OPTIONAL_FIELDS) {
    if (profile[key]) body[key] = profile[key];
  }
  if (profile.avatar_url && profile.avatar_url.length <= MAX_URL) body.avatar_url = profile.avatar_url;
  return body;
}

export const QUICK_LOG = {
  followed_up: "I followed up",
  replied: "They replied",
  promised: "They promised…",
  said_no: "They said no",
  interview: "Interview",
};

/** "I followed up" is an email when Thrice knows an address for the person, else a message. */
export function followUpType(contact) {
  return Array.isArray(contact?.emails) && contact.emails.length > 0 ? "email_sent" : "message_sent";
}

/**
 * The POST /contacts/{id}/interactions body for a quick-log button.
 * @param {"followed_up"|"replied"|"promised"|"said_no"|"interview"} kind
 * @param {object} contact
 * @param {{date?: string, at?: string}} [opts] `date` (YYYY-MM-DD) for a promise, `at` (an
 *   ISO instant) for an interview
 */
export function quickLogBody(kind, contact, { date, at } = {}) {
  switch (kind) {
    case "followed_up":
      return { type: followUpType(contact) };
    case "replied":
      return { type: "reply_received" };
    case "said_no":
      return { type: "no_received" };
    case "promised":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date ?? "")) throw new Error("Pick the date they promised to get back by.");
      return { type: "promise_made", promise: { kind: "by_date", date } };
    case "interview":
      if (!Number.isFinite(Date.parse(at ?? ""))) throw new Error("Pick the interview's date and time.");
      return { type: "interview", occurred_at: new Date(Date.parse(at)).toISOString() };
    default:
      throw new Error(`Unknown quick log: ${kind}`);
  }
}

// "Keep in touch every…" choices for a contact (the keep-warm rule's interval); null is the
// default for how warm the relationship is.
export const CADENCE_DAYS = [7, 14, 30, 60, 90, 180];

/** The label of a cadence choice (null: the default). */
export function cadenceLabel(days) {
  if (days === null || days === undefined) return "As warmth suggests";
  if (days % 30 === 0) return days === 30 ? "Every month" : `Every ${days / 30} months`;
  return days === 7 ? "Every week" : `Every ${days / 7} weeks`;
}
