#!/usr/bin/env python3
"""A TCP fault proxy for the reliability tests: forwards bytes between a client and a server and, at
random (seeded, bounded), injects network faults.

Usage:
  proxy.py --listen PORT --target HOST:PORT [--seed S]
           [--mode random|drop|stall|delay|cut-literal|unavailable|throttle-exchange|throttle-gmail|throttle-code|cut-fetch|understate-size|none]
           [--every N] [--rate R] [--both-directions] [--max-faults N] [--max-seconds T] [--tls-cert CRT --tls-key KEY] [--port-file FILE]

Modes (each decided per server->client chunk, with --both-directions per client->server chunk too, with probability --rate, at most --max-faults in all):
  drop         close both sides of the connection at once;
  stall        stop forwarding for 2-6 seconds (a server that hangs), then go on;
  delay        hold a chunk back 50-400 ms before forwarding it;
  cut-literal  when a chunk announces an IMAP literal `{n}`, forward the announcement and part of the
               literal's bytes, then close the connection (a response, or with --both-directions an
               APPEND, cut inside a literal);
  random       one of the above, chosen at random each time;
  unavailable  answer a client's LOGIN/AUTHENTICATE/SELECT/EXAMINE/FETCH with
               `TAG NO [UNAVAILABLE] ...` instead of forwarding it (a throttling server);
  throttle-exchange  answer such commands (and STATUS) as Exchange Online throttles:
               `TAG BAD Request is throttled. Suggested Backoff Time: N milliseconds` (N: --backoff-ms);
  throttle-gmail     as Gmail: `TAG NO [ALERT] Too many simultaneous connections. (Failure)` to a
               login, `TAG NO [OVERQUOTA] Account exceeded command or bandwidth limits. (Failure)` to others;
  throttle-code      `TAG NO [THROTTLED] ...` and `TAG NO [LIMIT] ...` in turn (RFC 5530 and common use);
  cut-fetch    forward whole responses only and close the connection right after the --every'th
               FETCH response carrying a message body (BODY[] or BINARY[]) of each connection
               (a source that breaks every few messages; not random, --rate is not used);
  understate-size  rewrite every `RFC822.SIZE n` of four or more digits the server sends to 200,
               zero-padded to the same length (a server whose sizes understate its bodies);
  none         forward only (with --tls-cert: a TLS endpoint in front of a plain server).

With --tls-cert/--tls-key the proxy accepts implicit TLS with that certificate and speaks plain TCP to
the target. It prints one line per injected fault to stderr ("fault N: KIND conn C ..."), a line
"listening on PORT" when ready (and writes the port to --port-file), and stops by itself after
--max-seconds (default 600). --listen 0 picks a free port.
"""

import argparse
import asyncio
import random
import re
import signal
import ssl
import sys
import time

LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n")
SIZE = re.compile(rb"RFC822\.SIZE (\d{4,})")
SIZE_MARKER = b"RFC822.SIZE "
KINDS = ("drop", "stall", "delay", "cut-literal")
# Commands a throttling server may refuse (never APPEND: its literal would follow), one line per chunk only.
THROTTLED = re.compile(rb"^([A-Za-z0-9.]+) (LOGIN|AUTHENTICATE|SELECT|EXAMINE|UID FETCH|FETCH|STATUS) ", re.IGNORECASE)
REFUSING = ("unavailable", "throttle-exchange", "throttle-gmail", "throttle-code")


# The last line of a FETCH response part that announces a whole message body as a literal.
BODY_LITERAL = re.compile(rb"(?:BODY|BINARY)\[\](?:<\d+>)? ~?\{\d+\+?\}$")


