// The content script's entry point. Browsers run content scripts as classic scripts, so this
// file and the ES modules it imports are bundled into content/bundle.js (`npm run build`),
// which is what the manifest injects.
import { start } from "./main.js";

if (!globalThis.__thriceContentLoaded) {
  globalThis.__thriceContentLoaded = true;
  start();
}
