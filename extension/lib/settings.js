// Options: the server origin and the API token, kept in storage.local, which the extension
// closes to content scripts where the browser can (restrictToExtension). Pure helpers first so
// they can be unit-tested without a browser.

export const DEFAULT_ORIGIN = "http://127.0.0.1:5000";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);

/**
 * "127.0.0.1:5000", "http://localhost:5000/", "https://crm.example.com/api" → the origin.
 * @throws {Error} with a message fit for the options page
 */
export function normalizeOrigin(raw) {
  let s = String(raw ?? "").trim();
  if (!s) throw new Error("Enter the server address, e.g. http://127.0.0.1:5000");
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const host = s.split(/[/:]/)[0].toLowerCase();
    s = `${LOCAL_HOSTS.has(host) ? "http" : "https"}://${s}`;
  }
  let url;
  try {
    url = new URL(s);
  } catch {
    throw new Error(`"${String(raw).trim()}" is not a web address`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error("The server address must start with http:// or https://");
  }
  if (url.username || url.password) throw new Error("Put the token in the token field, not in the address");
  return url.origin;
}

export function isLocalOrigin(origin) {
  try {
    return LOCAL_HOSTS.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** The host-permission match pattern that covers an origin (match patterns ignore ports). */
export function originPattern(origin) {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname}/*`;
}

export async function loadSettings(storage) {
  const got = (await storage.get(["serverUrl", "token"])) ?? {};
  return { serverUrl: got.serverUrl || "", token: got.token || "" };
}

export async function saveSettings(storage, { serverUrl, token }) {
  await storage.set({ serverUrl, token: String(token ?? "").trim() });
}

/**
 * Make a storage area readable by the extension's own pages and worker only (Chrome ≥ 120:
 * storage.local is open to content scripts by default). Firefox only offers this for
 * storage.session and keeps storage.local as it is; see README.md.
 * @returns {Promise<boolean>} whether the browser applied it
 */
export async function restrictToExtension(storage) {
  if (typeof storage?.setAccessLevel !== "function") return false;
  try {
    await storage.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
    return true;
  } catch {
    return false;
  }
}
