// GitHub user profiles: the sidebar is microdata (itemprop name, additionalName, worksFor,
// homeLocation) with the h-card classes (vcard-fullname, p-nickname, p-note, p-org, p-label).
// Organisation pages share the URL shape, so the hovercard meta tag rules them out.
import { makeExtractor } from "./base.js";
import {
  attempt, clean, firstEl, firstText, httpUrl, imgSrc, jsonLdPerson, ldImage, ldText, meta, pick,
  splitHeadline,
} from "./common.js";

function isOrganisation(doc) {
  const subject = meta(doc, "hovercard-subject-tag") ?? "";
  return subject.startsWith("organization:") || !!firstEl(doc, ['[itemtype$="schema.org/Organization"]']);
}

function collect(doc) {
  if (attempt(() => isOrganisation(doc))) return null;
  const person = attempt(() => jsonLdPerson(doc));
  const card = firstEl(doc, ['[itemtype$="schema.org/Person"]', ".js-profile-editable-replace", ".h-card"]) ?? doc;
  const bio = pick(
    attempt(() => clean(firstEl(card, ["[data-bio-text]"])?.getAttribute("data-bio-text") ?? null)),
    attempt(() => firstText(card, [".p-note", ".user-profile-bio"])),
    attempt(() => ldText(person?.description)),
  );
  const split = splitHeadline(bio);
  const org = attempt(() => firstText(card, ['[itemprop="worksFor"] .p-org', '[itemprop="worksFor"]']));
  return {
    name: pick(
      attempt(() => firstText(card, ['[itemprop="name"]', ".vcard-fullname", ".p-name"])),
      attempt(() => ldText(person?.name)),
    ),
    handle: pick(
      attempt(() => firstText(card, ['[itemprop="additionalName"]', ".vcard-username", ".p-nickname"])),
      attempt(() => meta(doc, "profile:username")),
    ),
    headline: bio,
    company: pick(org ? org.replace(/^@/, "") : null, split.company),
    title: split.title,
    location: attempt(() => firstText(card, ['[itemprop="homeLocation"] .p-label', '[itemprop="homeLocation"]'])),
    avatar_url: pick(
      attempt(() => imgSrc(firstEl(card, ['a[itemprop="image"] img', "img.avatar.width-full", "img.avatar-user", "img.avatar"]))),
      attempt(() => ldImage(person?.image)),
      attempt(() => httpUrl(meta(doc, "og:image"))),
    ),
  };
}

export const extractGitHub = makeExtractor("github", collect);
