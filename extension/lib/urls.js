// Profile URL canonicalisation (SPEC §3).
//
// Twin of server/domain/urls.py: both follow the same steps in the same order and are checked
// against one table of vectors (tests/fixtures/url_cases.json). Change both or neither; the
// decisions where SPEC §3 is silent are listed in the Python module's docstring.
// The URL is split by hand, not with `URL`, whose WHATWG rules differ from Python's.

const MAX_LENGTH = 2048;

// C0 controls, space, DEL and the Unicode spaces \s knows.
const SPACE = "\\x00-\\x20\\x7f\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const EDGE_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "g");
const CONTROL = /[\x00-\x1f\x7f]/;
const UNSAFE = new RegExp(`[${SPACE}%/?#]`, "g");
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const SCHEME_WITH_SLASHES = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
// "host:443/path" has no scheme; "mailto:x" and "javascript:x" do.
const SCHEME_WITHOUT_SLASHES = /^([A-Za-z][A-Za-z0-9+.-]*):(?![0-9]*(?:[/?#]|$))/;
const HOST = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;
const PORT = /^[0-9]{1,5}$/;
const LOCALE = /^[a-z]{2}(?:-[a-z]{2})?$/;
const DIGITS = /^[0-9]+$/;

const NETWORK_DOMAINS = {
  "linkedin.com": "linkedin",
  "x.com": "x",
  "twitter.com": "x",
  "instagram.com": "instagram",
  "facebook.com": "facebook",
  "github.com": "github",
};
const RENAMED_HOSTS = { "twitter.com": "x.com" };
const HOST_ALIASES = new Set(["www", "m", "mobile", "mbasic", "touch", "web"]);

const PUB_PART = /^[0-9a-z]{1,3}$/;
const X_HANDLE = /^[a-z0-9_]{1,15}$/;
const X_RESERVED = new Set([
  "home", "explore", "search", "i", "settings", "notifications", "messages", "hashtag",
  "compose", "login", "logout", "signup", "intent", "share", "tos", "privacy", "jobs",
  "download", "account",
]);
const INSTAGRAM_HANDLE = /^[a-z0-9._]{1,30}$/;
const INSTAGRAM_RESERVED = new Set([
  "explore", "p", "reel", "reels", "stories", "accounts", "direct", "tv", "about", "legal",
  "developer", "web", "emails", "challenge", "oauth", "privacy", "static", "api", "graphql",
]);
const FACEBOOK_HANDLE = /^[a-z0-9][a-z0-9.]*$/;
const FACEBOOK_RESERVED = new Set([
  "groups", "pages", "watch", "marketplace", "events", "share", "sharer", "login", "help",
  "settings", "notifications", "messages", "friends", "gaming", "reel", "reels", "stories",
  "hashtag", "search", "bookmarks", "saved", "fundraisers", "ads", "business", "privacy",
  "policies", "legal", "dialog", "plugins", "photo", "photos", "videos", "video", "media",
  "memories", "games", "live", "news", "jobs", "l", "p", "home", "about", "careers",
  "developers", "terms", "recover", "checkpoint", "me", "people",
]);
const GITHUB_HANDLE = /^[a-z0-9][a-z0-9-]{0,38}$/;
const GITHUB_RESERVED = new Set([
  "settings", "orgs", "organizations", "features", "marketplace", "topics", "login", "logout",
  "join", "signup", "notifications", "pulls", "issues", "explore", "sponsors", "about",
  "pricing", "enterprise", "collections", "trending", "new", "search", "apps", "codespaces",
  "dashboard", "security", "site", "contact", "customer-stories", "readme", "team", "users",
  "events", "stars", "watching", "account", "sessions", "copilot", "education", "nonprofit",
  "mobile", "git-guides", "models", "resources", "solutions", "partners",
]);

class InvalidProfileUrl extends Error {}

/**
 * @param {unknown} raw
 * @returns {{network: string, url: string, handle: string|null, isProfile: boolean}|null}
 *   null when raw is not an http(s) URL we can store.
 */
export function canonicalize(raw) {
  try {
    return canonicalizeOrThrow(raw);
  } catch (error) {
    if (error instanceof InvalidProfileUrl) return null;
    throw error;
  }
}

/** @param {unknown} raw */
export function isProfileUrl(raw) {
  return canonicalize(raw)?.isProfile === true;
}

function canonicalizeOrThrow(raw) {
  const text = clean(raw);
  const [host0, port, path, query] = split(text);
  const segments = decodePath(path);
  const network = port === "" ? networkOfHost(host0) : null;
  if (network === null) {
    const url = build(stripWww(host0), port, segments, "");
    return ref("other", checked(url), null, false);
  }
  let host = stripSubdomains(host0);
  host = RENAMED_HOSTS[host] ?? host;
  const profile = host in NETWORK_DOMAINS ? PROFILE_RULES[network](segments, query) : null;
  if (profile === null) {
    const url = build(host, port, segments, "");
    return ref(network, checked(url), null, false);
  }
  const [profileSegments, profileQuery, handle] = profile;
  const url = build(host, port, profileSegments, profileQuery);
  return ref(network, checked(url), handle, true);
}

function ref(network, url, handle, isProfile) {
  return { network, url, handle, isProfile };
}

function clean(raw) {
  if (typeof raw !== "string") throw new InvalidProfileUrl("URL must be a string");
  const text = raw.replace(EDGE_SPACE, "");
  if (text === "") throw new InvalidProfileUrl("URL is empty");
  // Code points, as Python's len() counts them.
  if ([...text].length > MAX_LENGTH) {
    throw new InvalidProfileUrl(`URL is longer than ${MAX_LENGTH} characters`);
  }
  if (CONTROL.test(text)) throw new InvalidProfileUrl("URL contains control characters");
  return text;
}

/** [host, port, path, query] of an http(s) URL; the fragment is dropped. */
function split(text) {
  const withSlashes = SCHEME_WITH_SLASHES.exec(text);
  const withoutSlashes = SCHEME_WITHOUT_SLASHES.exec(text);
  let rest;
  if (text.startsWith("//")) {
    rest = text.slice(2);
  } else if (withSlashes) {
    if (!["http", "https"].includes(withSlashes[1].toLowerCase())) {
      throw new InvalidProfileUrl("only http(s) URLs are accepted");
    }
    rest = text.slice(withSlashes[0].length);
  } else if (withoutSlashes) {
    if (!["http", "https"].includes(withoutSlashes[1].toLowerCase())) {
      throw new InvalidProfileUrl("only http(s) URLs are accepted");
    }
    throw new InvalidProfileUrl("URL has no host");
  } else {
    rest = text;
  }
  const authority = rest.split(/[/?#]/, 1)[0];
  rest = rest.slice(authority.length).split("#", 1)[0];
  const [path, query] = partition(rest, "?");
  const [host, port] = parseAuthority(authority);
  return [host, port, path, query];
}

function parseAuthority(authority) {
  if (authority === "") throw new InvalidProfileUrl("URL has no host");
  if (authority.includes("@")) {
    throw new InvalidProfileUrl("user names and passwords in URLs are not accepted");
  }
  let [host, port] = partition(authority, ":");
  if (port !== "") {
    if (!PORT.test(port) || !(0 < Number(port) && Number(port) < 65536)) {
      throw new InvalidProfileUrl(`invalid port: ${port}`);
    }
    port = String(Number(port));
  }
  if (port === "80" || port === "443") port = "";
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (!HOST.test(host)) throw new InvalidProfileUrl(`invalid host: ${host}`);
  return [host.toLowerCase(), port];
}

/** Decoded segments, without empty and dot segments. */
function decodePath(path) {
  const segments = [];
  for (const rawSegment of path.split("/")) {
    const segment = percentDecode(rawSegment);
    if (segment === ".." && segments.length > 0) {
      segments.pop();
    } else if (!["", ".", ".."].includes(segment)) {
      segments.push(segment);
    }
  }
  return segments;
}

function percentDecode(segment) {
  if (BAD_ESCAPE.test(segment)) throw new InvalidProfileUrl("malformed percent-escape in path");
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidProfileUrl("percent-escapes in path are not valid UTF-8");
  }
}

function networkOfHost(host) {
  for (const [domain, network] of Object.entries(NETWORK_DOMAINS)) {
    if (host === domain || host.endsWith("." + domain)) return network;
  }
  return null;
}

function stripSubdomains(host) {
  let labels = host.split(".");
  while (labels.length > 2 && (HOST_ALIASES.has(labels[0]) || LOCALE.test(labels[0]))) {
    labels = labels.slice(1);
  }
  return labels.join(".");
}

function stripWww(host) {
  let labels = host.split(".");
  while (labels.length > 2 && labels[0] === "www") {
    labels = labels.slice(1);
  }
  return labels.join(".");
}

/** Case-insensitive form of a profile path segment; Python: normalize("NFC", text.lower()). */
function fold(text) {
  return text.toLowerCase().normalize("NFC");
}

function head(segments) {
  return segments.length > 0 ? fold(segments[0]) : "";
}

function linkedin(segments, query) {
  const first = head(segments);
  const slug = segments.length >= 2 ? fold(segments[1]) : "";
  if (first === "in" && !["", "me"].includes(slug)) {
    return [["in", slug], "", slug];
  }
  if (first === "pub" && segments.length >= 5 && fold(segments[1]) !== "dir") {
    const parts = segments.slice(1, 5).map(fold);
    if (parts.slice(1).every((part) => PUB_PART.test(part))) {
      return [["pub", ...parts], "", parts[0]];
    }
  }
  return null;
}

function x(segments, query) {
  const first = head(segments);
  if (X_HANDLE.test(first) && !X_RESERVED.has(first)) {
    return [[first], "", first];
  }
  return null;
}

function instagram(segments, query) {
  const first = head(segments);
  if (INSTAGRAM_HANDLE.test(first) && !INSTAGRAM_RESERVED.has(first)) {
    return [[first], "", first];
  }
  return null;
}

function facebook(segments, query) {
  const first = head(segments);
  let numericId = "";
  if (first === "profile.php") {
    numericId = queryParam(query, "id");
  } else if (first === "people" && segments.length >= 3) {
    numericId = segments[2];
  } else if (DIGITS.test(first)) {
    numericId = first;
  }
  if (DIGITS.test(numericId)) {
    return [["profile.php"], "id=" + numericId, numericId];
  }
  if (
    FACEBOOK_HANDLE.test(first) &&
    !first.endsWith(".php") &&
    !FACEBOOK_RESERVED.has(first)
  ) {
    return [[first], "", first];
  }
  return null;
}

function github(segments, query) {
  const first = head(segments);
  if (segments.length === 1 && GITHUB_HANDLE.test(first) && !GITHUB_RESERVED.has(first)) {
    return [[first], "", first];
  }
  return null;
}

const PROFILE_RULES = { linkedin, x, instagram, facebook, github };

/** The first raw value of `name` in `query`, or "". */
function queryParam(query, name) {
  for (const pair of query.split("&")) {
    const [key, value] = partition(pair, "=");
    if (key === name) return value;
  }
  return "";
}

/** Python's str.partition without the separator: [before, after]. */
function partition(text, separator) {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + separator.length)];
}

function build(host, port, segments, query) {
  const path = segments
    .map((s) => "/" + s.replace(UNSAFE, (c) => encodeURIComponent(c)))
    .join("");
  const authority = port ? `${host}:${port}` : host;
  return `https://${authority}${path}` + (query ? `?${query}` : "");
}

function checked(url) {
  if ([...url].length > MAX_LENGTH) {
    throw new InvalidProfileUrl(`URL is longer than ${MAX_LENGTH} characters`);
  }
  return url;
}
