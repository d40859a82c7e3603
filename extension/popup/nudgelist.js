// The popup's two lists: what is due now (one primary action per nudge, the rest in a menu)
// and what is coming up. Built with h(), so names and messages from the server stay text.
import { h } from "../lib/dom.js";
import { DISMISS_REASONS, SNOOZE_PRESETS, contactPageUrl, mailtoHref, priorityWord, relativeTime } from "../lib/nudges.js";

const DONE_LABELS = { email: "I sent it", message: "I sent it", call: "I called" };

function options(pairs) {
  return pairs.map(([value, label]) => h("option", { value }, label));
}

/** The contact's name, linked to their page in the web app when the server is known. */
export function nameLink(name, contactId, server, attrs = {}) {
  const href = contactPageUrl(server, contactId);
  const text = name || "Your pipeline";
  return href
    ? h("a", { ...attrs, href, target: "_blank", rel: "noopener", title: "Open in Thrice" }, text)
    : h("span", attrs, text);
}

function dueWhen(iso) {
  return iso ? `due ${relativeTime(iso)}` : "";
}

/** A due nudge: its words, "Done" (completing logs what it asked for) and a "More" menu. */
export function nudgeItem(n, server) {
  const mailto = mailtoHref(n);
  const word = priorityWord(n.priority);
  return h(
    "li",
    { class: "nudge", dataset: { nudgeId: n.id, priority: n.priority ?? "" } },
    h(
      "div",
      { class: "nudge-head" },
      word ? h("span", { class: "prio", dataset: { priority: n.priority ?? "" }, title: n.priority ?? "" }, word) : null,
      nameLink(n.contact?.name, n.contact_id ?? n.contact?.id, server, { class: "name" }),
      h("span", { class: "muted small when" }, dueWhen(n.due_at)),
    ),
    h("p", { class: "message clamped", title: "Show the whole message" }, n.message ?? ""),
    n.reason ? h("p", { class: "reason muted" }, n.reason) : null,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        { type: "button", class: "primary", dataset: { action: "complete" }, title: "Mark it done; Thrice logs the follow-up" },
        DONE_LABELS[n.channel] ?? "Done",
      ),
      h(
        "details",
        { class: "more" },
        h("summary", { "aria-label": "More actions" }, "More"),
        h(
          "div",
          { class: "menu" },
          h("button", { type: "button", dataset: { action: "copy" } }, "Copy message"),
          mailto ? h("a", { href: mailto, dataset: { action: "email" }, target: "_blank", rel: "noopener" }, "Write the e-mail") : null,
          h(
            "div",
            { class: "row" },
            h("select", { dataset: { role: "snooze-preset" }, "aria-label": "Snooze until" }, options(SNOOZE_PRESETS)),
            h("button", { type: "button", dataset: { action: "snooze" } }, "Snooze"),
          ),
          h(
            "div",
            { class: "row" },
            h("select", { dataset: { role: "dismiss-reason" }, "aria-label": "Why dismiss" }, options(DISMISS_REASONS)),
            h("button", { type: "button", dataset: { action: "dismiss" } }, "Dismiss"),
          ),
        ),
      ),
    ),
  );
}

/** A scheduled nudge of the next days: who, when, what. */
export function upcomingItem(n, server) {
  return h(
    "li",
    { class: "upcoming", dataset: { upcomingId: n.id, priority: n.priority ?? "" } },
    h(
      "div",
      { class: "nudge-head" },
      nameLink(n.contact?.name, n.contact_id ?? n.contact?.id, server, { class: "name" }),
      h("span", { class: "muted small when" }, n.due_at ? relativeTime(n.due_at) : ""),
    ),
    h("p", { class: "message muted clamped", title: "Show the whole message" }, n.message ?? ""),
  );
}
