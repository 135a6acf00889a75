#!/usr/bin/env python3
"""Writes a deterministic test corpus of e-mail messages: the same seed always gives the same bytes.

Layout of --out DIR:
  DIR/corpus.json                     parameters and totals
  DIR/<mailbox>/manifest.json         one entry per message: file, folder, flags, internal date, size, sha256
  DIR/<mailbox>/<folder levels>/NNNNN.eml

Folders use the plan form ("Projekte/Überweisungen"); the loader converts them to each server's
separator and to modified UTF-7. The mix: mostly 2-20 KB text or text+HTML messages, about 10 % with
0.1-3 MB base64 attachments, optional --large messages of 10-30 MB, system flags and keywords,
internal dates over three years ending at --end, some messages without Message-ID and some sharing one.

Usage: generate.py --mailboxes 3 --messages 500 --seed 1 --out DIR [--large N] [--end YYYY-MM-DD]
       (--large-min/--large-max bound the large messages, --attachments the share with attachments)
       [--extra-folders N] [--real DIR --real-share F]
--extra-folders adds N more folders to the 12 (a yearly archive tree, "Archiv/2001" ...), each as
likely as the rarest of the 12. --real takes that share of the messages byte for byte from the .eml
files under DIR (real-world messages, some with NUL bytes or bare CR), picked by the seed.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import random
import sys

# Folders in plan form, with how often a message lands there.
FOLDERS = [
    ("INBOX", 30),
    ("Sent Messages", 8),
    ("Entwürfe", 4),
    ("Trash", 3),
    ("Archive", 6),
    ("Projekte", 5),
    ("Projekte/Überweisungen", 5),
    ("Kunden/ACME Corp/2024", 5),
    ("R&D Notizen", 3),
    ("Old Projects", 4),
    ("Calendar", 2),
    ("Calendar/Birthdays", 2),
]
KEYWORDS = ["$Forwarded", "$MDNSent", "$Label1", "Projekt-X", "NonJunk"]
ZONES = [0, 60, 120, -300, -420, 330, 540]
WORDS = ("migration mailbox server folder archive invoice report meeting project customer delivery "
         "schedule budget review contract update question answer draft final weekly quarterly "
         "Überweisung Rechnung Angebot Besprechung Zürich Grüße naïve café résumé").split()
NAMES = ["Anna Müller", "Bob Stone", "Carla Díaz", "Dmitri Ivanov", "Emma Brown", "Jürgen Groß", "Li Wei"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def rfc2822_date(moment):
    """`Tue, 05 Mar 2024 10:11:12 +0100` for an aware datetime."""
    offset = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    return "%s, %02d %s %04d %02d:%02d:%02d %s%02d%02d" % (
        DAYS[moment.weekday()], moment.day, MONTHS[moment.month - 1], moment.year,
        moment.hour, moment.minute, moment.second, sign, abs(offset) // 60, abs(offset) % 60)


def encoded_word(text):
    """An RFC 2047 B-encoded word when the text is not ASCII."""
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode("utf-8")).decode("ascii")


def address(rng, name, domain):
    local = name.split()[0].lower().encode("ascii", "ignore").decode() or "user"
    return "%s <%s.%d@%s>" % (encoded_word(name), local, rng.randrange(100), domain)


def paragraph(rng, size):
    """Text lines of about `size` bytes, 72 columns at most, CRLF line ends."""
    lines, total = [], 0
    while total < size:
        words, length = [], 0
        while length < 60:
            word = rng.choice(WORDS)
            words.append(word)
            length += len(word.encode("utf-8")) + 1
        line = " ".join(words)
        lines.append(line)
        total += len(line.encode("utf-8")) + 2
    return "\r\n".join(lines) + "\r\n"


def base64_lines(data):
    text = base64.b64encode(data).decode("ascii")
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + "\r\n"


def make_message(rng, index, mailbox, moment, message_id, attachment_size):
    """The bytes of one message."""
    sender = address(rng, rng.choice(NAMES), "example.test")
    recipient = address(rng, rng.choice(NAMES), "acme.test")
    subject = "%s %s #%d" % (rng.choice(WORDS).capitalize(), rng.choice(WORDS), index)
    headers = [
        "Return-Path: <bounce-%d@example.test>" % index,
        "Received: from mx.example.test (mx.example.test [192.0.2.%d]) by mail.acme.test; %s"
        % (rng.randrange(1, 255), rfc2822_date(moment)),
        "From: %s" % sender,
        "To: %s" % recipient,
        "Subject: %s" % encoded_word(subject),
        "Date: %s" % rfc2822_date(moment),
    ]
    if message_id is not None:
        headers.append("Message-ID: %s" % message_id)
    headers.append("MIME-Version: 1.0")
    headers.append("X-Corpus: %s/%d" % (mailbox, index))
    text = paragraph(rng, rng.randrange(2_000, 20_000))
    html = rng.random() < 0.4
    boundary = "=_corpus_%d_%08x" % (index, rng.getrandbits(32))
    inner_boundary = boundary + "_alt"
    body = []
    if attachment_size:
        headers.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        body.append("This is a multi-part message in MIME format.\r\n\r\n--%s\r\n" % boundary)
        body.append("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
        body.append(text)
        name = "anhang-%d.%s" % (index, rng.choice(["pdf", "bin", "zip"]))
        body.append("\r\n--%s\r\nContent-Type: application/octet-stream; name=\"%s\"\r\n"
                    "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"%s\"\r\n\r\n"
                    % (boundary, name, name))
        body.append(base64_lines(rng.randbytes(attachment_size)))
        body.append("--%s--\r\n" % boundary)
    elif html:
        headers.append('Content-Type: multipart/alternative; boundary="%s"' % inner_boundary)
        body.append("--%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    % inner_boundary)
        body.append(text)
        body.append("\r\n--%s\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    % inner_boundary)
        body.append("<html><body>\r\n<p>" + text.replace("\r\n", "</p>\r\n<p>") + "</p>\r\n</body></html>\r\n")
        body.append("--%s--\r\n" % inner_boundary)
    else:
        headers.append("Content-Type: text/plain; charset=UTF-8")
        headers.append("Content-Transfer-Encoding: 8bit")
        body.append(text)
    return ("\r\n".join(headers) + "\r\n\r\n" + "".join(body)).encode("utf-8")


def pick_flags(rng, folder):
    flags = []
    if rng.random() < 0.7:
        flags.append("\\Seen")
    if rng.random() < 0.15:
        flags.append("\\Answered")
    if rng.random() < 0.1:
        flags.append("\\Flagged")
    if folder == "Entwürfe":
        flags.append("\\Draft")
    for keyword in KEYWORDS:
        if rng.random() < 0.08:
            flags.append(keyword)
    return flags


def folder_directory(folder):
    return os.path.join(*folder.split("/"))


def real_messages(directory):
    """The .eml files under DIRECTORY, in a stable order."""
    found = []
    for root, _, files in os.walk(directory):
        found += [os.path.join(root, name) for name in files if name.endswith(".eml")]
    return sorted(found)


def header_message_id(data):
    """The Message-ID of raw message bytes, or None."""
    header = data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    for line in header.replace(b"\r\n", b"\n").split(b"\n"):
        if line.lower().startswith(b"message-id:"):
            return line[11:].strip().decode("utf-8", "replace") or None
    return None


def generate(args):
    rng = random.Random(args.seed)
    end = datetime.datetime.strptime(args.end, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
    span = int(args.years * 365.25 * 86400)
    extra = [("Archiv/%d" % (2001 + number), 2) for number in range(getattr(args, "extra_folders", 0))]
    weights = [weight for _, weight in FOLDERS + extra]
    folders = [folder for folder, _ in FOLDERS + extra]
    real = real_messages(args.real) if getattr(args, "real", None) else []
    real_share = getattr(args, "real_share", 0.0) if real else 0.0
    totals = {"mailboxes": args.mailboxes, "messages": 0, "bytes": 0}
    names = ["mbox%02d" % (number + 1) for number in range(args.mailboxes)]
    os.makedirs(args.out, exist_ok=True)
    for number, mailbox in enumerate(names):
        entries, ids = [], []
        root = os.path.join(args.out, mailbox)
        count = args.messages + (args.large if number == 0 else 0)
        for index in range(count):
            large = number == 0 and index >= args.messages
            folder = "INBOX" if large else rng.choices(folders, weights)[0]
            zone = datetime.timezone(datetime.timedelta(minutes=rng.choice(ZONES)))
            moment = (end - datetime.timedelta(seconds=rng.randrange(span))).astimezone(zone).replace(microsecond=0)
            roll = rng.random()
            if roll < 0.05:
                message_id = None
            elif roll < 0.08 and ids:
                message_id = rng.choice(ids)
            else:
                message_id = "<%s.%d.%d@corpus.test>" % (mailbox, args.seed, index)
                ids.append(message_id)
            if large:
                # base64 with CRLF every 76 characters is 78/57 of the raw size.
                total = rng.randrange(args.large_min, args.large_max + 1)
                attachment = max(1, total * 57 // 78 - 25_000)
            elif rng.random() < args.attachments:
                attachment = rng.randrange(100_000, args.attachment_max)
            else:
                attachment = 0
            if not large and real_share and rng.random() < real_share:
                with open(rng.choice(real), "rb") as handle:
                    data = handle.read()
                message_id = header_message_id(data)
            else:
                data = make_message(rng, index, mailbox, moment, message_id, attachment)
            directory = os.path.join(root, folder_directory(folder))
            os.makedirs(directory, exist_ok=True)
            name = "%05d.eml" % index
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(data)
            entries.append({
                "file": os.path.join(folder_directory(folder), name),
                "folder": folder,
                "flags": pick_flags(rng, folder),
                "internal_date": moment.isoformat(),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "message_id": message_id,
            })
            totals["messages"] += 1
            totals["bytes"] += len(data)
        with open(os.path.join(root, "manifest.json"), "w", encoding="utf-8") as handle:
            json.dump({"mailbox": mailbox, "messages": entries}, handle, ensure_ascii=False, indent=1)
    with open(os.path.join(args.out, "corpus.json"), "w", encoding="utf-8") as handle:
        json.dump({"seed": args.seed, "end": args.end, "years": args.years, "mailboxes": names,
                   "messages": totals["messages"], "bytes": totals["bytes"]}, handle, indent=1)
    return totals


def main():
    parser = argparse.ArgumentParser(description="Write a deterministic e-mail corpus (one folder per mailbox).")
    parser.add_argument("--mailboxes", type=int, default=3)
    parser.add_argument("--messages", type=int, default=500, help="messages per mailbox")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--large", type=int, default=0, help="extra 10-30 MB messages in the first mailbox's INBOX")
    parser.add_argument("--large-min", type=int, default=10 << 20, help="smallest large message in bytes (about)")
    parser.add_argument("--large-max", type=int, default=30 << 20, help="largest large message in bytes (about)")
    parser.add_argument("--attachments", type=float, default=0.1, help="share of messages with an attachment")
    parser.add_argument("--attachment-max", type=int, default=3 << 20, help="largest attachment in bytes")
    parser.add_argument("--end", default="2026-11-01", help="latest internal date (YYYY-MM-DD, UTC)")
    parser.add_argument("--years", type=float, default=3.0, help="how far back internal dates go")
    parser.add_argument("--extra-folders", type=int, default=0, help="folders beyond the 12 (Archiv/2001, ...)")
    parser.add_argument("--real", help="a directory of real-world .eml files to mix in byte for byte")
    parser.add_argument("--real-share", type=float, default=0.0, help="share of messages taken from --real")
    args = parser.parse_args()
    if args.mailboxes < 1 or args.messages < 0 or args.large < 0:
        parser.error("--mailboxes must be at least 1, --messages and --large not negative")
    totals = generate(args)
    print("wrote %d messages (%.1f MB) in %d mailboxes to %s"
          % (totals["messages"], totals["bytes"] / 1e6, totals["mailboxes"], args.out))


if __name__ == "__main__":
    sys.exit(main())
