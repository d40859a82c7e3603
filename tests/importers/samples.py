"""Realistic export files, ugly cases included, shared by the parser and the script tests.

Line numbers in comments are the physical lines the tests expect.
"""

from __future__ import annotations

import io
import zipfile

# The current export: BOM, a multi-line quoted `Notes:` preamble, CRLF, both date styles,
# quoted commas and quotes, a percent-encoded unicode slug on a locale host, an invalid email,
# a row without name (broken), a row without URL or email (import key), an unreadable date.
CONNECTIONS = (
    "\ufeffNotes:\r\n"  # 1
    '"When exporting your connection data, you may notice that some of the email\r\n'  # 2
    'addresses are missing. You will only see email addresses for connections who have\r\n'  # 3
    'allowed it, see https://www.linkedin.com/psettings/privacy/email."\r\n'  # 4
    "\r\n"  # 5
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"  # 6
    'Jane,Doe,https://www.linkedin.com/in/jane-doe-8a1b2c,,"Acme, Inc.",Engineering Manager,'
    "08 Feb 2026\r\n"  # 7
    "Jürgen,Müller,https://de.linkedin.com/in/j%C3%BCrgen-m%C3%BCller-4a5b/,"
    ' Juergen.Mueller@Example.COM ,Bosch,"Head of ""Talent"", EMEA",8-Feb-26\r\n'  # 8
    ",,https://www.linkedin.com/in/ghost-account,,,,01 Jan 2026\r\n"  # 9
    "Ravi,Kumar,https://www.linkedin.com/in/ravi-kumar,ravi@@bad,Initech,Recruiter,"
    "15 Mar 2025\r\n"  # 10
    "Amélie,Dubois,,,,Freelance Designer,sometime\r\n"  # 11
)
CONNECTIONS_ROWS = 5

# The older export: another preamble wording, no URL column, Excel dates, LF endings.
CONNECTIONS_OLD = (
    "Notes:\n"  # 1
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed their '
    'connections to see or download their email address using this setting."\n'  # 2
    "\n"  # 3
    "First Name,Last Name,Email Address,Company,Position,Connected On\n"  # 4
    "Grace,Hopper,grace.hopper@navy.example.com,US Navy,Rear Admiral,11-Feb-26\n"  # 5
    "Alan,Turing,,NPL,Mathematician,02-Mar-26\n"  # 6
)

ME = "https://www.linkedin.com/in/sam-seeker"
JANE = "https://www.linkedin.com/in/jane-doe-8a1b2c"
MESSAGES = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER,IS MESSAGE DRAFT\n"  # 1
    f'2-YWJj==,,Sam Seeker,{ME},Jane Doe,{JANE},2026-08-01 02:00:00 UTC,,'
    '"Hi Jane, thanks for connecting",INBOX,No\n'  # 2
    f'2-YWJj==,,Jane Doe,{JANE},Sam Seeker,{ME},2026-08-02 09:30:00 UTC,,"Happy to chat.\n'
    'Friday?",INBOX,No\n'  # 3-4
    f"2-ZGVm==,,Rita Recruiter,https://www.linkedin.com/in/rita-recruiter,Sam Seeker,{ME},"
    '2026-07-20 10:00:00 UTC,Role at Globex,"A role for you, interested?",INBOX,No\n'  # 5
    f"2-Z2hp==,,Sam Seeker,{ME},Jane Doe,{JANE},2026-08-03 10:00:00 UTC,,draft,DRAFT,Yes\n"  # 6
)
INVITATIONS = (
    "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"  # 1
    f'Sam Seeker,Jane Doe,"1/19/26, 9:15 AM",,OUTGOING,{ME},{JANE}\n'  # 2
    'Paul Pending,Sam Seeker,"9/20/26, 4:10 PM","Hi Sam, let\'s connect",INCOMING,'
    f"https://www.linkedin.com/in/paul-pending,{ME}\n"  # 3
)


def linkedin_zip(with_invitations: bool = True, folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}Connections.csv", CONNECTIONS.encode("utf-8"))
        archive.writestr(f"{folder}messages.csv", MESSAGES.encode("utf-8"))
        if with_invitations:
            archive.writestr(f"{folder}Invitations.csv", INVITATIONS.encode("utf-8"))
        archive.writestr(f"{folder}Profile.csv", b"First Name,Last Name\nSam,Seeker\n")
    return buffer.getvalue()


