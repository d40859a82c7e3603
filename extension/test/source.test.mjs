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
  assert.deepEqual([...manifest.permissions].sort(), ["activeTab", "alarms", "notifications", "storage"]);
  assert.deepEqual(manifest.host_permissions, ["http://localhost/*", "http://127.0.0.1/*"]);
  assert.deepEqual(manifest.optional_host_permissions, ["https://*/*", "http://*/*"]);
  assert.doesNotMatch(JSON.stringify(manifest), /<all_urls>/);
});

test("content scripts run on the six site patterns of SPEC §7", () => {
  assert.deepEqual(manifest.content_scripts.flatMap((c) => c.matches).sort(), [
    "https://*.facebook.com/*",
    "https://*.instagram.com/*",
    "https://*.linkedin.com/*",
    "https://github.com/*",
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

test("every module the content script imports is web-accessible", () => {
  const patterns = manifest.web_accessible_resources.flatMap((w) => w.resources);
  const allowed = (path) =>
    patterns.some((p) => new RegExp(`^${p.replace(/[.]/g, "\\.").replace(/\*/g, "[^/]*")}$`).test(path));
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    assert.ok(allowed(path), `${path} is imported by the content script but not web-accessible`);
    const text = readFileSync(join(root, path), "utf8");
    for (const [, spec] of text.matchAll(/^import[^;]*?from\s+"([^"]+)"/gms)) {
      visit(relative(root, join(root, dirname(path), spec)));
    }
  };
  visit("content/main.js");
  assert.ok(seen.has("lib/urls.js"));
});
