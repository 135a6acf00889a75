#!/usr/bin/env python3
"""Seeds a CalDAV/CardDAV server (Radicale, or any other) with a deterministic corpus for one user.

The same --seed always gives the same bytes: two runs, or two servers, get byte-identical items
(the server may store them rewritten: Radicale serves what vobject serializes, not what was PUT).

Collections, under the user's home (default <url>/<user>/, Radicale's principal collection):
  address books  contacts "Contacts", work-contacts "Work contacts"   (--addressbooks, default 2)
                 made by MKCOL with an RFC 5689 extended body (resourcetype addressbook, displayname)
  calendars      calendar "Calendar", work "Work", holidays "Holidays 🎉" (--calendars, default 3)
                 made by MKCALENDAR (RFC 4791): displayname, Apple calendar-color, VEVENT only
  tasks          tasks "Tasks": a calendar of VTODO only
Collections that exist are left as they are. Each collection gets --items-per-collection items (70:
5 users x 6 collections x 70 = 2,100 items), PUT with If-None-Match: * so that a run over a seeded
server only answers 412 (counted as "already there"). Most hrefs are <UID>.vcf/.ics; every tenth is
item-NNNN.vcf/.ics, so a client must not take the href for the UID.

Contacts mix vCard 3.0 and 4.0 (v4 UIDs are urn:uuid:...), non-ASCII names, escaped commas and
semicolons in NOTE/ORG/ADR, folded long lines. Events mix UTC times, TZID times with a VTIMEZONE,
floating times, all-day dates, weekly RRULEs (some with EXDATE), ORGANIZER/ATTENDEE and VALARM.

--hard-cases adds, to the first address book, the first calendar and the tasks calendar:
  calendar  hard-recurring.ics   weekly event + 2 overridden instances (RECURRENCE-ID), one resource
            hard-attach-binary.ics  ATTACH;VALUE=BINARY;ENCODING=BASE64 (4 KB inline)
            hard-attach-url.ics  ATTACH with an https URL
            hard-long-description.ics  a 500-character non-ASCII DESCRIPTION
  contacts  hard-photo.vcf       vCard 3.0 with a 2 MiB PHOTO;ENCODING=b;TYPE=JPEG (pseudo-random bytes)
            hard-group-v4.vcf    vCard 4.0 KIND:group with MEMBER:urn:uuid:... of 3 contacts
            hard-group-apple.vcf vCard 3.0 X-ADDRESSBOOKSERVER-KIND:group + X-ADDRESSBOOKSERVER-MEMBER
  tasks     hard-todo.ics        VTODO with DUE;TZID, STATUS:IN-PROCESS, PERCENT-COMPLETE, a VALARM
            hard-todo-child.ics  VTODO with DUE;VALUE=DATE, STATUS:COMPLETED, RELATED-TO the first

--malformed plants, in the first calendar of the SOURCE's storage folder, zz-duplicate-uid.ics: an
event with the same UID as the calendar's item 0 under another href. RFC 4791 §5.3.2.1 forbids two
resources with one UID in a collection, so a target refuses the second PUT (Radicale: 409 Conflict
with <C:no-uid-conflict/>); Radicale as a source serves both. It cannot be made over HTTP (Radicale
refuses it there too), so it is written into STORAGE/collection-root/<user>/<calendar>/ directly,
atomically and under an exclusive flock(2) of STORAGE/.Radicale.lock, Radicale's storage lock.
Radicale serves it from the next request on: its caches are keyed by the file's content, nothing
needs dropping. STORAGE: --storage, default $MAILMIG_TEST_DAV_SOURCE_STORAGE (radicale.sh writes
it). Items Radicale refuses on PUT (no UID, two UIDs, a VCARD in a calendar, unparsable text) it
cannot serve from storage either: reading them fails the whole collection with 500, so none is used.

Incremental passes (no seeding then; the corpus must be there):
  --change N  the first N items of the first calendar (by href): each VEVENT's SEQUENCE+1 and
              SUMMARY "<summary> (changed <new SEQUENCE>)"; PUT with If-Match: <ETag of the GET>
  --add N     N new events in the first calendar, added-<seed>-<k>.ics with k counting on from the
              highest k already there, so repeated calls add different events

Usage: seed.py --url http://127.0.0.1:15232/ --user alice --password secret-alice
               [--addressbooks 2] [--calendars 3] [--items-per-collection 70] [--hard-cases]
               [--malformed [--storage DIR]] [--seed 1] [--home URL] [--ca-file CA] [--insecure]
       seed.py --url ... --user ... --password ... --change N | --add N [--seed 1]
Prints one summary line; exits 1 naming the request on any HTTP error (other than 412 on
If-None-Match PUTs and 405 on MKCOL/MKCALENDAR of a collection that exists).
"""
import argparse
import base64
import contextlib
import datetime
import fcntl
import hashlib
import http.client
import os
import random
import re
import ssl
import sys
import tempfile
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
APPLE_ICAL = "http://apple.com/ns/ical/"
CALSERVER = "http://calendarserver.org/ns/"
PRODID = "-//mailmig//seed.py 1//EN"
UID_NAMESPACE = uuid.UUID("6f0b3c52-5a43-4a55-9c1e-6d2b1f3d7a10")
DTSTAMP = "20260101T090000Z"

ADDRESSBOOKS = [("contacts", "Contacts", "Personal contacts"),
                ("work-contacts", "Work contacts", "Colleagues, customers; suppliers")]
