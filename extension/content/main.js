// Runs in every tab of the supported sites and job boards. These sites navigate without
// reloading, so the URL is polled: a profile shows "Save to Thrice", a job posting "Save job to
// Thrice", anything else (feeds, searches without a selected job, sub-pages) neither.
// Extraction happens at click time, when the site has rendered the page.
import { ext } from "../lib/browser.js";
import { extractProfile } from "../lib/extractors/index.js";
import { savedLabel } from "../lib/job.js";
import { isJobPosting } from "../lib/joburls.js";
import { extractJob } from "../lib/jobs/index.js";
import { MSG } from "../lib/messages.js";
import { isProfilePage } from "../lib/pages.js";
import { JOB_BUTTON, PROFILE_BUTTON, SaveButton } from "./button.js";

const POLL_MS = 400;

const KINDS = [
  {
    ids: PROFILE_BUTTON,
    matches: isProfilePage,
    extract: (href) => extractProfile(document, href),
    message: (profile) => ({ type: MSG.SAVE, profile }),
    missing: "This page is not a profile Thrice can save.",
    done: (reply) => (reply.already ? "Already saved" : "Saved"),
  },
  {
    ids: JOB_BUTTON,
    matches: isJobPosting,
    extract: (href) => extractJob(document, href),
    message: (job) => ({ type: MSG.SAVE_JOB, job }),
    missing: "Thrice couldn't read this job posting.",
    done: savedLabel,
  },
];

function describeFailure(reply, err) {
  if (reply?.error?.message) return reply.error.message;
  if (err && /context invalidated/i.test(String(err.message ?? err))) {
    return "Thrice was updated — reload this page.";
  }
  return "Could not reach the Thrice extension.";
}

function safely(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}

export function start() {
  let lastUrl = null;
  const buttons = new Map();

  async function save(kind) {
    const button = buttons.get(kind);
    const href = location.href;
    const found = safely(() => kind.extract(href));
    if (!found) {
      button.setState("error", kind.missing);
      return;
    }
    button.setState("busy", "Saving…");
    let reply = null;
    let failure = null;
    try {
      reply = await ext.runtime.sendMessage(kind.message(found));
    } catch (err) {
      failure = err;
    }
    if (location.href !== href) return; // the user navigated away meanwhile
    if (reply?.ok) button.setState("saved", kind.done(reply));
    else button.setState("error", describeFailure(reply, failure));
  }

  function check() {
    const href = location.href;
    const changed = href !== lastUrl;
    lastUrl = href;
    for (const kind of KINDS) {
      let button = buttons.get(kind);
      if (changed && button) button.setState("idle");
      if (safely(() => kind.matches(href))) {
        if (!button) {
          button = new SaveButton(document, () => save(kind), kind.ids);
          buttons.set(kind, button);
        }
        button.show(); // also re-attaches the button when the site replaced the body
      } else if (button?.connected) {
        button.remove();
      }
    }
  }

  ext.runtime.onMessage.addListener((message, _sender, sendResponse) => {
    if (message?.type !== MSG.EXTRACT) return false;
    const href = location.href;
    sendResponse({
      profile: safely(() => extractProfile(document, href)),
      job: safely(() => extractJob(document, href)),
      pageUrl: href,
    });
    return false;
  });

  check();
  setInterval(check, POLL_MS);
  addEventListener("popstate", check);
}
