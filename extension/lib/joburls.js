// Canonical job-posting URLs: one address per job, whatever link the user arrived by.
//
// Twin of server/domain/job_urls.py: both follow the same steps in the same order and are
// checked against one table of cases (test/fixtures/job_url_cases.json). Change both or
// neither; the rules and the decisions where the contract is silent are listed in the Python
// module's docstring. The URL is split by hand, not with `URL`, whose rules differ from Python's.

const MAX_LENGTH = 2048;

const EDGE = /^[\x00-\x20\x7f]+|[\x00-\x20\x7f]+$/g;
const INSIDE_BAD = /[\x00-\x20\x7f]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOST = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;
const PORT = /^[0-9]{1,5}$/;
const DIGITS = /^[0-9]+$/;
const TRAILING_ID = /(?:^|-)([0-9]+)$/;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const WORKABLE_ID = /^[A-Za-z0-9]+$/;

export const BOARDS = ["linkedin", "greenhouse", "lever", "ashby", "workable"];
const GREENHOUSE_HOSTS = {
  "boards.greenhouse.io": "job-boards.greenhouse.io",
  "job-boards.greenhouse.io": "job-boards.greenhouse.io",
  "boards.eu.greenhouse.io": "job-boards.eu.greenhouse.io",
  "job-boards.eu.greenhouse.io": "job-boards.eu.greenhouse.io",
};
const LEVER_HOSTS = new Set(["jobs.lever.co", "jobs.eu.lever.co"]);
const ASHBY_HOSTS = new Set(["jobs.ashbyhq.com"]);
const WORKABLE_HOSTS = new Set(["apply.workable.com"]);

const TRACKING_PREFIXES = ["utm_"];
const TRACKING = new Set([
  "gh_src", "lever-source", "lever-origin", "lever-via", "lever-referer", "refid",
  "trackingid", "trk", "trkinfo", "lipi", "ref", "referrer", "src", "source", "fbclid",
  "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "ebp",
  "recommendedflavor", "originalsubdomain",
]);

class InvalidJobUrl extends Error {}

/**
 * @param {unknown} raw
 * @returns {{board: string, url: string, isPosting: boolean}|null} null when raw is not an
 *   http(s) URL we can store; board is one of BOARDS or "other".
 */
export function canonicalJobUrl(raw) {
  try {
    return canonicalOrThrow(raw);
  } catch (error) {
    if (error instanceof InvalidJobUrl) return null;
    throw error;
  }
}

/** Whether the address is a posting on one of the five boards. */
export function isJobPosting(raw) {
  return canonicalJobUrl(raw)?.isPosting === true;
}

function canonicalOrThrow(raw) {
  const text = clean(raw);
  const [host, port, path, query] = split(text);
  const segments = path.split("/").filter((s) => s !== "");
  const board = port === "" ? boardOf(host) : null;
  if (board !== null) {
    const posting = POSTINGS[board](host, segments, query);
    if (posting !== null) return { board, url: posting, isPosting: true };
  }
  return { board: board ?? "other", url: generic(host, port, segments, query), isPosting: false };
}

function clean(raw) {
  if (typeof raw !== "string") throw new InvalidJobUrl("URL must be a string");
  const text = raw.replace(EDGE, "");
  if (text === "") throw new InvalidJobUrl("URL is empty");
  if ([...text].length > MAX_LENGTH) throw new InvalidJobUrl(`URL is longer than ${MAX_LENGTH} characters`);
  if (INSIDE_BAD.test(text)) throw new InvalidJobUrl("URL contains spaces or control characters");
  return text;
}