CALENDARS = [("calendar", "Calendar", "#1E90FFFF", "Personal calendar"),
             ("work", "Work", "#FF8C00FF", "Meetings, reviews; travel"),
             ("holidays", "Holidays 🎉", "#2E8B57FF", "Public holidays and vacations")]
TASKS = ("tasks", "Tasks", "#9370DBFF", "To-do list")

PEOPLE = [
    ("Zoë", "Ångström", "zoe"), ("小龍", "李", "xiaolong"), ("José", "Núñez", "jose"),
    ("Björk", "Guðmundsdóttir", "bjork"), ("Søren", "Kierkegaard", "soren"),
    ("Анна", "Каренина", "anna"), ("Ζωή", "Παπαδοπούλου", "zoi"), ("Alice", "Smith", "alice.smith"),
    ("Seán", "O'Brien", "sean"), ("Chloé", "Dupont-Moreau", "chloe"), ("Jürgen", "Weiß", "juergen"),
    ("Małgorzata", "Wójcik", "malgorzata"), ("Ngọc", "Nguyễn", "ngoc"), ("花子", "山田", "hanako"),
    ("Fatima", "Al-Sayed", "fatima"), ("Bob", "Jones", "bob.jones"), ("Ólafur", "Þórsson", "olafur"),
    ("Noah", "Müller-Lüdenscheidt", "noah"), ("Priya", "Raghunathan", "priya"), ("민준", "김", "minjun"),
]
CITIES = [("Berlin", "10115", "Germany"), ("Zürich", "8001", "Switzerland"), ("Kraków", "30-001", "Poland"),
          ("São Paulo", "01000-000", "Brazil"), ("東京", "100-0001", "Japan"), ("Reykjavík", "101", "Iceland"),
          ("Springfield, IL", "62701", "USA"), ("Montréal", "H2X 1Y4", "Canada")]
ORGS = [("Acme, Inc.", "Research; Development"), ("Globex", "Sales"), ("Initech", ""),
        ("Ünïcödé GmbH", "Qualität"), ("Umbrella Corp.", "Bio, Safety")]
SUBJECTS = ["Planning, Q3; budget", "Café with Zoë", "会议: 项目进度", "Review of the \"spec\" draft",
            "Dentist", "Team lunch 🍕", "1:1 with manager", "Board meeting; quarterly", "Yoga",
            "Flight LH 400 → JFK", "Call with Søren, José", "Retro\\Planning", "Встреча", "Deploy window"]
LOCATIONS = ["Room 4.12", "Café Müller, Berlin", "Zoom", "Büro; 2. OG", "東京オフィス", ""]
HOLIDAYS = ["New Year's Day", "Tag der Arbeit", "Fête nationale", "Día de la Hispanidad", "元日",
            "Christmas Day", "Boxing Day", "Vacation: Mallorca", "Bridge day", "Ostermontag"]
TASK_TITLES = ["Renew passport", "Pay invoice #4711", "Buy milk, eggs; bread", "Prepare slides für Montag",
               "Call plumber", "Book hotel in Zürich", "写报告", "File taxes", "Water the plants"]

VTIMEZONES = {
    "Europe/Berlin": [
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
        "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
        "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE"],
    "America/New_York": [
        "BEGIN:VTIMEZONE", "TZID:America/New_York",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT",
        "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST",
        "DTSTART:19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD",
        "END:VTIMEZONE"],
}


class SeedError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Text helpers

def esc(value):
    """A TEXT value escaped (RFC 5545 §3.3.11, RFC 6350 §3.4)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def param(value):
    """A parameter value, quoted when it holds : ; , or non-ASCII."""
    if re.search(r'[:;,]', value) or not value.isascii():
        return '"%s"' % value.replace('"', "'")
    return value


def fold(line):
    """The line folded to 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    if line.isascii():
        parts = [line[:75]] + [line[i:i + 74] for i in range(75, len(line), 74)]
        return "\r\n ".join(parts)
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def render(lines):
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def det_uuid(*parts):
    return str(uuid.uuid5(UID_NAMESPACE, "/".join(str(p) for p in parts)))


def day(base, offset):
    return base + datetime.timedelta(days=offset)


def fmt_dt(value):
    return value.strftime("%Y%m%dT%H%M%S")


def fmt_d(value):
    return value.strftime("%Y%m%d")


# ---------------------------------------------------------------------------------------------
# vCards

def contact_uid(seed, user, book, index):
    """(UID value, uuid) of a contact: vCard 4.0 (odd index) uses urn:uuid:, 3.0 the bare uuid."""
    plain = det_uuid("contact", seed, user, book, index)
    return ("urn:uuid:" + plain if index % 2 else plain), plain


def href_for(uid_plain, index, ext):
    return ("item-%04d.%s" % (index, ext)) if index % 10 == 9 else "%s.%s" % (uid_plain, ext)


