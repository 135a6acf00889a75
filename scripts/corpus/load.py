#!/usr/bin/env python3
"""Loads a corpus into one user of an IMAP server by APPEND, keeping bytes, flags and internal dates.

DIR is either a mailbox folder written by generate.py (it has a manifest.json), or a folder of real
messages such as /work/shared/corpus/real: every subfolder becomes a mail folder (`--prefix` in
front), every file one message, except mbox files (a name containing `.mbox`), which are split at
their `From ` lines (the separator line itself is not part of the message). Message bytes are never
changed: a message with NUL bytes is sent as a BINARY literal.

Logs in as USER*ADMIN (Dovecot master user). Folder names are in plan form ("a/b") and converted to
the server's separator (--separator) and modified UTF-7.

Usage: load.py --port 14302 --ca-file CA --separator . --admin admin --admin-password PW --user NAME DIR
"""
import argparse
import datetime
import email.utils
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaplite  # noqa: E402

FALLBACK_DATE = datetime.datetime(2001, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


HEADER_LINE = re.compile(rb"^[A-Za-z0-9-]+:")


def split_mbox(data):
    """Messages of an mbox file: the bytes between `From ` separator lines, without them.

    A separator is a line starting with `From ` (after a byte-order mark at the very start) that is
    followed by a header line; the empty line before a separator belongs to the mbox format, not to
    the message before it. Message bytes are otherwise kept as they are (no `>From` unquoting).
    """
    lines = data.splitlines(keepends=True)
    messages, current = [], None
    for index, line in enumerate(lines):
        text = line[3:] if index == 0 and line.startswith(b"\xef\xbb\xbf") else line
        following = lines[index + 1] if index + 1 < len(lines) else b""
        if text.startswith(b"From ") and HEADER_LINE.match(following):
            if current:
                if current[-1] in (b"\n", b"\r\n"):
                    current.pop()
                messages.append(b"".join(current))
            current = []
        elif current is not None:
            current.append(line)
        else:
            current = [line]
    if current:
        messages.append(b"".join(current))
    return [message for message in messages if message.strip()]


def date_of(data):
    """The message's Date header as an aware datetime, or a fixed date."""
    header = data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    for line in header.split(b"\n"):
        if line[:5].lower() == b"date:":
            try:
                moment = email.utils.parsedate_to_datetime(line[5:].decode("latin-1").strip())
            except (TypeError, ValueError, IndexError):
                return FALLBACK_DATE
            if moment is None:
                return FALLBACK_DATE
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.timezone.utc)
            if not 1971 <= moment.year <= 2037:
                return FALLBACK_DATE
            return moment.replace(microsecond=0)
    return FALLBACK_DATE


def generated_messages(directory):
    """(folder, bytes, flags, date) from a generate.py mailbox folder."""
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    for entry in manifest["messages"]:
        with open(os.path.join(directory, entry["file"]), "rb") as handle:
            data = handle.read()
        moment = datetime.datetime.fromisoformat(entry["internal_date"])
        yield entry["folder"], data, entry["flags"], moment


def real_messages(directory):
    """(folder, bytes, flags, date) from a folder of real messages; flags vary deterministically."""
    count = 0
    for root, folders, files in os.walk(directory):
        folders.sort()
        relative = os.path.relpath(root, directory)
        if relative == ".":
            continue
        folder = relative.replace(os.sep, "/")
        for name in sorted(files):
            with open(os.path.join(root, name), "rb") as handle:
                data = handle.read()
            parts = split_mbox(data) if ".mbox" in name else [data]
            for part in parts:
                count += 1
                flags = ["\\Seen"] if count % 3 else []
                if count % 7 == 0:
                    flags.append("\\Flagged")
                yield folder, part, flags, date_of(part)


def server_name(folder, prefix, separator):
    levels = ([level for level in prefix.split("/") if level] if prefix else []) + folder.split("/")
    if levels == ["INBOX"]:
        return "INBOX"
    return separator.join(imaplite.encode_utf7(level) for level in levels)


def main():
    parser = argparse.ArgumentParser(description="Load a corpus into a user of a test IMAP server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="implicit-TLS port")
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--separator", default=".", help="the server's hierarchy separator")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--prefix", default="", help="a folder (plan form) to put every folder under")
    parser.add_argument("--only", help="load only this folder (plan form, before --prefix)")
    parser.add_argument("directory")
    args = parser.parse_args()
    if os.path.exists(os.path.join(args.directory, "manifest.json")):
        messages = generated_messages(args.directory)
    elif os.path.isdir(args.directory):
        messages = real_messages(args.directory)
    else:
        parser.error("%s is neither a generated mailbox (manifest.json) nor a folder of messages" % args.directory)
    client = imaplite.Client(args.host, args.port, args.ca_file)
    client.login("%s*%s" % (args.user, args.admin), args.admin_password)
    by_folder = {}
    order = []
    for folder, data, flags, moment in messages:
        if args.only is not None and folder != args.only:
            continue
        if folder not in by_folder:
            by_folder[folder] = []
            order.append(folder)
        by_folder[folder].append((data, flags, moment))
    existing = {name for name, _, _ in client.list_folders()}
    total, size = 0, 0
    for folder in order:
        name = server_name(folder, args.prefix, args.separator)
        levels = name.split(args.separator)
        for depth in range(1, len(levels) + 1):
            parent = args.separator.join(levels[:depth])
            if parent not in existing and parent != "INBOX":
                client.command("CREATE %s" % imaplite.quote(parent))
                client.command("SUBSCRIBE %s" % imaplite.quote(parent))
                existing.add(parent)
        total += client.append_many(name, by_folder[folder])
        size += sum(len(data) for data, _, _ in by_folder[folder])
    client.logout()
    print("loaded %d messages (%.1f MB) in %d folders into %s" % (total, size / 1e6, len(order), args.user))


if __name__ == "__main__":
    sys.exit(main())
