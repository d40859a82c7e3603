// The popup reads a job from any page with a JobPosting without a content script
// there: with activeTab it runs `collectStructuredData` in the tab, which returns plain strings
// (JSON-LD texts, meta tags), and rebuilds them into an inert document for the same extractor.

/**
 * Runs in the page through scripting.executeScript, so it must be self-contained: no imports,
 * no closures. Returns strings only; nothing from the page is ever parsed as markup.
 */
export function collectStructuredData() {
  const ld = Array.from(document.querySelectorAll('script[type="application/ld+json"]'))
    .slice(0, 20)
    .map((s) => String(s.textContent || "").slice(0, 200000));
  const metas = Array.from(document.querySelectorAll("meta[property], meta[name]"))
    .slice(0, 200)
    .map((m) => {
      const attr = m.hasAttribute("property") ? "property" : "name";
      return [attr, String(m.getAttribute(attr) || ""), String(m.getAttribute("content") || "").slice(0, 2000)];
    });
  const canonical = document.querySelector('link[rel="canonical"]');
  return { url: location.href, ld, metas, canonical: canonical ? canonical.href : null, title: document.title };
}

const META_ATTRS = new Set(["property", "name"]);

/**
 * An inert document holding what `collectStructuredData` returned, for the job extractors.
 * @param {Document} blank  an empty document to fill (DOMParser's, never the popup's own)
 * @param {{url?: string, ld?: string[], metas?: string[][], canonical?: string|null, title?: string}} data
 */
export function structuredDataDocument(blank, data) {
  const head = blank.head ?? blank.documentElement;
  const text = (v) => (typeof v === "string" ? v : "");
  const title = blank.createElement("title");
  title.textContent = text(data?.title);
  head.append(title);
  for (const json of Array.isArray(data?.ld) ? data.ld : []) {
    const script = blank.createElement("script");
    script.setAttribute("type", "application/ld+json");
    script.textContent = text(json);
    head.append(script);
  }
  for (const entry of Array.isArray(data?.metas) ? data.metas : []) {
    if (!Array.isArray(entry) || !META_ATTRS.has(entry[0])) continue;
    const el = blank.createElement("meta");
    el.setAttribute(entry[0], text(entry[1]));
    el.setAttribute("content", text(entry[2]));
    head.append(el);
  }
  if (typeof data?.canonical === "string") {
    const link = blank.createElement("link");
    link.setAttribute("rel", "canonical");
    link.setAttribute("href", data.canonical);
    head.append(link);
  }
  return blank;
}