def vcard(seed, user, book, index):
    rng = random.Random("vcard/%s/%s/%s/%d" % (seed, user, book, index))
    given, family, slug = PEOPLE[(index + len(book)) % len(PEOPLE)]
    v4 = index % 2 == 1
    uid, _ = contact_uid(seed, user, book, index)
    org, unit = ORGS[rng.randrange(len(ORGS))]
    city, code, country = CITIES[rng.randrange(len(CITIES))]
    street = "%d %s" % (rng.randrange(1, 200), rng.choice(["Hauptstraße", "Main St., Apt 4", "Rue de l'Église", "Calle 5; Piso 2"]))
    fn = (family + given) if not given.isascii() and not family.isascii() and "\u4e00" <= given[0] <= "\u9fff" else "%s %s" % (given, family)
    domain = "acme.test" if book.startswith("work") else "example.test"
    email = "%s.%d@%s" % (slug, index, domain)
    phone = "+49 30 %04d %04d" % (rng.randrange(10000), rng.randrange(10000))
    note = ("Met at the conference, %s; prefers e-mail.\nSecond line: \"quotes\", backslash \\ and ümlauts. %s"
            % (city, "Lorem ipsum dolor sit amet, consectetur adipiscing elit " * (1 + index % 3)))
    lines = ["BEGIN:VCARD", "VERSION:%s" % ("4.0" if v4 else "3.0"), "PRODID:" + PRODID, "UID:" + uid]
    if v4:
        lines.append("KIND:individual")
    lines += ["FN:" + esc(fn), "N:%s;%s;;;" % (esc(family), esc(given))]
    if v4:
        lines += ["EMAIL;TYPE=work;PREF=1:" + email,
                  "EMAIL;TYPE=home:%s@home.example.test" % slug,
                  "TEL;VALUE=uri;TYPE=cell:tel:" + phone.replace(" ", "-"),
                  "ADR;TYPE=work;LABEL=%s:;;%s;%s;;%s;%s" % (param("%s, %s" % (street, city)), esc(street), esc(city), esc(code), esc(country))]
    else:
        lines += ["EMAIL;TYPE=INTERNET,WORK,pref:" + email,
                  "EMAIL;TYPE=INTERNET,HOME:%s@home.example.test" % slug,
                  "TEL;TYPE=CELL:" + phone,
                  "ADR;TYPE=WORK:;;%s;%s;;%s;%s" % (esc(street), esc(city), esc(code), esc(country))]
    lines.append("ORG:%s%s" % (esc(org), (";" + esc(unit)) if unit else ""))
    if index % 3 == 0:
        lines.append("TITLE:" + esc(rng.choice(["Engineer", "Head of R&D, EMEA", "Geschäftsführerin"])))
    if index % 4 == 0:
        lines.append("BDAY:%s" % ("%04d%02d%02d" % (1950 + index % 50, 1 + index % 12, 1 + index % 28) if v4
                                 else "%04d-%02d-%02d" % (1950 + index % 50, 1 + index % 12, 1 + index % 28)))
    if index % 5 == 0:
        lines.append("CATEGORIES:%s" % ",".join(esc(c) for c in ["Friends", "VIP, gold", "Family"][: 1 + index % 3]))
    lines += ["NOTE:" + esc(note), "REV:" + DTSTAMP, "END:VCARD"]
    return render(lines)


def photo_vcard(seed, user, book):
    uid = det_uuid("contact-photo", seed, user, book)
    rng = random.Random("photo/%s/%s" % (seed, user))
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    size = 2 * 1024 * 1024
    data = head + rng.randbytes(size - len(head) - 2) + b"\xff\xd9"
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:" + PRODID, "UID:" + uid,
             "FN:Photo Ängstrom", "N:Ängstrom;Photo;;;", "EMAIL;TYPE=INTERNET:photo@example.test",
             "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(data).decode("ascii"),
             "NOTE:A 2 MiB photo (%d bytes)" % size, "REV:" + DTSTAMP, "END:VCARD"]
    return render(lines)


def group_v4(seed, user, book):
    uid = "urn:uuid:" + det_uuid("group-v4", seed, user, book)
    members = [contact_uid(seed, user, book, i)[1] for i in (0, 1, 2)]
    lines = ["BEGIN:VCARD", "VERSION:4.0", "PRODID:" + PRODID, "UID:" + uid, "KIND:group",
             "FN:Book club (vCard 4)", "N:Book club (vCard 4);;;;"]
    lines += ["MEMBER:urn:uuid:" + m for m in members]
    lines += ["REV:" + DTSTAMP, "END:VCARD"]
    return render(lines)


def group_apple(seed, user, book):
    uid = det_uuid("group-apple", seed, user, book)
    members = [contact_uid(seed, user, book, i)[1] for i in (3, 4, 5, 6)]
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//AddressBook 6.1//EN", "UID:" + uid,
             "X-ADDRESSBOOKSERVER-KIND:group", "FN:" + esc("Ski trip, 2026"), "N:Ski trip\\, 2026;;;;"]
    lines += ["X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:" + m for m in members]
    lines += ["REV:" + DTSTAMP, "END:VCARD"]
    return render(lines)


# ---------------------------------------------------------------------------------------------
# iCalendar

def calendar_object(components, tzids=()):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + PRODID, "CALSCALE:GREGORIAN"]
    for tzid in sorted(set(tzids)):
        lines += VTIMEZONES[tzid]
    for component in components:
        lines += component
    lines.append("END:VCALENDAR")
    return render(lines)


def event_uid(seed, user, cal, index):
    plain = det_uuid("event", seed, user, cal, index)
    return (plain if index % 7 else "%s@mailmig.test" % plain), plain


def alarm(minutes, text):
    return ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT%dM" % minutes, "DESCRIPTION:" + esc(text), "END:VALARM"]


