// The Thrice API client (SPEC §6). Only the service worker uses it; it takes `fetch` as a
// parameter so the unit tests can drive it without a network.

export class ApiError extends Error {
  /**
   * @param {"not_configured"|"unreachable"|"unauthorized"|"validation"|"not_found"|"server"} kind
   */
  constructor(kind, message, { status = null, code = null, fields = null, origin = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.origin = origin;
  }

  toJSON() {
    return { kind: this.kind, message: this.message, status: this.status, fields: this.fields };
  }
}

/** Flatten a marshmallow-style `errors` object into ["name: Missing data…", …]. */
export function fieldErrors(errors) {
  const out = [];
  const walk = (node, path) => {
    if (Array.isArray(node)) {
      if (node.every((x) => typeof x === "string")) out.push(`${path.join(".") || "request"}: ${node.join(" ")}`);
      else node.forEach((x, i) => walk(x, [...path, String(i)]));
    } else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        // flask-smorest nests field errors under the request location
        walk(v, path.length === 0 && ["json", "query", "path", "form"].includes(k) ? path : [...path, k]);
      }
    } else if (typeof node === "string") {
      out.push(`${path.join(".") || "request"}: ${node}`);
    }
  };
  walk(errors, []);
  return out;
}

export function unreachableMessage(origin) {
  return `Can't reach Thrice at ${origin} — is \`thrice serve\` running?`;
}

export const UNAUTHORIZED_MESSAGE = "The token was refused — paste a fresh one in the options.";
export const NOT_CONFIGURED_MESSAGE = "Set the Thrice server address and token in the extension's options.";

/**
 * @param {{origin: string, token: string, fetchImpl?: typeof fetch, timeoutMs?: number}} opts
 */
export function createClient({ origin, token, fetchImpl = globalThis.fetch, timeoutMs = 15000 }) {
  const base = `${origin}/api/v1`;

  async function request(method, path, { body, query, auth = true } = {}) {
    if (!origin || (auth && !token)) throw new ApiError("not_configured", NOT_CONFIGURED_MESSAGE);
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    const headers = { Accept: "application/json" };
    if (auth) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res;
    try {
      res = await fetchImpl(url.href, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError("unreachable", unreachableMessage(origin), { origin });
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    const textBody = await res.text().catch(() => "");
    if (textBody) {
      try {
        data = JSON.parse(textBody);
      } catch {
        data = null;
      }
    }
    if (res.ok) return { status: res.status, data };
    const serverMessage = typeof data?.message === "string" ? data.message : null;
    if (res.status === 401) {
      throw new ApiError("unauthorized", UNAUTHORIZED_MESSAGE, { status: 401, code: data?.code, origin });
    }
    if (res.status === 422 || res.status === 400) {
      const fields = fieldErrors(data?.errors ?? {});
      const msg = fields.length ? `The server rejected this: ${fields.join("; ")}` : serverMessage ?? "The server rejected this request.";
      throw new ApiError("validation", msg, { status: res.status, code: data?.code, fields, origin });
    }
    if (res.status === 404) {
      throw new ApiError("not_found", serverMessage ?? `Not found: ${path}`, { status: 404, code: data?.code, origin });
    }
    throw new ApiError("server", `Thrice answered HTTP ${res.status}${serverMessage ? `: ${serverMessage}` : ""}`, {
      status: res.status,
      code: data?.code,
      origin,
    });
  }

  const enc = encodeURIComponent;
  return {
    origin,
    request,
    health: async () => (await request("GET", "/health", { auth: false })).data,
    me: async () => (await request("GET", "/me")).data,
    /** @returns {Promise<{status: 200|201, contact: object}>} */
    saveContact: async (payload) => {
      const { status, data } = await request("POST", "/contacts", { body: payload });
      return { status, contact: data };
    },
    /** The contact with this profile URL, or null. */
    lookup: async (url) => {
      try {
        return (await request("GET", "/contacts/lookup", { query: { url } })).data;
      } catch (err) {
        if (err instanceof ApiError && err.kind === "not_found") return null;
        throw err;
      }
    },
    getContact: async (id) => (await request("GET", `/contacts/${enc(id)}`)).data,
    logInteraction: async (contactId, body) =>
      (await request("POST", `/contacts/${enc(contactId)}/interactions`, { body })).data,
    dueNudges: async (limit = 50) => (await request("GET", "/nudges", { query: { state: "due", limit } })).data,
    nudges: async ({ state = "due", limit = 50 } = {}) => (await request("GET", "/nudges", { query: { state, limit } })).data,
    patchContact: async (id, body) => (await request("PATCH", `/contacts/${enc(id)}`, { body })).data,
    patchInteraction: async (id, body) => (await request("PATCH", `/interactions/${enc(id)}`, { body })).data,
    /** The opportunity with this job URL (any form of it), or null. */
    lookupOpportunity: async (url) => {
      try {
        return (await request("GET", "/opportunities/lookup", { query: { url } })).data;
      } catch (err) {
        if (err instanceof ApiError && err.kind === "not_found") return null;
        throw err;
      }
    },
    /** @returns {Promise<{status: 200|201, opportunity: object}>} 200 when the URL was known */
    createOpportunity: async (body) => {
      const { status, data } = await request("POST", "/opportunities", { body });
      return { status, opportunity: data };
    },
    updateOpportunity: async (id, body) => (await request("PATCH", `/opportunities/${enc(id)}`, { body })).data,
    linkContact: async (id, { contact_id: contactId, role }) =>
      (await request("POST", `/opportunities/${enc(id)}/contacts`, { body: { contact_id: contactId, role } })).data,
    listOpportunities: async ({ limit = 200, cursor = null, status } = {}) =>
      (await request("GET", "/opportunities", { query: { limit, cursor, status } })).data,
    nudgeSummary: async () => (await request("GET", "/nudges/summary")).data,
    completeNudge: async (id) => (await request("POST", `/nudges/${enc(id)}/complete`, { body: {} })).data,
    snoozeNudge: async (id, { preset, until } = {}) =>
      (await request("POST", `/nudges/${enc(id)}/snooze`, { body: until ? { until } : { preset: preset ?? "tomorrow" } })).data,
    dismissNudge: async (id, reason = "not_relevant") =>
      (await request("POST", `/nudges/${enc(id)}/dismiss`, { body: { reason } })).data,
    suggestions: async (limit = 20) => (await request("GET", "/suggestions", { query: { state: "pending", limit } })).data,
    acceptSuggestion: async (id) => (await request("POST", `/suggestions/${enc(id)}/accept`, { body: {} })).data,
    rejectSuggestion: async (id) => (await request("POST", `/suggestions/${enc(id)}/reject`, { body: {} })).data,
  };
}
