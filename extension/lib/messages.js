// Message types between the content script, the popup, the options page and the worker.
export const MSG = {
  SAVE: "thrice:save", // {profile} → {ok, status, contact}
  SAVE_JOB: "thrice:save-job", // {job} → {ok, opportunity, already, people}
  LOOKUP: "thrice:lookup", // {url} → {ok, contact|null, server}
  JOB_LOOKUP: "thrice:job-lookup", // {url} → {ok, opportunity|null, server}
  JOB_STATUS: "thrice:job-status", // {id, status} → {ok, opportunity}
  OPPORTUNITIES: "thrice:opportunities", // {} → {ok, items} (the active ones)
  LINK_OPPORTUNITY: "thrice:link-opportunity", // {opportunityId, contactId, role} → {ok, opportunity}
  LOG: "thrice:log", // {contact, kind, date?, at?} → {ok, interaction, contact}
  ATTACH_LOG: "thrice:attach-log", // {interactionId, opportunityId} → {ok, interaction}
  CADENCE: "thrice:cadence", // {contactId, days|null} → {ok, contact}
  NUDGES: "thrice:nudges", // {} → {ok, items, upcoming, server}
  NUDGE_ACTION: "thrice:nudge-action", // {id, action, preset?, reason?} → {ok, nudge}
  SUGGESTIONS: "thrice:suggestions", // {} → {ok, items, server} (pending, read from mail)
  SUGGESTION_ACTION: "thrice:suggestion-action", // {id, action: accept|reject} → {ok, suggestion}
  TEST_CONNECTION: "thrice:test-connection", // {serverUrl?, token?} → {ok, me}
  OPTIONS_SAVED: "thrice:options-saved", // {} → {ok}
  REFRESH_BADGE: "thrice:refresh-badge", // {} → {ok, summary}
  EXTRACT: "thrice:extract", // to a tab's content script → {profile|null, job|null, pageUrl}
};

// The only messages a content script (running inside a third-party page) may send; the worker
// refuses every other one from it.
export const CONTENT_SCRIPT_MESSAGES = new Set([MSG.SAVE, MSG.SAVE_JOB]);

/**
 * Whether the worker may answer `type` from `sender`: anything from the extension's own pages
 * (popup, options), only CONTENT_SCRIPT_MESSAGES from a content script, nothing from elsewhere.
 * @param {string} type
 * @param {{id?: string, url?: string}} sender  runtime.MessageSender
 * @param {{id: string, pagePrefix: string}} self  runtime.id and runtime.getURL("")
 */
export function senderMayAsk(type, sender, self) {
  if (!sender || sender.id !== self.id) return false;
  const fromOwnPage = typeof sender.url === "string" && sender.url.startsWith(self.pagePrefix);
  return fromOwnPage || CONTENT_SCRIPT_MESSAGES.has(type);
}
