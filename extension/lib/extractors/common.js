// Helpers shared by the per-network extractors. Everything here tolerates missing nodes,
// malformed JSON and unexpected shapes: a site that changed its markup must give empty
// fields, never an exception in the content script.

export const FIELDS = [
  "network", "url", "name", "headline", "company", "title", "location", "avatar_url", "handle",
];

const MAX_LEN = 200;

/** Collapse whitespace and trim; anything that is not a non-empty string becomes null. */
export function clean(value, max = MAX_LEN) {
  if (typeof value !== "string") return null;
  const s = value.replace(/[\s\u200b\u200e\u200f]+/g, " ").trim();
  if (!s) return null;
  return s.length > max ? s.slice(0, max).trimEnd() : s;
}

/** Text of an element (textContent, never markup). */
export function text(el) {
  if (!el) return null;
  return clean(el.textContent ?? "");
}

/** First non-empty text among the selectors, searched from `root`. */
export function firstText(root, selectors) {
  for (const sel of selectors) {
    let nodes;
    try {
      nodes = root.querySelectorAll(sel);
    } catch {
      continue;
    }
    for (const node of nodes) {
      const t = text(node);
      if (t) return t;
    }
  }
  return null;
}

/** First element matching one of the selectors. */
export function firstEl(root, selectors) {
  for (const sel of selectors) {
    try {
      const el = root.querySelector(sel);
      if (el) return el;
    } catch {
      // an unsupported selector in one DOM implementation must not stop the others
    }
  }
  return null;
}

/** Content of `<meta property=key>` or `<meta name=key>`. */
export function meta(doc, key) {
  for (const attr of ["property", "name", "itemprop"]) {
    const el = firstEl(doc, [`meta[${attr}="${key}"]`]);
    const v = clean(el?.getAttribute("content") ?? null, 2000);
    if (v) return v;
  }
  return null;
}

/** An absolute http(s) URL or null (no data:, javascript: or relative junk). */
export function httpUrl(value, base) {
  if (typeof value !== "string" || !value.trim()) return null;
  try {
    const u = base ? new URL(value.trim(), base) : new URL(value.trim());
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** Image URL of an `<img>` (src, then the first srcset candidate). */
export function imgSrc(img, base) {
  if (!img) return null;
  // <img src> or SVG <image xlink:href> (Facebook draws avatars as SVG)
  for (const attr of ["src", "data-delayed-url", "xlink:href", "href"]) {
    const src = httpUrl(img.getAttribute(attr), base);
    if (src) return src;
  }
  const srcset = img.getAttribute("srcset");
  if (srcset) return httpUrl(srcset.split(",")[0].trim().split(/\s+/)[0], base);
  return null;
}

/** Every JSON-LD node of the page, with `@graph` and arrays flattened. */
export function jsonLdNodes(doc) {
  const out = [];
  const visit = (node) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === "object") {
      out.push(node);
      if (node["@graph"]) visit(node["@graph"]);
    }
  };
  let scripts = [];
  try {
    scripts = doc.querySelectorAll('script[type="application/ld+json"]');
  } catch {
    return out;
  }
  for (const s of scripts) {
    try {
      visit(JSON.parse(s.textContent ?? ""));
    } catch {
      // one broken block must not hide the others
    }
  }
  return out;
}

export function hasType(node, type) {
  const t = node?.["@type"];
  return Array.isArray(t) ? t.includes(type) : t === type;
}

/** The Person described by the page's JSON-LD: a Person node or a ProfilePage's entity. */
export function jsonLdPerson(doc) {
  const nodes = jsonLdNodes(doc);
  for (const n of nodes) {
    if (hasType(n, "ProfilePage")) {
      const p = [n.mainEntity, n.author, n.about].find((x) => x && hasType(x, "Person"));
      if (p) return p;
    }
  }
  return nodes.find((n) => hasType(n, "Person")) ?? null;
}

/** A schema.org value as text: strings, first of arrays, `{name}` objects. */
export function ldText(value) {
  if (typeof value === "string") return clean(value);
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = ldText(v);
      if (t) return t;
    }
    return null;
  }
  if (value && typeof value === "object") return ldText(value.name);
  return null;
}

/** A schema.org image (string, ImageObject or array) as an http(s) URL. */
export function ldImage(value) {
  if (typeof value === "string") return httpUrl(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const u = ldImage(v);
      if (u) return u;
    }
    return null;
  }
  if (value && typeof value === "object") {
    return httpUrl(value.contentUrl) ?? httpUrl(value.url) ?? httpUrl(value.thumbnailUrl);
  }
  return null;
}

/** A schema.org address or Place as "Locality, Region" text. */
export function ldPlace(value) {
  if (typeof value === "string") return clean(value);
  if (Array.isArray(value)) return ldPlace(value[0]);
  if (!value || typeof value !== "object") return null;
  if (value.name) return ldText(value.name);
  if (value.address) return ldPlace(value.address);
  const parts = [value.addressLocality, value.addressRegion]
    .map((p) => clean(typeof p === "string" ? p : null))
    .filter(Boolean);
  if (parts.length) return parts.join(", ");
  return clean(typeof value.addressCountry === "string" ? value.addressCountry : null);
}

/**
 * "Senior Recruiter at Acme | Hiring" → {title: "Senior Recruiter", company: "Acme"}.
 * Only a fallback for pages whose structured data names neither.
 */
export function splitHeadline(headline) {
  const h = clean(headline);
  if (!h) return { title: null, company: null };
  const first = h.split(/\s[|•·]\s/)[0];
  const m = first.match(/^(.+?)\s+(?:at|@)\s+@?(.+)$/i);
  // Bios are free text: only a short "role at company" reads as a title.
  if (!m || /[,.;!?]/.test(m[1]) || m[1].split(/\s+/).length > 6) return { title: null, company: null };
  const company = clean(m[2].split(/[,;!?|(]|\.(?:\s|$)|\s[-–]\s/)[0]);
  return { title: clean(m[1]), company };
}

/** The page URL, from the argument, the document itself or its canonical link. */
export function pageUrlOf(doc, pageUrl) {
  if (typeof pageUrl === "string" && pageUrl) return pageUrl;
  const fromDoc = doc?.location?.href ?? doc?.URL;
  if (typeof fromDoc === "string" && /^https?:/.test(fromDoc)) return fromDoc;
  const canonical = firstEl(doc, ['link[rel="canonical"]'])?.getAttribute("href");
  return canonical || meta(doc, "og:url") || null;
}

/** A complete result object: every field present, missing ones null. */
export function result(fields) {
  const out = {};
  for (const key of FIELDS) {
    const v = fields[key];
    out[key] = key === "url" || key === "avatar_url" ? (v ?? null) : clean(v ?? null);
  }
  return out;
}

/**
 * Whether the head's og:url / canonical link describes `canonUrl`. Single-page sites keep the
 * head of the first page they loaded, so its OpenGraph tags may describe someone else.
 */
export function headDescribes(doc, canonUrl, canonicalize) {
  const declared = meta(doc, "og:url") ?? firstEl(doc, ['link[rel="canonical"]'])?.getAttribute("href");
  if (!declared) return true;
  return canonicalize(declared)?.url === canonUrl;
}

/** Pick the first non-empty candidate. */
export function pick(...candidates) {
  for (const c of candidates) {
    if (typeof c === "string" && c.trim()) return c;
  }
  return null;
}

/** Run `fn`, turning any exception into null so a field stays empty instead of throwing. */
export function attempt(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}
