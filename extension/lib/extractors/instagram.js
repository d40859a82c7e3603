// Instagram profiles. The server-rendered head carries OpenGraph tags
// ("Jane Doe (@jane) • Instagram photos and videos"); the app's header markup uses generated
// class names, so only its structure (header > section, h2 with the username) is relied on.
import { canonicalize } from "../urls.js";
import { makeExtractor } from "./base.js";
import {
  attempt, clean, firstEl, firstText, headDescribes, httpUrl, imgSrc, jsonLdPerson, ldImage, ldPlace, ldText,
  meta, pick, splitHeadline, text,
} from "./common.js";

// og:title "Jane Doe (@jane) • Instagram photos and videos"; og:description
// "1,234 Followers, 56 Following, 78 Posts - See Instagram photos and videos from Jane Doe (@jane)"
function fromOpenGraph(doc) {
  for (const v of [meta(doc, "og:title"), meta(doc, "og:description"), meta(doc, "description")]) {
    const m = v?.match(/(?:from\s+)?([^•\n]*?)\s*\(@([A-Za-z0-9._]{1,30})\)/);
    if (m) {
      const name = clean(m[1].replace(/^.*\bfrom\s+/, ""));
      return { name, handle: m[2] };
    }
  }
  return { name: null, handle: null };
}

// In the header, the bio is the last text block after the name; the full name is a short
// span that is neither the username nor a counter.
function fromHeader(doc, handle) {
  const header = firstEl(doc, ["main header", "header"]);
  if (!header) return { name: null, bio: null };
  const spans = [...header.querySelectorAll('span[dir="auto"], h1, span')]
    .filter((el) => !el.closest("ul, li, a, button, [role=button]"))
    .map((el) => text(el))
    .filter(Boolean)
    .filter((t) => t.toLowerCase() !== (handle ?? "").toLowerCase())
    .filter((t) => !/\b(posts?|followers?|following)\b/i.test(t) && !/^[\d.,]+[KMkm]?$/.test(t))
    .filter((t) => !/^(follow|message|following|options)$/i.test(t));
  const bio = firstText(header, ["h1._ap3a", "span._ap3a._aaco", "._aa_c h1", "div._aa_c span"]);
  return { name: spans[0] ?? null, bio };
}

function collect(doc, canon) {
  const person = attempt(() => jsonLdPerson(doc));
  const fresh = attempt(() => headDescribes(doc, canon.url, canonicalize)) ?? false;
  const og = (fresh && attempt(() => fromOpenGraph(doc))) || {};
  const handle = pick(
    attempt(() => ldText(person?.alternateName)?.replace(/^@/, "")),
    og.handle,
    canon.handle,
  );
  const header = attempt(() => fromHeader(doc, handle)) ?? {};
  const headline = pick(attempt(() => ldText(person?.description)), header.bio);
  const split = splitHeadline(headline);
  return {
    name: pick(attempt(() => ldText(person?.name)), og.name, header.name),
    handle,
    headline,
    company: split.company,
    title: split.title,
    location: attempt(() => ldPlace(person?.address ?? person?.homeLocation)),
    avatar_url: pick(
      attempt(() => ldImage(person?.image)),
      fresh ? attempt(() => httpUrl(meta(doc, "og:image"))) : null,
      attempt(() => imgSrc(firstEl(doc, ['header img[alt*="profile picture" i]', "header img"]))),
    ),
  };
}

export const extractInstagram = makeExtractor("instagram", collect);