def attendees(rng, user, count):
    lines = ["ORGANIZER;CN=%s:mailto:%s@acme.test" % (param(user.capitalize() + " Example"), user)]
    for given, family, slug in rng.sample(PEOPLE, count):
        lines.append("ATTENDEE;CN=%s;ROLE=REQ-PARTICIPANT;PARTSTAT=%s;RSVP=TRUE:mailto:%s@acme.test"
                     % (param("%s %s" % (given, family)), rng.choice(["ACCEPTED", "NEEDS-ACTION", "TENTATIVE", "DECLINED"]), slug))
    lines.append("ATTENDEE;CN=%s;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:%s@acme.test" % (param(user.capitalize() + " Example"), user))
    return lines


def event(seed, user, cal, index):
    """(bytes, uid, href) of event `index` of calendar `cal`."""
    rng = random.Random("event/%s/%s/%s/%d" % (seed, user, cal, index))
    euid, plain = event_uid(seed, user, cal, index)
    base = datetime.datetime(2026, 1, 5, 8, 0) + datetime.timedelta(days=index * 3 + rng.randrange(3),
                                                                   minutes=30 * rng.randrange(20))
    kind = index % 6
    if cal == "holidays":
        kind = 3 if index % 4 else 4
    elif cal == "work" and kind in (2, 3):
        kind = 5
    title = HOLIDAYS[index % len(HOLIDAYS)] if cal == "holidays" else SUBJECTS[(index + len(cal)) % len(SUBJECTS)]
    lines = ["BEGIN:VEVENT", "UID:" + euid, "DTSTAMP:" + DTSTAMP, "CREATED:" + DTSTAMP,
             "SUMMARY:" + esc(title)]
    tzids = []
    length = datetime.timedelta(minutes=30 * (1 + rng.randrange(4)))
    if kind == 0:  # UTC
        lines += ["DTSTART:%sZ" % fmt_dt(base), "DTEND:%sZ" % fmt_dt(base + length)]
    elif kind == 1 or kind == 5:  # a time zone
        tzid = "Europe/Berlin" if (index // 6) % 2 == 0 or cal != "work" else "America/New_York"
        tzids.append(tzid)
        lines += ["DTSTART;TZID=%s:%s" % (tzid, fmt_dt(base)), "DTEND;TZID=%s:%s" % (tzid, fmt_dt(base + length))]
    elif kind == 2:  # floating
        lines += ["DTSTART:" + fmt_dt(base), "DTEND:" + fmt_dt(base + length)]
    elif kind == 3:  # all day
        lines += ["DTSTART;VALUE=DATE:" + fmt_d(base), "DTEND;VALUE=DATE:" + fmt_d(day(base, 1 + (index % 5 == 0) * 2)),
                  "TRANSP:TRANSPARENT"]
    else:  # weekly (or yearly in holidays)
        if cal == "holidays":
            lines += ["DTSTART;VALUE=DATE:" + fmt_d(base), "DTEND;VALUE=DATE:" + fmt_d(day(base, 1)),
                      "RRULE:FREQ=YEARLY", "TRANSP:TRANSPARENT"]
        else:
            tzids.append("Europe/Berlin")
            lines += ["DTSTART;TZID=Europe/Berlin:" + fmt_dt(base),
                      "DTEND;TZID=Europe/Berlin:" + fmt_dt(base + length)]
            if index % 12 == 4:
                lines.append("RRULE:FREQ=WEEKLY;UNTIL=%sZ" % fmt_dt(base + datetime.timedelta(weeks=8)))
            else:
                lines.append("RRULE:FREQ=WEEKLY;BYDAY=%s;COUNT=%d" % (
                    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][base.weekday()], 4 + index % 10))
            if base.weekday() < 5 and index % 3 == 0:
                lines.append("EXDATE;TZID=Europe/Berlin:" + fmt_dt(base + datetime.timedelta(weeks=1)))
    if kind == 5 or (cal == "work" and index % 2 == 0):
        lines += attendees(rng, user, 1 + index % 3)
    location = LOCATIONS[index % len(LOCATIONS)]
    if location and cal != "holidays":
        lines.append("LOCATION:" + esc(location))
    if index % 4 == 1:
        lines.append("DESCRIPTION:" + esc("Agenda:\n1. Status, risks; next steps\n2. Überblick — 议程\n" + "Details follow. " * (index % 5)))
    if index % 5 == 2:
        lines.append("CATEGORIES:" + ",".join(esc(c) for c in ["Business", "Reisen, Ausland"][: 1 + index % 2]))
    if index % 8 == 3:
        lines.append("STATUS:TENTATIVE")
    lines.append("SEQUENCE:0")
    if index % 3 == 2 and cal != "holidays":
        lines += alarm(15 if index % 2 else 60, "Reminder: " + title)
    lines.append("END:VEVENT")
    return calendar_object([lines], tzids), euid, href_for(plain, index, "ics")


