#!/usr/bin/env python3
"""Prints what one user's mailbox holds, folder by folder, as JSON: for tests that compare servers.

Per folder (plan form, "/" between levels, decoded from modified UTF-7): its SPECIAL-USE role and,
per message, the SHA-256 and size of its exact bytes, its flags (without \\Recent, sorted) and its
internal date as a UTC timestamp. Exact bytes: Dovecot shows NUL as 0x80 in BODY[]; where a body has
0x80 and the server offers BINARY, BINARY[] is read too and used when it differs only by NUL there.

Usage: dump.py --port 14312 --ca-file CA --admin admin --admin-password PW --user NAME [--out FILE]
"""
import argparse
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imaplite  # noqa: E402

ROLES = {"\\Sent", "\\Trash", "\\Drafts", "\\Junk", "\\Archive", "\\All", "\\Flagged"}


def exact(body, binary):
    """BINARY[] when it equals BODY[] except NUL where BODY[] has 0x80."""
    if binary is None or len(binary) != len(body):
        return body
    for left, right in zip(body, binary):
        if left != right and not (left == 0x80 and right == 0):
            return body
    return binary


def fetch(client, items, uids="1:*"):
    """{uid: (metadata line, literals)} of a UID FETCH."""
    found = {}
    for line, literals in client.command("UID FETCH %s (%s)" % (uids, items)):
        match = re.search(rb"UID (\d+)", line)
        if line.startswith(b"* ") and b" FETCH " in line and match:
            found[int(match.group(1))] = (line, literals)
    return found


def dump_folder(client, name):
    client.command("EXAMINE %s" % imaplite.quote(name))
    messages = []
    responses = fetch(client, "UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]")
    recheck = [uid for uid, (_, literals) in responses.items() if literals and b"\x80" in literals[0]]
    binaries = {}
    if recheck and "BINARY" in client.capabilities:
        for uid, (_, literals) in fetch(client, "UID BINARY.PEEK[]", ",".join(map(str, recheck))).items():
            binaries[uid] = literals[0] if literals else None
    for uid in sorted(responses):
        line, literals = responses[uid]
        body = literals[0] if literals else b""
        body = exact(body, binaries.get(uid))
        flags_match = re.search(rb"FLAGS \(([^)]*)\)", line)
        flags = sorted(flag for flag in (flags_match.group(1).decode().split() if flags_match else [])
                       if flag.lower() != "\\recent")
        date_match = re.search(rb'INTERNALDATE "([^"]+)"', line)
        moment = imaplite.parse_imap_date(date_match.group(1).decode()) if date_match else None
        messages.append({
            "uid": uid,
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "flags": flags,
            "internal_date": int(moment.timestamp()) if moment else None,
            "nul": b"\x00" in body,
        })
    client.command("CLOSE")
    return messages


def main():
    parser = argparse.ArgumentParser(description="Print a user's folders and messages as JSON.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="implicit-TLS port")
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--admin", default="admin")
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--out", help="write here instead of standard output")
    args = parser.parse_args()
    client = imaplite.Client(args.host, args.port, args.ca_file)
    client.login("%s*%s" % (args.user, args.admin), args.admin_password)
    folders = {}
    for name, delimiter, attributes in sorted(client.list_folders()):
        if any(attribute.lower() in ("\\noselect", "\\nonexistent") for attribute in attributes):
            continue
        levels = name.split(delimiter) if delimiter else [name]
        path = "/".join(imaplite.decode_utf7(level) for level in levels)
        role = next((attribute for attribute in attributes if attribute in ROLES), None)
        folders[path] = {"special_use": role, "messages": dump_folder(client, name)}
    client.logout()
    text = json.dumps({"user": args.user, "folders": folders}, ensure_ascii=False, indent=1, sort_keys=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text)


if __name__ == "__main__":
    sys.exit(main())