class Faults:
    """The seeded decision source and the count of faults injected so far."""

    def __init__(self, mode, rate, seed, max_faults):
        self.mode = mode
        self.rate = rate
        self.random = random.Random(seed)
        self.max_faults = max_faults
        self.count = 0
        self.connections = 0

    def pick(self, chunk):
        """The fault to inject on this server->client chunk, or None."""
        if self.mode in ("none", "cut-fetch", "understate-size") + REFUSING or self.count >= self.max_faults:
            return None
        if self.random.random() >= self.rate:
            return None
        kind = self.random.choice(KINDS) if self.mode == "random" else self.mode
        if kind == "cut-literal" and not LITERAL.search(chunk):
            # Only a chunk carrying a literal can be cut inside one; in random mode fall back to a drop.
            return "drop" if self.mode == "random" else None
        return kind

    def refuse(self, chunk):
        """In a refusing mode: the tag and command of a client command to answer in the server's place, or None."""
        if self.mode not in REFUSING or self.count >= self.max_faults:
            return None
        match = THROTTLED.match(chunk)
        if not match or (self.mode == "unavailable" and match.group(2).upper() == b"STATUS") or self.random.random() >= self.rate:
            return None
        return match.group(1), match.group(2).upper()

    def answer(self, tag, command, backoff_ms):
        """The refusal a throttling server of this mode sends."""
        if self.mode == "throttle-exchange":
            return tag + b" BAD Request is throttled. Suggested Backoff Time: %d milliseconds\r\n" % backoff_ms
        if self.mode == "throttle-gmail":
            if command in (b"LOGIN", b"AUTHENTICATE"):
                return tag + b" NO [ALERT] Too many simultaneous connections. (Failure)\r\n"
            return tag + b" NO [OVERQUOTA] Account exceeded command or bandwidth limits. (Failure)\r\n"
        if self.mode == "throttle-code":
            code = b"THROTTLED" if self.count % 2 else b"LIMIT"
            return tag + b" NO [" + code + b"] Too many requests, slow down (fault proxy)\r\n"
        return tag + b" NO [UNAVAILABLE] Service temporarily unavailable (fault proxy)\r\n"

    def report(self, kind, connection, detail=""):
        self.count += 1
        print(f"fault {self.count}: {kind} conn {connection}{' ' + detail if detail else ''}", file=sys.stderr, flush=True)


async def pump_plain(reader, writer, closed, transform=None):
    """Forwards one direction of a connection, unchanged or through `transform` (chunk -> chunk)."""
    try:
        while not closed.is_set():
            data = await reader.read(65536)
            if not data:
                break
            writer.write(transform(data) if transform else data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    finally:
        closed.set()


async def pump_refusing(reader, writer, client_writer, closed, faults, connection, backoff_ms):
    """Forwards client->server, answering some commands itself as a throttling server would (the refusing modes)."""
    try:
        while not closed.is_set():
            data = await reader.read(65536)
            if not data:
                break
            refused = faults.refuse(data)
            if refused is not None and data.endswith(b"\r\n") and data.count(b"\r\n") == 1:
                tag, command = refused
                faults.report(faults.mode, connection, command.decode("ascii", "replace"))
                client_writer.write(faults.answer(tag, command, backoff_ms))
                await client_writer.drain()
                continue
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    finally:
        closed.set()


def complete_response(buffer, start):
    """The end of the whole IMAP response starting at `start` (its lines and literals), or None when the
    buffer does not hold all of it yet; also whether it carries a message body literal."""
    position = start
    body = False
    while True:
        end = buffer.find(b"\r\n", position)
        if end < 0:
            return None, False
        line = bytes(buffer[position:end])
        literal = LITERAL.search(line + b"\r\n")
        if literal is None or literal.end() != len(line) + 2:
            return end + 2, body
        body = body or BODY_LITERAL.search(line) is not None
        position = end + 2 + int(literal.group(1))
        if position > len(buffer):
            return None, False


async def pump_cutting_fetch(reader, writer, closed, faults, connection, every):
    """Forwards server->client whole responses, closing after the `every`th one carrying a message body."""
    buffer = bytearray()
    bodies = 0
    try:
        while not closed.is_set():
            data = await reader.read(65536)
            if not data:
                break
            buffer += data
            start = 0
            cut = False
            while True:
                end, body = complete_response(buffer, start)
                if end is None:
                    break
                start = end
                if body and faults.count < faults.max_faults:
                    bodies += 1
                    if bodies >= every:
                        cut = True
                        break
            writer.write(bytes(buffer[:start]))
            await writer.drain()
            del buffer[:start]
            if cut:
                faults.report("cut-fetch", connection, f"after {bodies} message bodies")
                break
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    finally:
        closed.set()


def understate(data):
    """Every RFC822.SIZE of four or more digits in `data` as 200, padded to the same length (so no
    literal around it changes length)."""
    return SIZE.sub(lambda match: SIZE_MARKER + b"200".rjust(len(match.group(1)), b"0"), data)


def complete_part(data):
    """`data` split where an RFC822.SIZE item might continue in the next chunk: (safe to rewrite, to keep)."""
    match = re.search(rb"RFC822\.SIZE \d*$", data)
    if match:
        return data[: match.start()], data[match.start():]
    for length in range(min(len(SIZE_MARKER) - 1, len(data)), 0, -1):
        if data.endswith(SIZE_MARKER[:length]):
            return data[:-length], data[-length:]
    return data, b""


class Understater:
    """Rewrites server->client chunks so every message size reads 200 (mode understate-size), holding
    back an RFC822.SIZE item split across two chunks until it is whole."""

    def __init__(self, faults, connection):
        self.faults = faults
        self.connection = connection
        self.kept = b""

    def __call__(self, data):
        ready, self.kept = complete_part(self.kept + data)
        rewritten = understate(ready)
        if rewritten != ready:
            self.faults.report("understate-size", self.connection, f"{len(SIZE.findall(ready))} sizes")
        return rewritten


async def pump(reader, writer, closed, faults, connection, direction):
    """Forwards one direction of a connection, injecting faults into its chunks."""
    try:
        while not closed.is_set():
            data = await reader.read(65536)
            if not data:
                break
            kind = faults.pick(data)
            if kind == "drop":
                faults.report(kind, connection, f"{direction} after {len(data)} bytes held back")
                break
            if kind == "stall":
                seconds = faults.random.uniform(2.0, 6.0)
                faults.report(kind, connection, f"{direction} {seconds:.1f}s")
                await asyncio.sleep(seconds)
            elif kind == "delay":
                seconds = faults.random.uniform(0.05, 0.4)
                faults.report(kind, connection, f"{direction} {seconds * 1000:.0f}ms")
                await asyncio.sleep(seconds)
            elif kind == "cut-literal":
                match = LITERAL.search(data)
                size = int(match.group(1))
                available = len(data) - match.end()
                keep = faults.random.randint(0, max(0, min(size, available) - 1))
                faults.report(kind, connection, f"{direction} literal of {size} cut after {keep} bytes")
                writer.write(data[: match.end() + keep])
                await writer.drain()
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    finally:
        closed.set()


async def handle(client_reader, client_writer, args, faults):
    faults.connections += 1
    connection = faults.connections
    host, port = args.target.rsplit(":", 1)
    try:
        server_reader, server_writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 10)
    except (OSError, asyncio.TimeoutError):
        client_writer.close()
        return
    closed = asyncio.Event()
    tasks = [
        asyncio.create_task(pump_refusing(client_reader, server_writer, client_writer, closed, faults, connection, args.backoff_ms)
                            if args.mode in REFUSING else
                            pump(client_reader, server_writer, closed, faults, connection, "client->server")
                            if args.both_directions else pump_plain(client_reader, server_writer, closed)),
        asyncio.create_task(pump_cutting_fetch(server_reader, client_writer, closed, faults, connection, args.every)
                            if args.mode == "cut-fetch" else
                            pump_plain(server_reader, client_writer, closed, Understater(faults, connection))
                            if args.mode == "understate-size" else
                            pump(server_reader, client_writer, closed, faults, connection, "server->client")),
    ]
    await closed.wait()
    for task in tasks:
        task.cancel()
    for writer in (client_writer, server_writer):
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


