// "From your mail": what Thrice read in recent messages (a promise, a no, an interview),
// each with the sentence it came from and Accept / Ignore. Built with h(), so every text from
// the server stays text.
import { h } from "../lib/dom.js";
import { suggestionSummary } from "../lib/suggestions.js";
import { nameLink } from "./nudgelist.js";

/** One pending suggestion. */
export function suggestionItem(s, server) {
  return h(
    "li",
    { class: "suggestion", dataset: { suggestionId: s.id, kind: s.kind ?? "" } },
    h(
      "div",
      { class: "nudge-head" },
      nameLink(s.contact_name, s.contact_id, server, { class: "name" }),
      h("span", { class: "muted small when" }, suggestionSummary(s)),
    ),
    h("p", { class: "message evidence", title: "What they wrote" }, s.evidence ?? ""),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "primary", dataset: { action: "accept" }, title: "Log it, as if you had logged it yourself" }, "Accept"),
      h("button", { type: "button", dataset: { action: "reject" }, title: "Nothing is logged" }, "Ignore"),
    ),
  );
}