# Google's current export: repeating groups by number, ' ::: ' multi-values, labels,
# a LinkedIn website (a profile) and a homepage (notes), a multi-line note, a broken row.
_GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,"
    "Address 1 - City,Address 1 - Region,Address 1 - Country,"
    "Website 1 - Label,Website 1 - Value,Website 2 - Label,Website 2 - Value\n"
)
GOOGLE = (
    _GOOGLE_HEADER  # 1
    + "Maria,Luisa,García,,,,Dr.,,,,Globex,Head of Talent,HR,,\"Met at PyCon.\n"
    "Prefers email.\",,* myContacts ::: Recruiters ::: * starred,Work,maria@globex.com,"
    "* Home,Maria.Garcia@Gmail.com ::: old@ex ample.com,Mobile,+34 600 123 456 ::: 912 345 678,"
    ",,Madrid,,Spain,Profile,https://www.linkedin.com/in/maria-garcia-globex,"
    "Homepage,https://mariagarcia.dev\n"  # 2-3
    + ",,,,,,,,,,,,,,,,* myContacts,,,,,,,,,,,,,,,\n"  # 4 (nothing usable)
    + "Bob,,Builder,,,,,,,,,,,,,,* myContacts,,,,,Work,555-0100,,,,,,,,,\n"  # 5 (import key)
)
GOOGLE_OLD = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,"
    "Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,"
    "Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,"
    "Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,"
    "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,"
    "Organization 1 - Title,Website 1 - Type,Website 1 - Value\n"  # 1
    "Tom Tester,Tom,,Tester,,,,,,,,,,,,,Berlin,,,,,,,,,,,,* My Contacts ::: Friends,"
    "* Other,tom@tester.com,Mobile,+49 30 1234567,,Initrode,,QA Lead,Profile,"
    "twitter.com/tomtests\n"  # 2
)

# vCard 2.1: quoted-printable with CHARSET (UTF-8 and ISO-8859-1), soft line breaks,
# bare parameters. 3.0 from Apple: itemN.URL + X-ABLabel, X-SOCIALPROFILE, folded lines,
# escaped commas. A card without END:VCARD among good ones. vCard 4.0 with URIs.
VCARDS = (
    "BEGIN:VCARD\r\n"  # 1
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "ORG;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:B=E4ckerei Sch=F6n\r\n"
    "TEL;WORK;VOICE:+49 89 1234567\r\n"
    "EMAIL;INTERNET:juergen@baeckerei.de\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Sehr freundlich, m=C3=B6chte =\r\n"
    "=C3=BCber Stellen sprechen.=0D=0AZweite Zeile=\r\n"
    "\r\n"
    "END:VCARD\r\n"  # 11
    "BEGIN:VCARD\r\n"  # 12
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n"
    "N:Appleseed;Johnny;;;\r\n"
    "FN:Johnny Appleseed\r\n"
    "ORG:Orchards\\, Ltd.;Sales\r\n"
    "TITLE:Director of Sales\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:johnny@orchards.example.com\r\n"
    "item1.X-ABLabel:_$!<Other>!$_\r\n"
    "item2.URL;type=pref:https\\://www.linkedin.com/in/johnny-appleseed\r\n"
    "item2.X-ABLabel:LinkedIn\r\n"
    "item3.URL:https\\://orchards.example.com/johnny\r\n"
    "item3.X-ABLabel:_$!<HomePage>!$_\r\n"
    "X-SOCIALPROFILE;type=twitter;x-user=johnnyseeds:x-apple:johnnyseeds\r\n"
    "NOTE:Loves apples\\, pears and long\r\n"
    "  folded notes that go on\r\n"
    "\t and on.\r\n"
    "CATEGORIES:Hiring,Warm leads\r\n"
    "END:VCARD\r\n"  # 30
    "BEGIN:VCARD\r\n"  # 31 (broken: no END)
    "VERSION:3.0\r\n"
    "FN:Half Written\r\n"
    "BEGIN:VCARD\r\n"  # 34
    "VERSION:4.0\r\n"
    "FN:Zoë Ng\r\n"
    'EMAIL;TYPE="work,pref":mailto:ZOE@EXAMPLE.ORG\r\n'
    "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+1-415-555-0123\r\n"
    "URL:https://github.com/zoeng\r\n"
    "ADR;TYPE=work:;;1 Main St;San Francisco;CA;94105;USA\r\n"
    "PHOTO:https://example.com/zoe.jpg\r\n"
    "END:VCARD\r\n"  # 42
    "BEGIN:VCARD\r\n"  # 43 (a contact group: skipped)
    "VERSION:4.0\r\n"
    "KIND:group\r\n"
    "FN:Colleagues\r\n"
    "END:VCARD\r\n"
)

# Plain CSV, semicolon-separated (European Excel), a multi-line quoted note, several email
# columns, tags, a role, and a row with nothing usable.
PLAIN = (
    "Full Name;E-mail;Work Email;Phone;Organization;Job Title;LinkedIn;Notes;Tags;Role\n"  # 1
    'Priya Patel;priya@example.com;;+44 20 7946 0958;Umbrella;CTO;'
    'https://uk.linkedin.com/in/priya-patel;"Met at the meetup;\n'
    'follow up in March";a, b|c;Hiring Manager\n'  # 2-3
    "Dr. Kwame Mensah;;;;Stark;VP Engineering;;;;\n"  # 4
    ";;;;;;;;;\n"  # 5 (blank: skipped)
    ";not-an-email;;;;;;;;\n"  # 6 (broken: nothing usable)
)