/** [host, port, path, query] of an http(s) URL; the fragment is dropped. */
function split(text) {
  const scheme = SCHEME.exec(text);
  if (scheme === null || !["http", "https"].includes(scheme[1].toLowerCase())) {
    throw new InvalidJobUrl("only http:// and https:// URLs are accepted");
  }
  let rest = text.slice(scheme[0].length);
  const authority = rest.split(/[/?#]/, 1)[0];
  rest = rest.slice(authority.length).split("#", 1)[0];
  const [path, query] = partition(rest, "?");
  const [host, port] = parseAuthority(authority);
  return [host, port, path, query];
}

function parseAuthority(authority) {
  if (authority === "") throw new InvalidJobUrl("URL has no host");
  if (authority.includes("@")) throw new InvalidJobUrl("user names and passwords in URLs are not accepted");
  let [host, port] = partition(authority, ":");
  if (port !== "") {
    if (!PORT.test(port) || !(0 < Number(port) && Number(port) < 65536)) {
      throw new InvalidJobUrl(`invalid port: ${port}`);
    }
    port = String(Number(port));
  }
  if (port === "80" || port === "443") port = "";
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (!HOST.test(host)) throw new InvalidJobUrl(`invalid host: ${host}`);
  return [host.toLowerCase(), port];
}

function boardOf(host) {
  if (host === "linkedin.com" || host.endsWith(".linkedin.com")) return "linkedin";
  if (host in GREENHOUSE_HOSTS) return "greenhouse";
  if (LEVER_HOSTS.has(host)) return "lever";
  if (ASHBY_HOSTS.has(host)) return "ashby";
  if (WORKABLE_HOSTS.has(host)) return "workable";
  return null;
}

/** The first raw value of `name` in `query`, or "". */
function queryParam(query, name) {
  for (const pair of query.split("&")) {
    const [key, value] = partition(pair, "=");
    if (key === name) return value;
  }
  return "";
}

function linkedin(host, segments, query) {
  let parts = segments.map((s) => s.toLowerCase());
  if (parts[0] === "comm") {
    parts = parts.slice(1);
    segments = segments.slice(1);
  }
  let jobId = "";
  if (parts.length >= 3 && parts[0] === "jobs" && parts[1] === "view") {
    const found = TRAILING_ID.exec(segments[2]);
    jobId = found ? found[1] : "";
  } else if (parts[0] === "jobs") {
    jobId = queryParam(query, "currentJobId");
  }
  if (!DIGITS.test(jobId)) return null;
  return "https://linkedin.com/jobs/view/" + jobId;
}

function greenhouse(host, segments, query) {
  let company = "";
  let jobId = "";
  if (segments.length >= 3 && segments[1] === "jobs") {
    [company, , jobId] = segments;
  } else if (segments.length === 2 && segments[0].toLowerCase() === "embed" && segments[1].toLowerCase() === "job_app") {
    company = queryParam(query, "for");
    jobId = queryParam(query, "token");
  }
  if (!(SLUG.test(company) && DIGITS.test(jobId))) return null;
  return `https://${GREENHOUSE_HOSTS[host]}/${company.toLowerCase()}/jobs/${jobId}`;
}

function companyAndUuid(host, segments) {
  if (segments.length >= 2 && SLUG.test(segments[0]) && UUID.test(segments[1])) {
    return `https://${host}/${segments[0].toLowerCase()}/${segments[1].toLowerCase()}`;
  }
  return null;
}

function workable(host, segments) {
  if (segments.length >= 3 && SLUG.test(segments[0]) && segments[1] === "j" && WORKABLE_ID.test(segments[2])) {
    return `https://${host}/${segments[0].toLowerCase()}/j/${segments[2].toUpperCase()}`;
  }
  return null;
}

const POSTINGS = {
  linkedin,
  greenhouse,
  lever: companyAndUuid,
  ashby: companyAndUuid,
  workable,
};

export function isTracking(key) {
  const lowered = key.toLowerCase();
  return TRACKING_PREFIXES.some((p) => lowered.startsWith(p)) || TRACKING.has(lowered);
}

function generic(host, port, segments, query) {
  let labels = host.split(".");
  while (labels.length > 2 && labels[0] === "www") labels = labels.slice(1);
  const kept = query.split("&").filter((pair) => pair && !isTracking(partition(pair, "=")[0]));
  const authority = labels.join(".") + (port ? ":" + port : "");
  const path = segments.map((s) => "/" + s).join("");
  return `https://${authority}${path}` + (kept.length ? "?" + kept.join("&") : "");
}

/** Python's str.partition without the separator: [before, after]. */
function partition(text, separator) {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + separator.length)];
}
