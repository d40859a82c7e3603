// Content scripts are classic scripts in both browsers, so the shared ES modules (extractors,
// URL rules) are loaded with a dynamic import of the extension's web-accessible copies.
(() => {
  if (globalThis.__thriceContentLoaded) return;
  globalThis.__thriceContentLoaded = true;
  const api = globalThis.browser ?? globalThis.chrome;
  import(api.runtime.getURL("content/main.js"))
    .then((mod) => mod.start())
    .catch((err) => console.warn("Thrice: content script failed to start", err));
})();
