#!/usr/bin/env python3
"""A Dovecot seen as Gmail: an IMAP proxy that adds Gmail's IMAP extensions (X-GM-EXT-1) to a real
Dovecot, for the tests of Gmail's labels (developers.google.com/gmail/imap/imap-extensions).

Usage:
  proxy.py --listen PORT --target HOST:PORT --doveadm-config FILE --user USER [--separator SEP]
           [--tls-cert CRT --tls-key KEY] [--port-file FILE] [--max-seconds T]

What it changes, everything else is forwarded unchanged:
  - CAPABILITY (untagged, or as a response code) gains X-GM-EXT-1;
  - `UID FETCH set (... X-GM-MSGID ... X-GM-LABELS ...)` goes to Dovecot as a fetch of the Message-ID
    header; each answer comes back as Gmail's `X-GM-MSGID id X-GM-THRID id X-GM-LABELS (...)`, where
    the id is derived from the Message-ID (one message, one id, in every folder) and the labels are
    the folders of USER holding a message with that Message-ID (read with `doveadm fetch` at that
    moment): INBOX as `\\Inbox`, others by name with `/` between levels (Dovecot's SEP turned into
    Gmail's `/`); never the virtual `All Mail`, `Trash` or `Junk`;
  - `UID STORE set +X-GM-LABELS[.SILENT] (label)` goes to Dovecot as `UID COPY set folder`: the message
    then shows in the label's folder too, as it does on Gmail (Dovecot keeps a second copy, which
    IMAP cannot tell apart).
One line per APPEND and per label store is written to stderr ("append TAG", "label TAG FOLDER"), and
"listening on PORT" when ready (the port also goes to --port-file). It stops by itself after
--max-seconds (default 900).
"""

import argparse
import asyncio
import hashlib
import os
import re
import ssl
import subprocess
import sys

LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")
GMAIL_FETCH = re.compile(rb"^(\S+) UID FETCH (\S+) \(([^)]*X-GM-LABELS[^)]*)\)\r\n$", re.IGNORECASE)
GMAIL_STORE = re.compile(rb"^(\S+) UID STORE (\S+) \+X-GM-LABELS(?:\.SILENT)? \((.*)\)\r\n$", re.IGNORECASE)
HEADER_ITEM = rb"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID X-GMAIL-EMULATION)]"
HEADER_ANSWER = re.compile(rb"BODY\[HEADER\.FIELDS \([^)]*X-GMAIL-EMULATION[^)]*\)\] \{(\d+)\}\r\n$", re.IGNORECASE)
CAPABILITY = re.compile(rb"CAPABILITY IMAP4rev1", re.IGNORECASE)
NOT_LABELS = {"All Mail", "Trash", "Junk", "Spam"}


def log(text):
    print(text, file=sys.stderr, flush=True)


def message_ids_by_folder(config, user, separator):
    """Message-ID -> the folders of USER that hold it (levels joined by `/`), from doveadm."""
    result = subprocess.run(["doveadm", "-c", config, "fetch", "-u", user, "mailbox hdr.message-id", "ALL"],
                            capture_output=True, text=True, check=True)
    folders = {}
    mailbox = None
    for line in result.stdout.splitlines():
        if line.startswith("mailbox: "):
            mailbox = line[len("mailbox: "):]
        elif line.startswith("hdr.message-id: ") and mailbox is not None:
            message_id = line[len("hdr.message-id: "):].strip()
            levels = mailbox.split(separator)
            if levels[-1] not in NOT_LABELS:
                folder = "/".join(levels)
                folders.setdefault(message_id, [])
                if folder not in folders[message_id]:
                    folders[message_id].append(folder)
    return folders


def gmail_id(message_id):
    """A 63-bit id from the Message-ID: the same message has the same id in every folder."""
    return int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:8], "big") >> 1


def label_of(folder):
    if folder.upper() == "INBOX":
        return b"\\Inbox"
    return b'"' + folder.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8") + b'"'


def folder_of(label, separator):
    """The Dovecot folder a label names (the label as the client quoted it)."""
    label = label.strip()
    if label.lower() == b"\\inbox":
        return b"INBOX"
    return label.replace(b"/", separator.encode())