async def main():
    parser = argparse.ArgumentParser(description="TCP fault proxy for the reliability tests")
    parser.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--target", required=True, help="HOST:PORT to forward to")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=("random",) + KINDS + REFUSING + ("cut-fetch", "understate-size", "none"), default="random")
    parser.add_argument("--backoff-ms", type=int, default=300, help="throttle-exchange: the suggested backoff time")
    parser.add_argument("--every", type=int, default=3, help="cut-fetch: message bodies per connection before it is closed")
    parser.add_argument("--rate", type=float, default=0.02, help="probability of a fault per server chunk")
    parser.add_argument("--max-faults", type=int, default=20, help="faults injected at most")
    parser.add_argument("--max-seconds", type=float, default=600, help="stop after this long")
    parser.add_argument("--tls-cert", help="accept implicit TLS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    parser.add_argument("--both-directions", action="store_true",
                        help="inject faults into client->server chunks too (an APPEND cut inside its literal)")
    parser.add_argument("--port-file", help="write the listening port here once ready")
    args = parser.parse_args()

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    faults = Faults(args.mode, args.rate, args.seed, args.max_faults)
    server = await asyncio.start_server(lambda r, w: handle(r, w, args, faults), "127.0.0.1", args.listen, ssl=context)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"listening on {port}", file=sys.stderr, flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    started = time.monotonic()
    try:
        await asyncio.wait_for(stop.wait(), args.max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()
    print(f"stopped after {time.monotonic() - started:.0f}s: {faults.count} faults injected, {faults.connections} connections",
          file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
