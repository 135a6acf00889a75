"""A small IMAP client for the corpus scripts: exact bytes in and out, pipelined APPEND.

Python's imaplib rewrites line ends in APPEND and cannot send BINARY literals, so the corpus
scripts speak IMAP themselves. Only what loading and reading a test mailbox needs is here.
"""
import base64
import datetime
import re
import socket
import ssl

LITERAL = re.compile(rb"~?\{(\d+)\+?\}\r\n$")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class IMAPFailure(Exception):
    """A command answered NO or BAD, or the connection broke."""


def encode_utf7(name):
    """A folder level in modified UTF-7 (RFC 3501 section 5.1.3)."""
    out, run = [], []

    def flush():
        if run:
            data = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


def decode_utf7(name):
    """The inverse of encode_utf7."""
    out, index = [], 0
    while index < len(name):
        char = name[index]
        if char != "&":
            out.append(char)
            index += 1
            continue
        end = name.index("-", index)
        chunk = name[index + 1:end]
        if not chunk:
            out.append("&")
        else:
            chunk = chunk.replace(",", "/")
            chunk += "=" * (-len(chunk) % 4)
            out.append(base64.b64decode(chunk).decode("utf-16-be"))
        index = end + 1
    return "".join(out)


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_date(moment):
    """`05-Mar-2024 10:11:12 +0100` for an aware datetime."""
    offset = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    return "%02d-%s-%04d %02d:%02d:%02d %s%02d%02d" % (
        moment.day, MONTHS[moment.month - 1], moment.year, moment.hour, moment.minute, moment.second,
        sign, abs(offset) // 60, abs(offset) % 60)


def parse_imap_date(text):
    """An aware datetime from an INTERNALDATE string."""
    return datetime.datetime.strptime(text.strip(), "%d-%b-%Y %H:%M:%S %z")


class Client:
    """One logged-in connection."""

    def __init__(self, host, port, ca_file, tls="implicit", timeout=120):
        context = ssl.create_default_context(cafile=ca_file)
        raw = socket.create_connection((host, port), timeout=timeout)
        if tls == "implicit":
            self.sock = context.wrap_socket(raw, server_hostname="localhost" if host == "127.0.0.1" else host)
            self.reader = self.sock.makefile("rb")
            self._greeting()
        else:
            self.sock = raw
            self.reader = self.sock.makefile("rb")
            self._greeting()
            self.command("STARTTLS")
            self.sock = context.wrap_socket(raw, server_hostname="localhost" if host == "127.0.0.1" else host)
            self.reader = self.sock.makefile("rb")
        self.counter = 0
        self.capabilities = set()

    def _greeting(self):
        line = self.reader.readline()
        if not line.startswith(b"* OK"):
            raise IMAPFailure("unexpected greeting: %r" % line[:200])
        self.counter = 0

    def _tag(self):
        self.counter += 1
        return "T%05d" % self.counter

    def read_response(self):
        """One response line with its literals: (parts, literals) where parts are the text pieces."""
        parts, literals = [], []
        while True:
            line = self.reader.readline()
            if not line:
                raise IMAPFailure("the server closed the connection")
            match = LITERAL.search(line)
            if not match:
                parts.append(line)
                return b"".join(parts), literals
            parts.append(line[:match.start()] + b"\x00LITERAL\x00")
            size = int(match.group(1))
            data = self.reader.read(size)
            if len(data) != size:
                raise IMAPFailure("the connection ended inside a literal")
            literals.append(data)

    def command(self, text):
        """Sends a command; returns the untagged responses; raises on NO/BAD."""
        tag = self._tag()
        self.sock.sendall(tag.encode() + b" " + text.encode("utf-8") + b"\r\n")
        untagged = []
        while True:
            line, literals = self.read_response()
            if line.startswith(tag.encode() + b" "):
                status = line[len(tag) + 1:].split(b" ", 1)[0]
                if status != b"OK":
                    raise IMAPFailure("%s: %s" % (text.split(" ")[0], line.decode("utf-8", "replace").strip()))
                return untagged
            if line.startswith(b"+"):
                continue
            untagged.append((line, literals))

    def login(self, user, password):
        for line, _ in self.command("LOGIN %s %s" % (quote(user), quote(password))):
            pass
        for line, _ in self.command("CAPABILITY"):
            if line.startswith(b"* CAPABILITY"):
                self.capabilities = set(line.decode().split()[2:])

    def list_folders(self):
        """[(server name, delimiter, attributes)] of every folder."""
        result = []
        for line, literals in self.command('LIST "" "*"'):
            match = re.match(rb'\* LIST \(([^)]*)\) (NIL|"(?:[^"\\]|\\.)") (.*)\r\n$', line)
            if not match:
                continue
            attributes = match.group(1).decode().split()
            delimiter = None if match.group(2) == b"NIL" else match.group(2)[1:-1].decode().replace("\\\\", "\\")
            name = match.group(3)
            if b"\x00LITERAL\x00" in name:
                name = literals[0]
            elif name.startswith(b'"'):
                name = re.sub(rb'\\(.)', rb'\1', name[1:-1])
            result.append((name.decode("utf-8"), delimiter, attributes))
        return result

    def append_many(self, folder, messages, window=32):
        """Appends (bytes, flags, datetime) items in order, pipelined with LITERAL+; returns how many."""
        literal_plus = "LITERAL+" in self.capabilities
        binary = "BINARY" in self.capabilities
        pending = []
        done = 0

        def settle(limit):
            nonlocal done
            while len(pending) > limit:
                line, _ = self.read_response()
                if line.startswith(b"+"):
                    continue
                if line.startswith(b"*"):
                    continue
                tag = line.split(b" ", 1)[0].decode()
                if tag not in pending:
                    continue
                if not line.split(b" ")[1] == b"OK":
                    raise IMAPFailure("APPEND to %s: %s" % (folder, line.decode("utf-8", "replace").strip()))
                pending.remove(tag)
                done += 1

        for data, flags, moment in messages:
            tag = self._tag()
            has_nul = b"\x00" in data
            if has_nul and not binary:
                raise IMAPFailure("a message contains NUL bytes and the server does not offer BINARY")
            marker = "~" if has_nul else ""
            head = "%s APPEND %s (%s) %s %s{%d%s}\r\n" % (
                tag, quote(folder), " ".join(flags), quote(imap_date(moment)), marker, len(data),
                "+" if literal_plus else "")
            self.sock.sendall(head.encode("utf-8"))
            if not literal_plus:
                line = self.reader.readline()
                if not line.startswith(b"+"):
                    raise IMAPFailure("APPEND to %s refused: %r" % (folder, line))
            self.sock.sendall(data + b"\r\n")
            pending.append(tag)
            settle(window if literal_plus else 0)
        settle(0)
        return done

    def logout(self):
        try:
            self.command("LOGOUT")
        except (IMAPFailure, OSError):
            pass
        self.sock.close()