def todo(seed, user, cal, index):
    rng = random.Random("todo/%s/%s/%s/%d" % (seed, user, cal, index))
    plain = det_uuid("todo", seed, user, cal, index)
    due = datetime.datetime(2026, 2, 1, 17, 0) + datetime.timedelta(days=index * 2 + rng.randrange(5))
    title = TASK_TITLES[index % len(TASK_TITLES)]
    lines = ["BEGIN:VTODO", "UID:" + plain, "DTSTAMP:" + DTSTAMP, "CREATED:" + DTSTAMP, "SUMMARY:" + esc(title)]
    tzids = []
    if index % 3 == 0:
        lines.append("DUE:%sZ" % fmt_dt(due))
    elif index % 3 == 1:
        lines.append("DUE;VALUE=DATE:" + fmt_d(due))
    else:
        tzids.append("Europe/Berlin")
        lines += ["DTSTART;TZID=Europe/Berlin:" + fmt_dt(due - datetime.timedelta(days=2)),
                  "DUE;TZID=Europe/Berlin:" + fmt_dt(due)]
    status = ["NEEDS-ACTION", "IN-PROCESS", "COMPLETED", "CANCELLED"][index % 4]
    lines.append("STATUS:" + status)
    if status == "COMPLETED":
        lines += ["COMPLETED:%sZ" % fmt_dt(due - datetime.timedelta(hours=3)), "PERCENT-COMPLETE:100"]
    elif status == "IN-PROCESS":
        lines.append("PERCENT-COMPLETE:%d" % (10 * (1 + index % 9)))
    lines.append("PRIORITY:%d" % [0, 1, 5, 9][index % 4])
    if index % 5 == 0:
        lines.append("DESCRIPTION:" + esc("Notes, with commas; semicolons and a\nsecond line — ça va?"))
    lines += ["SEQUENCE:0", "END:VTODO"]
    return calendar_object([lines], tzids), plain, href_for(plain, index, "ics")


def hard_events(seed, user, cal):
    """[(href, bytes)] of the hard-case events."""
    items = []
    # A weekly event with two overridden instances, all three VEVENTs in one resource.
    uid = det_uuid("hard-recurring", seed, user, cal)
    start = datetime.datetime(2026, 3, 2, 10, 0)
    master = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + DTSTAMP, "SUMMARY:" + esc("Weekly sync, with exceptions"),
              "DTSTART;TZID=Europe/Berlin:" + fmt_dt(start), "DTEND;TZID=Europe/Berlin:" + fmt_dt(start + datetime.timedelta(hours=1)),
              "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10", "SEQUENCE:0", "END:VEVENT"]
    second = start + datetime.timedelta(weeks=2)
    moved = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + DTSTAMP, "RECURRENCE-ID;TZID=Europe/Berlin:" + fmt_dt(second),
             "SUMMARY:Weekly sync (moved to Tuesday)", "DTSTART;TZID=Europe/Berlin:" + fmt_dt(second + datetime.timedelta(days=1, hours=4)),
             "DTEND;TZID=Europe/Berlin:" + fmt_dt(second + datetime.timedelta(days=1, hours=5)), "SEQUENCE:1", "END:VEVENT"]
    fifth = start + datetime.timedelta(weeks=5)
    renamed = ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + DTSTAMP, "RECURRENCE-ID;TZID=Europe/Berlin:" + fmt_dt(fifth),
               "SUMMARY:" + esc("Weekly sync — Sonderausgabe, extended"), "DTSTART;TZID=Europe/Berlin:" + fmt_dt(fifth),
               "DTEND;TZID=Europe/Berlin:" + fmt_dt(fifth + datetime.timedelta(hours=2)), "LOCATION:Großer Saal",
               "SEQUENCE:1", "END:VEVENT"]
    items.append(("hard-recurring.ics", calendar_object([master, moved, renamed], ["Europe/Berlin"])))
    # An inline binary attachment.
    blob = random.Random("attach/%s/%s" % (seed, user)).randbytes(4096)
    at = datetime.datetime(2026, 3, 4, 13, 0)
    items.append(("hard-attach-binary.ics", calendar_object([[
        "BEGIN:VEVENT", "UID:" + det_uuid("hard-attach-binary", seed, user, cal), "DTSTAMP:" + DTSTAMP,
        "SUMMARY:Event with an inline attachment", "DTSTART:%sZ" % fmt_dt(at), "DTEND:%sZ" % fmt_dt(at + datetime.timedelta(hours=1)),
        "ATTACH;FMTTYPE=application/octet-stream;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=blob.bin:" + base64.b64encode(blob).decode("ascii"),
        "SEQUENCE:0", "END:VEVENT"]])))
    # An attachment by URL.
    items.append(("hard-attach-url.ics", calendar_object([[
        "BEGIN:VEVENT", "UID:" + det_uuid("hard-attach-url", seed, user, cal), "DTSTAMP:" + DTSTAMP,
        "SUMMARY:Event with an attachment by URL", "DTSTART:%sZ" % fmt_dt(at + datetime.timedelta(days=1)),
        "DTEND:%sZ" % fmt_dt(at + datetime.timedelta(days=1, hours=1)),
        "ATTACH;FMTTYPE=application/pdf:https://files.acme.test/agenda%20(final).pdf?v=2&lang=de",
        "SEQUENCE:0", "END:VEVENT"]])))
    # A 500-character non-ASCII description.
    pattern = "Příliš žluťoučký kůň úpěl ďábelské ódy; 日本語のテキスト, Ελληνικά κείμενα — Ünïcödé ✓ "
    description = (pattern * 10)[:500]
    assert len(description) == 500
    items.append(("hard-long-description.ics", calendar_object([[
        "BEGIN:VEVENT", "UID:" + det_uuid("hard-long-description", seed, user, cal), "DTSTAMP:" + DTSTAMP,
        "SUMMARY:Long description — Überlänge", "DTSTART;VALUE=DATE:20260310", "DTEND;VALUE=DATE:20260311",
        "DESCRIPTION:" + esc(description), "SEQUENCE:0", "END:VEVENT"]])))
    return items


