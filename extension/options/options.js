// Options: server origin and token in storage.local (closed to content scripts where the
// browser can). A server other than localhost needs an optional host permission, requested on
// save or test (while the click still counts as a user gesture). A successful test saves what
// it tested: a setting that works is the one the user wants.
import { ext } from "../lib/browser.js";
import { MSG } from "../lib/messages.js";
import {
  isLocalOrigin, loadSettings, normalizeOrigin, originPattern, restrictToExtension, saveSettings,
} from "../lib/settings.js";

const $ = (id) => document.getElementById(id);

function report(kind, message) {
  const el = $("status");
  el.textContent = message;
  el.dataset.kind = kind;
}

/** The form's origin and token, or null after reporting what is wrong. */
function readForm() {
  let origin;
  try {
    origin = normalizeOrigin($("server-url").value);
  } catch (err) {
    report("error", err.message);
    return null;
  }
  const token = $("token").value.trim();
  if (!token) {
    report("error", "Paste your API token.");
    return null;
  }
  return { origin, token };
}

/** Host permission for a non-local server; must run before the handler's first other await. */
async function mayReach(origin) {
  if (isLocalOrigin(origin)) return true;
  let granted = false;
  try {
    granted = await ext.permissions.request({ origins: [originPattern(origin)] });
  } catch (err) {
    report("error", `Could not ask for access to ${origin}: ${err.message}`);
    return false;
  }
  if (!granted) report("error", `Thrice needs your permission to reach ${origin}. Nothing was saved.`);
  return granted;
}

async function store({ origin, token }) {
  await restrictToExtension(ext.storage.local);
  await saveSettings(ext.storage.local, { serverUrl: origin, token });
  $("server-url").value = origin;
  await ext.runtime.sendMessage({ type: MSG.OPTIONS_SAVED }).catch(() => null);
}

async function save(event) {
  event.preventDefault();
  const form = readForm();
  if (!form || !(await mayReach(form.origin))) return;
  await store(form);
  report("ok", "Saved.");
}

async function testConnection() {
  const form = readForm();
  if (!form || !(await mayReach(form.origin))) return;
  report("", "Connecting…");
  let reply;
  try {
    reply = await ext.runtime.sendMessage({ type: MSG.TEST_CONNECTION, serverUrl: form.origin, token: form.token });
  } catch (err) {
    reply = { ok: false, error: { message: err.message } };
  }
  if (!reply?.ok) {
    report("error", reply?.error?.message ?? "No answer from the extension.");
    return;
  }
  await store(form);
  report("ok", `Connected as ${reply.me?.email ?? "unknown user"} — saved.`);
}

document.addEventListener("DOMContentLoaded", async () => {
  $("options-form").addEventListener("submit", save);
  $("test-connection").addEventListener("click", testConnection);
  const { serverUrl, token } = await loadSettings(ext.storage.local);
  $("server-url").value = serverUrl;
  $("token").value = token;
  document.body.dataset.ready = "true";
});