async def forward_literals(line, reader, writer):
    """After a line announcing a literal `{n}`: forwards its n bytes and the rest of the line, as often
    as the rest announces another."""
    literal = LITERAL.search(line)
    while literal:
        writer.write(await reader.readexactly(int(literal.group(1))))
        rest = await reader.readline()
        writer.write(rest)
        literal = LITERAL.search(rest)


class Connection:
    def __init__(self, args, number):
        self.args = args
        self.number = number
        self.gmail_tags = set()
        self.index = None

    async def client_to_server(self, reader, writer):
        """Forwards commands, rewriting Gmail's FETCH and STORE; literals are passed through whole."""
        while True:
            line = await reader.readline()
            if not line:
                break
            fetch = GMAIL_FETCH.match(line)
            store = GMAIL_STORE.match(line)
            if fetch:
                tag, uids = fetch.group(1), fetch.group(2)
                self.gmail_tags.add(tag)
                self.index = message_ids_by_folder(self.args.doveadm_config, self.args.user, self.args.separator)
                line = tag + b" UID FETCH " + uids + b" (UID FLAGS INTERNALDATE RFC822.SIZE " + HEADER_ITEM + b")\r\n"
            elif store:
                tag, uids, labels = store.group(1), store.group(2), store.group(3)
                folder = folder_of(labels, self.args.separator)
                log(f"label {tag.decode()} {folder.decode('utf-8', 'replace')}")
                line = tag + b" UID COPY " + uids + b" " + folder + b"\r\n"
            elif re.match(rb"^\S+ APPEND ", line, re.IGNORECASE):
                log(f"append {line.split(b' ')[0].decode()}")
            writer.write(line)
            await forward_literals(line, reader, writer)
            await writer.drain()

    async def server_to_client(self, reader, writer):
        """Forwards answers, adding X-GM-EXT-1 and turning the Message-ID fetch into Gmail's items."""
        while True:
            line = await reader.readline()
            if not line:
                break
            header = HEADER_ANSWER.search(line)
            if header:
                body = await reader.readexactly(int(header.group(1)))
                rest = await reader.readline()
                match = re.search(rb"<[^>]*>", body)
                message_id = match.group(0).decode("utf-8", "replace") if match else ""
                folders = (self.index or {}).get(message_id, [])
                identity = gmail_id(message_id)
                items = b"X-GM-MSGID %d X-GM-THRID %d X-GM-LABELS (%s)" % (identity, identity, b" ".join(label_of(f) for f in folders))
                writer.write(line[:header.start()] + items + rest)
            else:
                literal = LITERAL.search(line)
                if not literal:
                    line = CAPABILITY.sub(b"CAPABILITY IMAP4rev1 X-GM-EXT-1", line, count=1)
                writer.write(line)
                await forward_literals(line, reader, writer)
            await writer.drain()


async def handle(client_reader, client_writer, args, counter):
    counter[0] += 1
    host, port = args.target.rsplit(":", 1)
    try:
        server_reader, server_writer = await asyncio.open_connection(host, int(port), limit=1 << 24)
    except OSError:
        client_writer.close()
        return
    connection = Connection(args, counter[0])
    tasks = [asyncio.ensure_future(connection.client_to_server(client_reader, server_writer)),
             asyncio.ensure_future(connection.server_to_client(server_reader, client_writer))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    for task in tasks:
        task.cancel()
    for w in (client_writer, server_writer):
        try:
            w.close()
        except Exception:
            pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", type=int, default=0)
    parser.add_argument("--target", required=True)
    parser.add_argument("--doveadm-config", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--separator", default="/", help="Dovecot's hierarchy separator")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--port-file")
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    counter = [0]
    server = await asyncio.start_server(lambda r, w: handle(r, w, args, counter), "127.0.0.1", args.listen, ssl=context,
                                        limit=1 << 24)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    log(f"listening on {port}")
    try:
        await asyncio.wait_for(asyncio.Event().wait(), timeout=args.max_seconds)
    except asyncio.TimeoutError:
        pass
    log(f"stopped after {counter[0]} connections")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