def hard_todos(seed, user, cal):
    parent = det_uuid("hard-todo", seed, user, cal)
    first = ["BEGIN:VTODO", "UID:" + parent, "DTSTAMP:" + DTSTAMP, "SUMMARY:Migrate the calendars",
             "DTSTART;TZID=Europe/Berlin:20260301T090000", "DUE;TZID=Europe/Berlin:20260315T180000",
             "STATUS:IN-PROCESS", "PERCENT-COMPLETE:40", "PRIORITY:1", "SEQUENCE:0"]
    first += alarm(30, "Migration due") + ["END:VTODO"]
    child = ["BEGIN:VTODO", "UID:" + det_uuid("hard-todo-child", seed, user, cal), "DTSTAMP:" + DTSTAMP,
             "SUMMARY:Export the address books", "DUE;VALUE=DATE:20260305", "STATUS:COMPLETED",
             "COMPLETED:20260304T160000Z", "PERCENT-COMPLETE:100", "RELATED-TO;RELTYPE=PARENT:" + parent,
             "SEQUENCE:0", "END:VTODO"]
    return [("hard-todo.ics", calendar_object([first], ["Europe/Berlin"])),
            ("hard-todo-child.ics", calendar_object([child]))]


def added_event(seed, user, cal, k):
    uid = det_uuid("added", seed, user, cal, k)
    start = datetime.datetime(2026, 6, 1, 9, 0) + datetime.timedelta(hours=k * 5)
    return calendar_object([[
        "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + DTSTAMP, "SUMMARY:" + esc("Added event #%d, pass" % k),
        "DTSTART:%sZ" % fmt_dt(start), "DTEND:%sZ" % fmt_dt(start + datetime.timedelta(hours=1)),
        "SEQUENCE:0", "END:VEVENT"]])


def malformed_event(seed, user, cal):
    """An event with the UID of the calendar's item 0 (a duplicate UID in the collection)."""
    _, uid, _ = event(seed, user, cal, 0)
    return calendar_object([[
        "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + DTSTAMP, "SUMMARY:Duplicate UID (planted in storage)",
        "DTSTART:20260120T100000Z", "DTEND:20260120T110000Z", "SEQUENCE:0", "END:VEVENT"]])


# ---------------------------------------------------------------------------------------------
# HTTP

class Client:
    def __init__(self, base, user, password, ca_file=None, insecure=False, timeout=120):
        self.base = base if base.endswith("/") else base + "/"
        parsed = urllib.parse.urlsplit(self.base)
        if parsed.scheme not in ("http", "https"):
            raise SeedError("--url must be http:// or https://: %s" % base)
        self.parsed = parsed
        self.auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")
        self.timeout = timeout
        self.context = None
        if parsed.scheme == "https":
            self.context = ssl.create_default_context(cafile=ca_file)
            if insecure:
                self.context.check_hostname = False
                self.context.verify_mode = ssl.CERT_NONE

    def url(self, path):
        return urllib.parse.urljoin(self.base, path)

    def request(self, method, url, body=None, headers=None):
        """(status, headers dict (lower-case names), body bytes). One connection each (Radicale's
        server speaks HTTP/1.0 and closes after every answer)."""
        target = urllib.parse.urlsplit(self.url(url))
        if (target.scheme, target.netloc) != (self.parsed.scheme, self.parsed.netloc):
            raise SeedError("%s %s: not on the server %s" % (method, url, self.base))
        if target.scheme == "https":
            conn = http.client.HTTPSConnection(target.hostname, target.port, timeout=self.timeout, context=self.context)
        else:
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=self.timeout)
        all_headers = {"Authorization": self.auth, "User-Agent": "mailmig-seed/1"}
        all_headers.update(headers or {})
        path = target.path + ("?" + target.query if target.query else "")
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        except OSError as e:
            raise SeedError("%s %s: %s" % (method, self.url(url), e)) from e
        finally:
            conn.close()

    def fail(self, method, url, status, data):
        text = data.decode("utf-8", "replace").strip().replace("\n", " ")
        raise SeedError("%s %s: HTTP %d%s" % (method, self.url(url), status, (": " + text[:300]) if text else ""))

    def propfind(self, url, depth, props):
        body = ('<?xml version="1.0" encoding="utf-8"?>\n<D:propfind xmlns:D="DAV:"><D:prop>%s</D:prop></D:propfind>'
                % "".join("<D:%s/>" % p for p in props)).encode("utf-8")
        status, _, data = self.request("PROPFIND", url, body, {"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"})
        if status == 404:
            return None
        if status != 207:
            self.fail("PROPFIND", url, status, data)
        result = {}
        for response in ET.fromstring(data).findall("{DAV:}response"):
            href = urllib.parse.unquote(response.findtext("{DAV:}href") or "")
            values = {}
            for propstat in response.findall("{DAV:}propstat"):
                if " 200 " not in (propstat.findtext("{DAV:}status") or ""):
                    continue
                prop_element = propstat.find("{DAV:}prop")
                for prop in (list(prop_element) if prop_element is not None else []):
                    values[prop.tag] = prop
            result[urllib.parse.urlsplit(href).path] = values
        return result


# ---------------------------------------------------------------------------------------------
# Seeding

