// Message types between the content script, the popup, the options page and the worker.
export const MSG = {
  SAVE: "thrice:save", // {profile} → {ok, status, contact}
  LOOKUP: "thrice:lookup", // {url} → {ok, contact|null}
  LOG: "thrice:log", // {contactId, kind, date?} → {ok, interaction, contact}
  NUDGES: "thrice:nudges", // {} → {ok, items}
  NUDGE_ACTION: "thrice:nudge-action", // {id, action, preset?, reason?} → {ok, nudge}
  TEST_CONNECTION: "thrice:test-connection", // {serverUrl?, token?} → {ok, me}
  OPTIONS_SAVED: "thrice:options-saved", // {} → {ok}
  REFRESH_BADGE: "thrice:refresh-badge", // {} → {ok, summary}
  EXTRACT: "thrice:extract", // to a tab's content script → {profile|null}
};
