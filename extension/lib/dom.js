// Builds DOM for the popup and options pages. Text only ever goes in through text nodes and
// textContent, so names like "<img src=x onerror=…>" from pages or the server stay text.

/**
 * h("button", {type: "button", dataset: {action: "complete"}}, "Done")
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node|string|number|null|undefined|false)} children
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "text") el.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return el;
}

/** Show `message` in `el` (or hide it when empty). */
export function say(el, message) {
  el.textContent = message ?? "";
  el.hidden = !message;
}