class Seeder:
    def __init__(self, client, home, user, seed):
        self.client = client
        self.user = user
        self.home = home
        self.seed = seed
        self.created = self.existing = self.put = self.already = self.changed = 0

    def collection_url(self, name):
        return urllib.parse.urljoin(self.home, name + "/")

    def ensure_collection(self, name, body, method):
        url = self.collection_url(name)
        if self.client.propfind(url, 0, ["resourcetype"]) is not None:
            self.existing += 1
            return
        status, _, data = self.client.request(method, url, body.encode("utf-8"), {"Content-Type": "application/xml; charset=utf-8"})
        if status == 201:
            self.created += 1
        elif status == 405:  # created meanwhile
            self.existing += 1
        else:
            self.client.fail(method, url, status, data)

    def ensure_addressbook(self, name, display, description):
        self.ensure_collection(name, (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>'
            '<D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>'
            '<D:displayname>%s</D:displayname>'
            '<CR:addressbook-description>%s</CR:addressbook-description>'
            '</D:prop></D:set></D:mkcol>') % (xml_text(display), xml_text(description)), "MKCOL")

    def ensure_calendar(self, name, display, color, description, component):
        self.ensure_collection(name, (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">'
            '<D:set><D:prop>'
            '<D:displayname>%s</D:displayname>'
            '<A:calendar-color>%s</A:calendar-color>'
            '<C:calendar-description>%s</C:calendar-description>'
            '<C:supported-calendar-component-set><C:comp name="%s"/></C:supported-calendar-component-set>'
            '</D:prop></D:set></C:mkcalendar>') % (xml_text(display), color, xml_text(description), component), "MKCALENDAR")

    def put_new(self, collection, href, data):
        url = self.collection_url(collection) + urllib.parse.quote(href)
        content_type = "text/vcard; charset=utf-8" if href.endswith(".vcf") else "text/calendar; charset=utf-8"
        status, _, body = self.client.request("PUT", url, data, {"If-None-Match": "*", "Content-Type": content_type})
        if status in (200, 201, 204):
            self.put += 1
        elif status == 412:
            self.already += 1
        else:
            self.client.fail("PUT", url, status, body)

    def items(self, collection):
        """{href (last segment): etag} of a collection."""
        url = self.collection_url(collection)
        found = self.client.propfind(url, 1, ["getetag", "resourcetype"])
        if found is None:
            raise SeedError("%s does not exist: seed the corpus first" % self.client.url(url))
        base = urllib.parse.urlsplit(self.client.url(url)).path
        result = {}
        for path, props in found.items():
            if path.rstrip("/") == base.rstrip("/"):
                continue
            etag = props.get("{DAV:}getetag")
            result[path.rstrip("/").rsplit("/", 1)[-1]] = etag.text if etag is not None else None
        return result

    def change(self, collection, count):
        hrefs = sorted(self.items(collection))
        if len(hrefs) < count:
            raise SeedError("%s has %d items, fewer than --change %d" % (collection, len(hrefs), count))
        for href in hrefs[:count]:
            url = self.collection_url(collection) + urllib.parse.quote(href)
            status, headers, data = self.client.request("GET", url)
            if status != 200:
                self.client.fail("GET", url, status, data)
            etag = headers.get("etag")
            if not etag:
                raise SeedError("GET %s: no ETag header" % self.client.url(url))
            new = changed_text(data.decode("utf-8"))
            status, _, body = self.client.request("PUT", url, new, {"If-Match": etag, "Content-Type": "text/calendar; charset=utf-8"})
            if status not in (200, 201, 204):
                self.client.fail("PUT (If-Match %s)" % etag, url, status, body)
            self.changed += 1

    def add(self, collection, count):
        prefix = "added-%s-" % self.seed
        highest = 0
        for href in self.items(collection):
            match = re.fullmatch(re.escape(prefix) + r"(\d+)\.ics", href)
            if match:
                highest = max(highest, int(match.group(1)))
        for k in range(highest + 1, highest + 1 + count):
            self.put_new(collection, "%s%d.ics" % (prefix, k), added_event(self.seed, self.user, collection, k))


