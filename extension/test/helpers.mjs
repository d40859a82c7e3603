// Loads a saved page into a linkedom Document, as the content script would see it.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";

const here = dirname(fileURLToPath(import.meta.url));

export function fixture(name) {
  return readFileSync(join(here, "fixtures", name), "utf8");
}

export function load(name) {
  return parseHTML(fixture(name)).document;
}

export function docOf(html) {
  return parseHTML(html).document;
}
