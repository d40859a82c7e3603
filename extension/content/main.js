// Runs in every tab of the supported sites. These sites navigate without reloading, so the
// URL is polled: a profile URL shows the button, anything else (feeds, searches, sub-pages)
// removes it. Extraction happens at click time, when the site has rendered the profile.
import { ext } from "../lib/browser.js";
import { extractProfile } from "../lib/extractors/index.js";
import { MSG } from "../lib/messages.js";
import { isProfilePage } from "../lib/pages.js";
import { SaveButton } from "./button.js";

const POLL_MS = 400;

function describeFailure(reply, err) {
  if (reply?.error?.message) return reply.error.message;
  if (err && /context invalidated/i.test(String(err.message ?? err))) {
    return "Thrice was updated — reload this page.";
  }
  return "Could not reach the Thrice extension.";
}

export function start() {
  let button = null;
  let lastUrl = null;

  async function save() {
    const profile = extractProfile(document, location.href);
    if (!profile) {
      button.setState("error", "This page is not a profile Thrice can save.");
      return;
    }
    button.setState("busy", "Saving…");
    let reply = null;
    let failure = null;
    try {
      reply = await ext.runtime.sendMessage({ type: MSG.SAVE, profile });
    } catch (err) {
      failure = err;
    }
    if (location.href !== lastUrl) return; // the user navigated away meanwhile
    if (reply?.ok) button.setState("saved", reply.already ? "Already saved" : "Saved");
    else button.setState("error", describeFailure(reply, failure));
  }

  function check() {
    const href = location.href;
    const profile = isProfilePage(href);
    if (href !== lastUrl) {
      lastUrl = href;
      if (button) button.setState("idle");
    }
    if (profile) {
      button ??= new SaveButton(document, save);
      button.show(); // also re-attaches the button when the site replaced the body
    } else if (button?.connected) {
      button.remove();
    }
  }

  ext.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    if (message?.type !== MSG.EXTRACT) return false;
    let profile = null;
    try {
      profile = extractProfile(document, location.href);
    } catch {
      profile = null;
    }
    sendResponse({ profile, pageUrl: location.href });
    return false;
  });

  check();
  setInterval(check, POLL_MS);
  addEventListener("popstate", check);
}