def xml_text(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def changed_text(text):
    """Every VEVENT gets SEQUENCE one more (1 when absent) and SUMMARY "<summary> (changed N)", N the
    new SEQUENCE (an earlier " (changed M)" replaced), so repeated changes stay deterministic."""
    out, block = [], None
    for line in unfold(text).replace("\r\n", "\n").split("\n"):
        if not line:
            continue
        upper = line.upper()
        if upper == "BEGIN:VEVENT":
            block = [line]
        elif block is not None and upper == "END:VEVENT":
            block.append(line)
            out += changed_event(block)
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    return render(out)


def changed_event(lines):
    """One VEVENT's lines (BEGIN to END) changed; lines of nested components (VALARM) untouched."""
    depth, sequence = 0, None
    for line in lines[1:-1]:
        if re.match(r"(?i)BEGIN:", line):
            depth += 1
        elif re.match(r"(?i)END:", line):
            depth -= 1
        elif depth == 0 and re.match(r"(?i)SEQUENCE[;:]", line):
            sequence = int(line.partition(":")[2].strip() or 0)
    new_sequence = (sequence or 0) + 1
    out, depth = [], 0
    for position, line in enumerate(lines):
        name = re.split(r"[;:]", line, 1)[0].upper()
        if name == "BEGIN" and position > 0:
            depth += 1
        elif name == "END" and position < len(lines) - 1:
            depth -= 1
        elif depth == 0 and name == "SEQUENCE":
            line = "SEQUENCE:%d" % new_sequence
        elif depth == 0 and name == "SUMMARY":
            key, _, value = line.partition(":")
            line = "%s:%s (changed %d)" % (key, re.sub(r" \(changed \d+\)$", "", value), new_sequence)
        out.append(line)
    if sequence is None:
        out.insert(-1, "SEQUENCE:%d" % new_sequence)
    return out


def plant_malformed(storage, user, collection, data):
    """Writes zz-duplicate-uid.ics into Radicale's storage. True when written, False when there."""
    folder = os.path.join(storage, "collection-root", user, collection)
    if not os.path.isfile(os.path.join(folder, ".Radicale.props")):
        raise SeedError("--malformed: %s is not a Radicale collection folder (is --storage the source's "
                        "filesystem_folder, and the source the server at --url?)" % folder)
    path = os.path.join(folder, "zz-duplicate-uid.ics")
    with open(os.path.join(storage, ".Radicale.lock"), "w+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError), open(path, "rb") as f:
            if f.read() == data:
                return False
        fd, tmp = tempfile.mkstemp(prefix=".Radicale.tmp-", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--url", required=True, help="the server's root, e.g. http://127.0.0.1:15232/")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--home", help="the collections' parent (default <url>/<user>/)")
    parser.add_argument("--addressbooks", type=int, default=2)
    parser.add_argument("--calendars", type=int, default=3)
    parser.add_argument("--items-per-collection", type=int, default=70)
    parser.add_argument("--hard-cases", action="store_true")
    parser.add_argument("--malformed", action="store_true")
    parser.add_argument("--storage", default=os.environ.get("MAILMIG_TEST_DAV_SOURCE_STORAGE"),
                        help="the source Radicale's filesystem_folder, for --malformed")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--change", type=int, default=0, metavar="N")
    parser.add_argument("--add", type=int, default=0, metavar="N")
    parser.add_argument("--ca-file")
    parser.add_argument("--insecure", action="store_true")
    args = parser.parse_args()
    if not 0 <= args.addressbooks <= len(ADDRESSBOOKS) or not 1 <= args.calendars <= len(CALENDARS):
        parser.error("--addressbooks 0..%d and --calendars 1..%d" % (len(ADDRESSBOOKS), len(CALENDARS)))
    if args.malformed and not args.storage:
        parser.error("--malformed needs --storage (the source Radicale's storage folder) "
                     "or MAILMIG_TEST_DAV_SOURCE_STORAGE")
    if args.items_per_collection < 10 and args.hard_cases:
        parser.error("--hard-cases needs --items-per-collection 10 or more (groups name contacts 0-6)")

    try:
        client = Client(args.url, args.user, args.password, args.ca_file, args.insecure)
        home = client.url(args.home) if args.home else client.url(urllib.parse.quote(args.user) + "/")
        seeder = Seeder(client, home, args.user, args.seed)
        first_calendar = CALENDARS[0][0]
        if args.change or args.add:
            if args.change:
                seeder.change(first_calendar, args.change)
            if args.add:
                seeder.add(first_calendar, args.add)
            print("seed.py: %s at %s: %d events changed, %d events added, %d already there"
                  % (args.user, home, seeder.changed, seeder.put, seeder.already))
            return 0
        # The principal collection: Radicale makes it at the first authenticated request.
        if client.propfind(home, 0, ["resourcetype"]) is None:
            raise SeedError("%s does not exist (wrong --home?)" % home)
        n = args.items_per_collection
        for name, display, description in ADDRESSBOOKS[:args.addressbooks]:
            seeder.ensure_addressbook(name, display, description)
        for name, display, color, description in CALENDARS[:args.calendars]:
            seeder.ensure_calendar(name, display, color, description, "VEVENT")
        seeder.ensure_calendar(TASKS[0], TASKS[1], TASKS[2], TASKS[3], "VTODO")

        for position, (book, _, _) in enumerate(ADDRESSBOOKS[:args.addressbooks]):
            for i in range(n):
                _, plain = contact_uid(args.seed, args.user, book, i)
                seeder.put_new(book, href_for(plain, i, "vcf"), vcard(args.seed, args.user, book, i))
            if args.hard_cases and position == 0:
                seeder.put_new(book, "hard-photo.vcf", photo_vcard(args.seed, args.user, book))
                seeder.put_new(book, "hard-group-v4.vcf", group_v4(args.seed, args.user, book))
                seeder.put_new(book, "hard-group-apple.vcf", group_apple(args.seed, args.user, book))
        for position, (cal, _, _, _) in enumerate(CALENDARS[:args.calendars]):
            for i in range(n):
                data, _, href = event(args.seed, args.user, cal, i)
                seeder.put_new(cal, href, data)
            if args.hard_cases and position == 0:
                for href, data in hard_events(args.seed, args.user, cal):
                    seeder.put_new(cal, href, data)
        for i in range(n):
            data, _, href = todo(args.seed, args.user, TASKS[0], i)
            seeder.put_new(TASKS[0], href, data)
        if args.hard_cases:
            for href, data in hard_todos(args.seed, args.user, TASKS[0]):
                seeder.put_new(TASKS[0], href, data)

        planted = ""
        if args.malformed:
            written = plant_malformed(args.storage, args.user, first_calendar,
                                      malformed_event(args.seed, args.user, first_calendar))
            planted = ", malformed item %s" % ("planted" if written else "already there")
        print("seed.py: %s at %s: %d collections created, %d already there; %d items put, %d already there%s"
              % (args.user, home, seeder.created, seeder.existing, seeder.put, seeder.already, planted))
        return 0
    except SeedError as e:
        print("seed.py: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
