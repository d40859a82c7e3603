"""Message templates and one-sentence reasons, in the article's tactful, patient, sincere tone.

Every template names the person (first name) and the subject (the promise, the interview or the
role) and says what to say. Texts meant to be sent are signed with the user's ``display_name``;
instructions (R1's call script, which names the user instead, R6 "find", R7 S1/S2, R11) are
not. ``compose`` fills one:

    compose(template_id, me=display_name, first=..., subject=..., **fields) -> Composed

Template ids are ``"R1"``, ``"R4:F2"``, ``"R6:write"`` … (see ``TEMPLATES``). Formatting helpers
``when_text`` and ``date_text`` render local times ("3 pm Friday", "Friday 7 March").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from server.domain import business_time as bt

NETWORK_NAMES: Final[dict[str, str]] = {
    "x": "X", "instagram": "Instagram", "facebook": "Facebook", "linkedin": "LinkedIn",
    "github": "GitHub", "other": "their site",
}


@dataclass(frozen=True)
class Composed:
    message: str
    reason: str


@dataclass(frozen=True)
class Template:
    body: str  # the text to send or the action to take; {sign} appends the signature
    reason: str


TEMPLATES: Final[dict[str, Template]] = {
    "R1": Template(
        "Call {first} about {subject}. Something like: \"Hi {first}, it's {me_or_you}. You "
        "mentioned you'd call me at {when}, and I know how quickly a day fills up, so I thought "
        "I'd try you. I'm still very interested in {subject}. Is now a good moment, or is "
        "there a better time?\"",
        "{first} promised to call at {when} about {subject} and nothing came in since.",
    ),
    "R2": Template(
        "Hi {first},\n\nI hope your week is going well. You mentioned I would hear about "
        "{subject} by {when}, so I wanted to check in. I'm still very interested, and happy to "
        "send anything that would help your decision.{sign}",
        "{first} said you'd hear about {subject} by {when} and nothing came in since.",
    ),
    "R3": Template(
        "Hi {first},\n\nWhen we spoke on {interview_day} you asked for {days} days to meet the "
        "other candidates, so I'm checking in on {subject}, with no rush on your side. I remain "
        "very interested; is there anything else I can send you?{sign}",
        "{first} asked for {days} days after {interview_day} about {subject}; today is the day "
        "after.",
    ),
    "R4:F1": Template(
        "Hi {first},\n\nThank you for taking the time to talk with me today about {subject}. I "
        "enjoyed our conversation and it made me even more excited about the role. If anything "
        "else would help, I'm glad to send it.{sign}",
        "You interviewed with {first} for {subject} on {interview_day}; a same-day thank-you "
        "is your first follow-up.",
    ),
    "R4:F2": Template(
        "Hi {first},\n\nI wanted to follow up on our interview on {interview_day} about "
        "{subject}. I'm still very interested and would love to hear where things stand "
        "whenever you have a moment.{sign}",
        "A week has passed since the interview with {first} on {interview_day} for {subject}: "
        "time for your second follow-up.",
    ),
    "R4:F3": Template(
        "Hi {first},\n\nI'm checking in again on {subject}. I know these decisions take time "
        "and I appreciate your patience with my notes; I remain very interested and available "
        "for anything you need from me.{sign}",
        "Still no decision from {first} on {subject} a week after your last follow-up: the "
        "third one shows you're serious.",
    ),
    "R4:F4": Template(
        "Hi {first},\n\nI hope all is well. I'm following up once more on {subject}: it's a "
        "role I'd love to contribute to, and I'd be grateful for any update, even a short "
        "one.{sign}",
        "Two weeks since your last follow-up with {first} on {subject}; persistence is what "
        "gets answers.",
    ),
    "R5:N1": Template(
        "Hi {first},\n\nThank you for letting me know about {subject}, and for your time. Would "
        "you share any feedback on how I could be a stronger candidate? And is there anyone "
        "else at {company} you'd suggest I speak with?{sign}",
        "{first} said no on {subject} on {no_day}; a gracious thank-you and a question can "
        "reopen the door.",
    ),
    "R5:N3": Template(
        "Hi {first},\n\nIt's been about a month since we spoke about {subject}. I'm still very "
        "interested in {company}; has anything changed, or is there another role where I "
        "could help?{sign}",
        "A month after {first}'s no on {subject} ({no_day}): time for one friendly re-ask.",
    ),
    "R6:write": Template(
        "Hi {first},\n\nI'm reaching out about {subject}; I've been in touch with {gatekeeper}. "
        "I'm genuinely excited about what your team is doing and would value ten minutes of "
        "your time to share how I could help.{sign}",
        "{why}; go right to the source: write to {first} directly.",
    ),
    "R6:find": Template(
        "Find the hiring manager for {subject}, so you are not relying on {first} alone: look "
        "at the team on the company's pages and LinkedIn, then link them to the opportunity "
        "here.",
        "{why}; the hiring manager for {subject} is not known yet.",
    ),
    "R7:S1": Template(
        "Follow {first} on {network} ({subject}). People are often less guarded there than in "
        "email; following is a gentle first step before you interact.",
        "{first} is the hiring manager for {subject} and you don't follow them on {network} "
        "yet.",
    ),
    "R7:S2": Template(
        "Engage with {first} on {network}: like or add a thoughtful comment to a recent post "
        "(a specific point, not just \"great post\"). Building the relationship matters for "
        "{subject}.",
        "Engagement {round} of 3 with {first} on {network} while you pursue {subject}.",
    ),
    "R7:S3": Template(
        "Hi {first},\n\nI've enjoyed following your posts on {network}. I'm very interested in "
        "{subject} and would love to hear how you see the team growing; would you be open to a "
        "short chat?{sign}",
        "You have warmed up {first} on {network}; a short direct note about {subject} comes "
        "next.",
    ),
    "R8:FU1": Template(
        "Hi {first},\n\nI wanted to follow up on my {medium} of {sent_day} about {subject}. I "
        "know how busy things get; a quick reply whenever you have a moment would mean a lot."
        "{sign}",
        "No reply from {first} to your {medium} of {sent_day} about {subject}: first "
        "follow-up.",
    ),
    "R8:FU2": Template(
        "Hi {first},\n\nJust checking in again about {subject}. I'm still very interested and "
        "happy to make this easy: even a one-line answer helps.{sign}",
        "Still no reply from {first} about {subject} since {sent_day}: second follow-up.",
    ),
    "R8:FU3": Template(
        "Hi {first},\n\nOne last friendly note about {subject}. I understand if the timing "
        "isn't right; I'd be glad to reconnect whenever it suits you.{sign}",
        "No reply from {first} about {subject} since {sent_day}: the third and last "
        "follow-up.",
    ),
    "R9": Template(
        "Hi {first},\n\nIt's been a while since we last spoke ({last_day}, {subject}). I hope "
        "things are going well; I'd love to hear what you're working on these days.{sign}",
        "Your last real touch with {first} ({subject}) was {last_day}; tier {tier} contacts "
        "get a check-in every {days} days.",
    ),
    "R10": Template(
        "Hi {first},\n\nI was thinking about our conversation on {subject} and wanted to say "
        "hello. How are things on your side?{sign}",
        "{first} is cooling off ({previous} → {warmth}) while {subject} is still open.",
    ),
    "R11": Template(
        "Your pipeline needs warmth: {count} of the hiring managers and recruiters on your "
        "active opportunities are warm (aim for 5). Reach out this week to {names}; a short, "
        "sincere note keeps {subject} moving.",
        "Monday check: {count} of 5 warm decision-makers on your active opportunities.",
    ),
}


def signature(me: str) -> str:
    return f"\n\nThank you,\n{me}" if me else "\n\nThank you"


def compose(template_id: str, *, me: str, first: str, subject: str, **fields: object) -> Composed:
    t = TEMPLATES[template_id]
    values: dict[str, object] = {
        "first": first, "subject": subject, "sign": signature(me),
        "me_or_you": me or "me", **fields,
    }
    return Composed(t.body.format(**values), t.reason.format(**values))


def when_text(t: datetime, tz: str) -> str:
    """'3 pm Friday' / '3:30 pm Friday' in the given zone."""
    local = bt.ensure_utc(t).astimezone(bt.zone(tz))
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes} {'am' if local.hour < 12 else 'pm'} {local.strftime('%A')}"


def date_text(d: date) -> str:
    """'Friday 7 March'."""
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B')}"


def network_name(network: str) -> str:
    return NETWORK_NAMES.get(network, network)
