// Options: server origin and token in storage.local. A server other than localhost needs an
// optional host permission, requested on save (while the click still counts as a user gesture).
import { ext } from "../lib/browser.js";
import { MSG } from "../lib/messages.js";
import { isLocalOrigin, loadSettings, normalizeOrigin, originPattern, saveSettings } from "../lib/settings.js";

const $ = (id) => document.getElementById(id);

function report(kind, message) {
  const el = $("status");
  el.textContent = message;
  el.dataset.kind = kind;
}

async function save(event) {
  event.preventDefault();
  let origin;
  try {
    origin = normalizeOrigin($("server-url").value);
  } catch (err) {
    report("error", err.message);
    return;
  }
  const token = $("token").value.trim();
  if (!token) {
    report("error", "Paste your API token.");
    return;
  }
  if (!isLocalOrigin(origin)) {
    // the first await of the handler: permissions.request needs the user gesture
    let granted = false;
    try {
      granted = await ext.permissions.request({ origins: [originPattern(origin)] });
    } catch (err) {
      report("error", `Could not ask for access to ${origin}: ${err.message}`);
      return;
    }
    if (!granted) {
      report("error", `Thrice needs your permission to reach ${origin}. Nothing was saved.`);
      return;
    }
  }
  await saveSettings(ext.storage.local, { serverUrl: origin, token });
  $("server-url").value = origin;
  report("ok", "Saved.");
  await ext.runtime.sendMessage({ type: MSG.OPTIONS_SAVED }).catch(() => null);
}

async function testConnection() {
  report("", "Connecting…");
  let reply;
  try {
    reply = await ext.runtime.sendMessage({
      type: MSG.TEST_CONNECTION,
      serverUrl: $("server-url").value,
      token: $("token").value,
    });
  } catch (err) {
    reply = { ok: false, error: { message: err.message } };
  }
  if (reply?.ok) report("ok", `Connected as ${reply.me?.email ?? "unknown user"}`);
  else report("error", reply?.error?.message ?? "No answer from the extension.");
}

document.addEventListener("DOMContentLoaded", async () => {
  $("options-form").addEventListener("submit", save);
  $("test-connection").addEventListener("click", testConnection);
  const { serverUrl, token } = await loadSettings(ext.storage.local);
  $("server-url").value = serverUrl;
  $("token").value = token;
  document.body.dataset.ready = "true";
});
