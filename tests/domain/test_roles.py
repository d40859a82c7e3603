"""guess_role (SPEC §8): the role of an imported person from their position."""

from __future__ import annotations

import pytest

from server.domain.interaction_types import ROLES
from server.domain.roles import guess_role, normalise_title

CASES = {
    "recruiter": [
        "Technical Recruiter", "Talent Acquisition", "Sourcer", "Recruiter",
        "Senior Technical Recruiter @ Acme", "Talent Acquisition Partner, EMEA",
        "Technical Sourcer", "Sourcers Lead", "Recruitment Consultant", "Recruiting Lead",
        "Headhunter", "Executive Search Partner", "Talent Partner", "Head of Talent",
        'Head of "Talent", EMEA', "Director of Talent Acquisition", "VP, Talent",
        "TALENT ACQUISITION SPECIALIST", "Recruiter for hiring managers in fintech",
        "Assistant Recruiter", "IT-Recruiter",
    ],
    "hr": [
        "HR", "Human Resources", "People Partner", "HR Business Partner", "HRBP", "Sr. HRBP",
        "HR-Manager", "HR Generalist", "Head of HR", "Head of People", "VP of People",
        "Chief People Officer", "People & Culture Lead", "People and Culture", "People Ops",
        "People Operations Manager", "Human Resource Manager", "hr business partner (emea)",
        "HR Director", "HR Assistant", "HR Coordinator", "Personnel Manager",
        "People Business Partner",
    ],
    "assistant": [
        "Recruiting Coordinator", "Executive Assistant", "Recruitment Coordinator",
        "Recruiter Coordinator", "Talent Acquisition Coordinator", "TA Coordinator",
        "Interview Coordinator", "Scheduling Coordinator", "Administrative Assistant",
        "Admin Assistant", "Personal Assistant", "Executive Assistant to the CEO",
        "Assistant to the Regional Manager", "EA to the CTO", "PA to Director",
        "Senior Recruiting Coordinator", "Recruiting Assistant",
    ],
    "hiring_manager": ["Hiring Manager", "hiring manager, platform team", "Hiring-Manager"],
    "department_manager": [
        "Engineering Manager", "Head of Engineering", "Head of Product", "Director",
        "Director of Engineering", "Art Director", "Managing Director", "VP", "VP Engineering",
        "SVP Product", "Vice President, Sales", "Vice-President", "CTO", "CEO & Co-Founder",
        "Co-founder", "Founder", "Chief Technology Officer", "Chief Operating Officer",
        "Software Development Manager", "Manager of Engineering", "Senior Engineering Managers",
        "President", "CIO", "CISO",
    ],
    "other": [
        None, "", "   ", "Software Engineer", "Product Manager", "Project Manager",
        "Christmas Elf", "Shrek", "Chris Thrower", "VPN Engineer", "Data Scientist",
        "Account Manager", "Manager", "Assistant Professor", "Procurement Specialist",
        "Hiring", "Engineer (we're hiring!)",
        "Headless CMS Developer", "Thrice", "Rhythm guitarist", "Directory Services Admin",
        "People person", "Teaching Assistant", "Heads-down coder", "Peoplesoft Consultant",
        "Hrvatska", "Cocoa Developer", "Coordinator", "Talent", "Presidential historian",
    ],
}


@pytest.mark.parametrize(("expected", "position"),
                         [(role, p) for role, titles in CASES.items() for p in titles])
def test_guess_role(expected: str, position: str | None):
    assert guess_role(position) == expected


def test_every_answer_is_a_contact_role():
    assert {r for r in CASES} <= set(ROLES)


@pytest.mark.parametrize(("position", "expected"), [
    # A more specific function beats a seniority word or a neighbouring one.
    ("Recruiting Coordinator", "assistant"),
    ("Director of Talent Acquisition", "recruiter"),
    ("VP of Human Resources", "hr"),
    ("Head of People", "hr"),
    ("HR Hiring Manager", "hr"),
    ("Hiring Manager, Engineering Director", "hiring_manager"),
    ("Engineering Manager and former recruiter", "recruiter"),
])
def test_order_decides_between_two_matches(position: str, expected: str):
    assert guess_role(position) == expected


@pytest.mark.parametrize(("word", "inside"), [
    ("hr", "Christmas"), ("hr", "Shrek"), ("vp", "VPN"), ("cto", "Doctor"),
    ("ceo", "Ceorl"), ("president", "Presidential"), ("director", "Directory"),
    ("founder", "Dumbfoundered"), ("sourcer", "Resourcer"),
])
def test_words_only_match_whole(word: str, inside: str):
    assert word in inside.lower()
    assert guess_role(inside) == "other"


def test_case_spacing_and_punctuation_do_not_matter():
    assert normalise_title("  Sr.  HR-Business_Partner (EMEA) ") == "sr hr business partner emea"
    for variant in ("TECHNICAL RECRUITER", "technical\trecruiter", "Technical-Recruiter",
                    "technical recruiter!"):
        assert guess_role(variant) == "recruiter"


def test_non_latin_and_long_input_are_other_without_error():
    assert guess_role("Инженер-программист") == "other"
    assert guess_role("x " * 10_000) == "other"
