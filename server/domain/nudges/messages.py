"""Message templates and one-sentence reasons, in the article's tactful, patient, sincere tone.

Every template names the person (first name) and the subject (the promise, the interview or the
role) and says what to say. The text takes the shape of the nudge's channel (SPEC §5.3):

- ``email``: greeting, body, sign-off ("Thank you," and the user's ``display_name``);
- ``message`` (a direct message on a network): a short greeting, the body, "Thanks," and the name;
- ``call``: a short call script, "Call Dana about …. Something like: "Hi Dana, it's Sam. …"";
- instructions (R6 "find the hiring manager", R7 follow/engage, R11's digest): what to do, with
  no greeting and no signature.

Without a ``display_name`` the texts are signed without a name (never "you", never an address).

Relative words ("today", "yesterday", "on Tuesday", "last week") are relative to the moment the
nudge is written for, in the user's zone: its ``due_at``, or its creation when it was created
already overdue (an interview logged the morning after gets "yesterday", not "today"). Fields
that are ``Day``/``Clock`` values are worded that way in the message; in the reason they are
absolute ("Tuesday 4 March", "3 pm Friday"), so a reason never goes stale.

    compose(template_id, *, channel, me, first, subject, ref, tz, **fields) -> Composed
    relative_day(d, ref_day) -> tuple[str, str]   # (bare, with "on"): ("Tuesday", "on Tuesday")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from server.domain import business_time as bt

NETWORK_NAMES: Final[dict[str, str]] = {
    "x": "X", "instagram": "Instagram", "facebook": "Facebook", "linkedin": "LinkedIn",
    "github": "GitHub", "other": "their site",
}
CHANNELS: Final[tuple[str, ...]] = ("call", "email", "message", "social")


@dataclass(frozen=True)
class Composed:
    message: str
    reason: str


@dataclass(frozen=True)
class Day:
    """A local date worded relative to the nudge's day: ``on`` → "on Tuesday"/"yesterday",
    else the bare form ("Tuesday"/"yesterday") after ``prefix`` ("by ", "from ")."""

    day: date
    on: bool = True
    prefix: str = ""


@dataclass(frozen=True)
class Clock:
    """An instant worded as "at 3 pm today" / "at 3 pm on Friday" in ``tz``."""

    at: datetime
    tz: str


@dataclass(frozen=True)
class Template:
    reason: str
    say: str = ""  # the body of an email or message
    call: str | None = None  # the spoken part of a call script (default: say)
    call_intro: str = "Call {first} about {subject}."
    do: str | None = None  # an instruction for the user instead of a text to send


TEMPLATES: Final[dict[str, Template]] = {
    "R1": Template(
        reason="{first} promised to call at {when} about {subject} and nothing came in since.",
        call_intro="Call {first} about {subject}: a polite reminder of the call they promised.",
        call="You mentioned you'd call me {when}, and I know how quickly a day fills up, so I "
             "thought I'd try you. I'm still very interested in {subject}. Is now a good "
             "moment, or is there a better time?",
        say="You mentioned you'd call me {when} about {subject}, and I know how quickly a day "
            "fills up. I'm still very interested; when would be a good time to talk?",
    ),
    "R2": Template(
        reason="{first} said you'd hear about {subject} by {by} and nothing came in since.",
        say="I hope your week is going well. You mentioned I would hear about {subject} by "
            "{by}, so I wanted to check in. I'm still very interested, and happy to send "
            "anything that would help your decision.",
        call="You mentioned I'd hear about {subject} by {by}, so I wanted to check in. I'm "
             "still very interested; is there anything I can send to help your decision?",
    ),
    "R3": Template(
        reason="{first} asked for {span} after {met_reason} on {after} about {subject}; the "
               "wait is over.",
        say="After {met} {after}, you asked for {span}{why_wait}, so I'm checking in on "
            "{subject}, with no rush on your side. I remain very interested; is there anything "
            "else I can send you?",
        call_intro="Call {first} about {subject}, in a very patient tone.",
        call="I'm calling about {subject}. After {met} {after}, you asked for {span}{why_wait}, "
             "so I wanted to check in, with no rush on your side. Is there anything else I can "
             "send you?",
    ),
    "R4:F1": Template(
        reason="You interviewed with {first} for {subject} on {interview}; a prompt thank-you "
               "is your first follow-up.",
        say="Thank you for taking the time to talk with me {interview} about {subject}. I "
            "enjoyed our conversation and it made me even more excited about the role. If "
            "anything else would help, I'm glad to send it.",
        call="I wanted to thank you for taking the time to talk with me {interview} about "
             "{subject}. I really enjoyed our conversation. Is there anything else I can send "
             "you?",
    ),
    "R4:F2": Template(
        reason="A week has passed since the interview with {first} on {interview} for "
               "{subject}: time for your second follow-up.",
        say="I wanted to follow up on our interview {interview} about {subject}. I'm still very "
            "interested and would love to hear where things stand whenever you have a moment.",
        call="I'm following up on our interview {interview} about {subject}. I'm still very "
             "interested; is there any news on where things stand?",
    ),
    "R4:F3": Template(
        reason="Still no decision from {first} on {subject} a week after your last follow-up: "
               "the third one shows you're serious.",
        say="I'm checking in again on {subject}. I know these decisions take time and I "
            "appreciate your patience with my notes; I remain very interested and available "
            "for anything you need from me.",
        call="I'm checking in again on {subject}. I know these decisions take time and I "
             "appreciate your patience; I remain very interested. Is there anything you need "
             "from me?",
    ),
    "R4:F4": Template(
        reason="Two weeks since your last follow-up with {first} on {subject}; persistence is "
               "what gets answers.",
        say="I hope all is well. I'm following up once more on {subject}: it's a role I'd love "
            "to contribute to, and I'd be grateful for any update, even a short one.",
        call="I'm following up once more on {subject}. It's a role I'd love to contribute to, "
             "and I'd be grateful for any update, even a short one.",
    ),
    "R5:N1": Template(
        reason="{first} said no{about} on {no_day}; a gracious thank-you and a question can "
               "reopen the door.",
        say="Thank you for letting me know{about}, and for your time. Would you share any "
            "feedback on how I could be a stronger candidate? And is there anyone "
            "else{at_company} you'd suggest I speak with?",
        call="Thank you for letting me know{about}, and for your time. Could you share any "
             "feedback on how I could be a stronger candidate? And is there anyone "
             "else{at_company} you'd suggest I speak with?",
    ),
    "R5:N3": Template(
        reason="A month after {first}'s no on {subject} ({no_day}): time for one friendly "
               "re-ask.",
        say="It's been about a month since we spoke about {subject}. I'm still very interested "
            "in {company}; has anything changed, or is there another role where I could help?",
        call="It's been about a month since we spoke about {subject}. I'm still very "
             "interested in {company}; has anything changed, or is there another role where I "
             "could help?",
    ),
    "R6:write": Template(
        reason="{why}; go right to the source: write to {first} directly.",
        say="I'm reaching out to you directly about {subject}; I've been in touch with "
            "{gatekeeper}. I'm genuinely excited about what your team is doing and would value "
            "ten minutes of your time to share how I could help.",
        call="I'm calling you directly about {subject}; I've been in touch with {gatekeeper}. "
             "I'm genuinely excited about what your team is doing; could I have ten minutes "
             "of your time to share how I could help?",
    ),
    "R6:find": Template(
        reason="{why}; the hiring manager for {subject} is not known yet.",
        do="Find the hiring manager for {subject}, so you are not relying on {first} alone: "
           "look at the team on the company's pages and LinkedIn, then link them to the "
           "opportunity here.",
    ),
    "R7:S1": Template(
        reason="{first} is the hiring manager for {subject} and you don't follow them on "
               "{network} yet.",
        do="Follow {first} on {network} ({subject}). People are often less guarded there than "
           "in email; following is a gentle first step before you interact.",
    ),
    "R7:S2": Template(
        reason="Engagement {round} of 3 with {first} on {network} while you pursue {subject}.",
        do="Engage with {first} on {network}: like or add a thoughtful comment to a recent post "
           "(a specific point, not just \"great post\"). Building the relationship matters for "
           "{subject}.",
    ),
    "R7:S3": Template(
        reason="You have warmed up {first} on {network}; a short direct note about {subject} "
               "comes next.",
        say="I've enjoyed following your posts on {network}. I'm very interested in {subject} "
            "and would love to hear how you see the team growing; would you be open to a short "
            "chat?",
    ),
    "R8:FU1": Template(
        reason="No reply from {first} to your {medium} of {sent} about {subject}: first "
               "follow-up.",
        say="I wanted to follow up on my {medium} {sent} about {subject}. I know how busy "
            "things get; a quick reply whenever you have a moment would mean a lot.",
    ),
    "R8:FU2": Template(
        reason="Still no reply from {first} about {subject} since {sent}: second follow-up.",
        say="Just checking in again about {subject}. I'm still very interested and happy to "
            "make this easy: even a one-line answer helps.",
    ),
    "R8:FU3": Template(
        reason="No reply from {first} about {subject} since {sent}: the third and last "
               "follow-up.",
        say="One last friendly note about {subject}. I understand if the timing isn't right; "
            "I'd be glad to reconnect whenever it suits you.",
    ),
    "R9": Template(
        reason="Your last real touch with {first} ({subject}) was {last}; {cadence}.",
        say="It's been a while since we last spoke ({last}, {subject}). I hope things are "
            "going well; I'd love to hear what you're working on these days.",
        call="It's been a while since we last spoke ({last}, {subject}), so I wanted to say "
             "hello. What are you working on these days?",
    ),
    "R10": Template(
        reason="{first} is cooling off ({previous} → {warmth}) while {subject} is still open.",
        say="I was thinking about our conversation on {subject} and wanted to say hello. How "
            "are things on your side?",
        call="I was thinking about our conversation on {subject} and wanted to say hello. How "
             "are things on your side?",
    ),
    "R11": Template(
        reason="Monday check: {count} of 5 warm decision-makers on your active opportunities.",
        do="Your pipeline needs warmth: {count} of the hiring managers and recruiters on your "
           "active opportunities are warm (aim for 5). Write a short, sincere email this week "
           "to {names}; it keeps {subject} moving.",
    ),
}


def relative_day(d: date, ref: date) -> tuple[str, str]:
    """``d`` seen from ``ref``: (bare, with "on"). Today, yesterday and tomorrow; a weekday
    within the last six days; "last week" for a day of the previous calendar week at least a
    week back; else the date ("Tuesday 4 March")."""
    delta = (ref - d).days
    if delta == 0:
        return "today", "today"
    if delta == 1:
        return "yesterday", "yesterday"
    if delta == -1:
        return "tomorrow", "tomorrow"
    if 2 <= delta <= 6:
        name = d.strftime("%A")
        return name, f"on {name}"
    week_start = ref - timedelta(days=ref.isoweekday() - 1)
    if delta >= 7 and week_start - timedelta(days=7) <= d < week_start:
        return "last week", "last week"
    text = date_text(d)
    return text, f"on {text}"


def _relative(value: object, ref: date) -> object:
    if isinstance(value, Day):
        bare, on = relative_day(value.day, ref)
        return on if value.on else f"{value.prefix}{bare}"
    if isinstance(value, Clock):
        local = bt.ensure_utc(value.at).astimezone(bt.zone(value.tz))
        return f"at {clock_text(local)} {relative_day(local.date(), ref)[1]}"
    return value


def _absolute(value: object) -> object:
    if isinstance(value, Day):
        return date_text(value.day)
    if isinstance(value, Clock):
        return when_text(value.at, value.tz)
    return value


def _email(first: str, body: str, me: str) -> str:
    return f"Hi {first},\n\n{body}\n\nThank you,\n{me}" if me else \
        f"Hi {first},\n\n{body}\n\nThank you"


def _message(first: str, body: str, me: str) -> str:
    return f"Hi {first}! {body}\n\nThanks,\n{me}" if me else f"Hi {first}! {body}\n\nThanks!"


def _call(first: str, intro: str, spoken: str, me: str) -> str:
    hello = f"Hi {first}, it's {me}." if me else f"Hi {first}."
    return f"{intro} Something like: \"{hello} {spoken}\""


def compose(
    template_id: str,
    *,
    channel: str,
    me: str,
    first: str,
    subject: str,
    ref: datetime,
    tz: str,
    **fields: object,
) -> Composed:
    """The message (shaped by ``channel``, relative words seen from ``ref`` in ``tz``) and the
    reason (absolute dates) of one template."""
    t = TEMPLATES[template_id]
    me = me.strip()
    ref_day = bt.local_date(ref, tz)
    said = {"first": first, "subject": subject,
            **{k: _relative(v, ref_day) for k, v in fields.items()}}
    why = {"first": first, "subject": subject, **{k: _absolute(v) for k, v in fields.items()}}
    reason = t.reason.format(**why)
    if t.do is not None:
        return Composed(t.do.format(**said), reason)
    if channel == "call":
        text = _call(first, t.call_intro.format(**said), (t.call or t.say).format(**said), me)
    elif channel == "message":
        text = _message(first, t.say.format(**said), me)
    else:
        text = _email(first, t.say.format(**said), me)
    return Composed(text, reason)


def clock_text(local: datetime) -> str:
    """'3 pm' / '3:30 pm' of a local time."""
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes} {'am' if local.hour < 12 else 'pm'}"


def when_text(t: datetime, tz: str) -> str:
    """'3 pm Friday' / '3:30 pm Friday' in the given zone."""
    local = bt.ensure_utc(t).astimezone(bt.zone(tz))
    return f"{clock_text(local)} {local.strftime('%A')}"


def date_text(d: date) -> str:
    """'Friday 7 March'."""
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B')}"


def network_name(network: str) -> str:
    return NETWORK_NAMES.get(network, network)
