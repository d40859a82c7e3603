// Guards over the extension's source and manifest (SPEC §7 security rules).
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));

function sources(dir = root) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (["node_modules", "test"].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(js|mjs|html)$/.test(name)) out.push(path);
  }
  return out;
}

test("permissions are exactly the minimal set", () => {
  // scripting: with activeTab, the popup reads a JobPosting from the tab the user opened it on.
  assert.deepEqual([...manifest.permissions].sort(), ["activeTab", "alarms", "notifications", "scripting", "storage"]);
  assert.deepEqual(manifest.host_permissions, ["http://localhost/*", "http://127.0.0.1/*"]);
  assert.deepEqual(manifest.optional_host_permissions, ["https://*/*", "http://*/*"]);
  assert.doesNotMatch(JSON.stringify(manifest), /<all_urls>/);
});

test("content scripts run on the six sites of SPEC §7 and the job boards of §11", () => {
  assert.deepEqual(manifest.content_scripts.flatMap((c) => c.matches).sort(), [
    "https://*.facebook.com/*",
    "https://*.instagram.com/*",
    "https://*.linkedin.com/*",
    "https://apply.workable.com/*",
    "https://boards.eu.greenhouse.io/*",
    "https://boards.greenhouse.io/*",
    "https://github.com/*",
    "https://job-boards.eu.greenhouse.io/*",
    "https://job-boards.greenhouse.io/*",
    "https://jobs.ashbyhq.com/*",
    "https://jobs.eu.lever.co/*",
    "https://jobs.lever.co/*",
    "https://twitter.com/*",
    "https://x.com/*",
  ]);
});

test("the service worker is a module and every referenced file exists", () => {
  assert.equal(manifest.background.type, "module");
  const files = [
    manifest.background.service_worker,
    manifest.action.default_popup,
    manifest.options_ui.page,
    ...manifest.content_scripts.flatMap((c) => c.js),
    ...Object.values(manifest.icons),
  ];
  for (const f of files) assert.ok(statSync(join(root, f)).isFile(), f);
});

test("no markup sinks anywhere: text goes in with textContent", () => {
  const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc)\b|\beval\(|new Function\(/;
  for (const file of sources()) {
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(text, sinks, relative(root, file));
  }
});

test("no web-accessible resources: a site cannot probe for the extension", () => {
  assert.equal(manifest.web_accessible_resources, undefined);
  assert.deepEqual(manifest.content_scripts.flatMap((c) => c.js), ["content/bundle.js"]);
  // The bundle loads nothing at run time.
  const bundled = readFileSync(join(root, "content", "bundle.js"), "utf8");
  assert.doesNotMatch(bundled, /\bimport\s*\(|getURL\(/);
});

test("the committed content-script bundle is fresh (npm run build)", async () => {
  const { bundle, BUNDLE } = await import("../build.mjs");
  assert.equal(readFileSync(BUNDLE, "utf8"), await bundle(), "content/bundle.js is stale: run `npm run build` in extension/");
});

test("the worker checks who sends each message", () => {
  const worker = readFileSync(join(root, "background.js"), "utf8");
  assert.match(worker, /senderMayAsk\(message\.type, sender, SELF\)/);
  assert.match(worker, /restrictToExtension\(ext\.storage\.local\)/);
  assert.doesNotMatch(worker, /CONTENT_SCRIPT_MESSAGES\s*=/); // one list, in lib/messages.js
});

test("the page buttons act on trusted clicks only", () => {
  const button = readFileSync(join(root, "content", "button.js"), "utf8");
  assert.match(button, /if \(!event\.isTrusted\) return;/);
});
