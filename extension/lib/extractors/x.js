// X (Twitter) profiles. The app puts a ProfilePage JSON-LD block in
// `script[data-testid="UserProfileSchema-test"]` (Person under `mainEntity`, older builds
// `author`) and renders the header with data-testid attributes (UserName, UserDescription,
// UserLocation) that survive its frequent class-name churn.
import { makeExtractor } from "./base.js";
import {
  attempt, clean, firstEl, firstText, imgSrc, jsonLdPerson, ldImage, ldPlace, ldText, meta, pick,
  splitHeadline, text,
} from "./common.js";

// `[data-testid=UserName]` holds the display name and, in a separate block, "@handle".
function userNameBlock(doc) {
  const block = firstEl(doc, ['[data-testid="UserName"]']);
  if (!block) return { name: null, handle: null };
  let name = null;
  let handle = null;
  for (const span of block.querySelectorAll("span")) {
    const t = text(span);
    if (!t) continue;
    if (t.startsWith("@")) handle ??= t.slice(1);
    else if (!name && !span.querySelector("span")) name = t;
  }
  return { name, handle };
}

// "Jane Doe (@jane) / X"
function fromTitle(doc) {
  const t = clean(doc.querySelector("title")?.textContent ?? null) ?? meta(doc, "og:title");
  const m = t?.match(/^(?:\(\d+\+?\)\s*)?(.+?)\s+\(@([A-Za-z0-9_]{1,15})\)/);
  return m ? { name: clean(m[1]), handle: m[2] } : { name: null, handle: null };
}

function collect(doc, canon) {
  const schema = attempt(() => {
    const el = firstEl(doc, ['script[data-testid="UserProfileSchema-test"]']);
    if (!el) return null;
    const data = JSON.parse(el.textContent ?? "");
    return data?.mainEntity ?? data?.author ?? null;
  }) ?? attempt(() => jsonLdPerson(doc));
  // X keeps the schema of the previously viewed profile around after in-app navigation;
  // only trust it when it names this page's handle.
  const schemaHandle = clean(typeof schema?.additionalName === "string" ? schema.additionalName : null);
  const person =
    schema && (!schemaHandle || !canon.handle || schemaHandle.toLowerCase() === canon.handle.toLowerCase())
      ? schema
      : null;
  const block = attempt(() => userNameBlock(doc)) ?? {};
  const title = attempt(() => fromTitle(doc)) ?? {};
  const headline = pick(
    attempt(() => firstText(doc, ['[data-testid="UserDescription"]'])),
    attempt(() => ldText(person?.description)),
  );
  const split = splitHeadline(headline);
  return {
    name: pick(attempt(() => ldText(person?.givenName ?? person?.name)), block.name, title.name),
    handle: pick(schemaHandle && person ? schemaHandle : null, block.handle, title.handle),
    headline,
    company: split.company,
    title: split.title,
    location: pick(
      attempt(() => firstText(doc, ['[data-testid="UserLocation"]'])),
      attempt(() => ldPlace(person?.homeLocation)),
    ),
    avatar_url: pick(
      attempt(() => ldImage(person?.image)),
      attempt(() => imgSrc(firstEl(doc, [
        `a[href$="/${canon.handle}/photo" i] img`,
        'a[href$="/photo"] img',
        '[data-testid^="UserAvatar-Container"] img',
      ]), "https://x.com/")),
    ),
  };
}

export const extractX = makeExtractor("x", collect);
