#!/usr/bin/env python3
"""A user-space WAN link for the benchmark: a TCP proxy on 127.0.0.1 that holds every chunk for half
the round-trip time in each direction, without serialising, optionally with jitter and a rate cap.

This kernel has no netem qdisc, so the delay is made here: a chunk read at time t is written at
t + RTT/2 (+ jitter, never reordering), while later chunks keep being read; so a link of 50 ms RTT
still carries as much as the tools send, and only the round trips cost time. With --rate the
written bytes of each direction are paced to that many megabits per second.

Usage:
  delayline.py --listen PORT --target HOST:PORT --rtt-ms MS [--jitter-ms MS] [--rate-mbit R]
               [--port-file FILE] [--max-seconds T] [--trace FILE]
  delayline.py --self-test     measure what it carries at 0 ms (bulk, and small round trips) and its
                               CPU time, then exit

It prints "listening on PORT" to stderr when ready (and writes the port to --port-file), and on
SIGTERM "stopped: N connections, B bytes, C s CPU".
"""

import argparse
import asyncio
import collections
import os
import random
import resource
import signal
import socket
import sys
import time


class Link:
    def __init__(self, rtt_ms, jitter_ms, rate_mbit, trace=None):
        self.delay = rtt_ms / 2000.0
        self.jitter = jitter_ms / 1000.0
        self.rate = rate_mbit * 125000.0 if rate_mbit else None
        self.random = random.Random(1)
        self.connections = 0
        self.bytes = 0
        self.started = time.monotonic()
        self.trace = open(trace, "w", encoding="utf-8") if trace else None

    def note(self, connection, direction, data):
        """With --trace: one line per chunk read, its time, connection, direction and first line."""
        if self.trace:
            first = data.split(b"\r\n", 1)[0][:100].decode("utf-8", "replace")
            self.trace.write("%.3f %d %s %d %s\n" % (time.monotonic() - self.started, connection, direction, len(data), first))
            self.trace.flush()


class Direction:
    """One direction of one connection: chunks read from one side are written to the other when due.

    Chunks wait in order in a deque, and one timer per direction (not one per chunk) wakes up when
    the first is due and writes every chunk whose time has come in one write: a chunk's cost is a
    deque entry, so the line stays far cheaper than the tools it carries. b"" stands for the end of
    the stream (a half-close is passed on as one)."""

    def __init__(self, link, connection, symbol):
        self.link = link
        self.connection = connection
        self.symbol = symbol
        self.loop = asyncio.get_running_loop()
        self.chunks = collections.deque()
        self.last_due = 0.0
        self.sent_until = 0.0
        self.timer = None
        self.sink = None      # the transport written to, once connected
        self.done = False     # the end of the stream was passed on (or the sink is gone)
        self.on_done = None

    def received(self, data):
        if self.done:
            return
        self.link.note(self.connection, self.symbol, data)
        due = self.loop.time() + self.link.delay + (self.link.random.uniform(0, self.link.jitter) if self.link.jitter else 0)
        if self.link.rate and data:
            # The link sends at most `rate` bytes a second: this chunk leaves when the previous ones have.
            self.sent_until = max(self.sent_until, due) + len(data) / self.link.rate
            due = self.sent_until
        self.last_due = max(self.last_due, due)   # jitter never reorders a byte stream
        self.chunks.append((self.last_due, data))
        self.schedule()

    def schedule(self):
        if self.timer is None and self.chunks and self.sink is not None:
            self.timer = self.loop.call_at(self.chunks[0][0], self.flush)

    def flush(self):
        self.timer = None
        now = self.loop.time()
        out = []
        ended = False
        while self.chunks and self.chunks[0][0] <= now:
            data = self.chunks.popleft()[1]
            if not data:
                ended = True
                break
            out.append(data)
        sink = self.sink
        if out and not sink.is_closing():
            data = b"".join(out)
            sink.write(data)
            self.link.bytes += len(data)
        if ended:
            self.chunks.clear()
            if not sink.is_closing() and sink.can_write_eof():
                sink.write_eof()
            self.finish()
        else:
            self.schedule()

    def finish(self):
        if not self.done:
            self.done = True
            self.chunks.clear()
            if self.on_done:
                self.on_done()


class Side(asyncio.Protocol):
    """One end of a proxied connection (the client's or the server's)."""

    def __init__(self, outgoing, incoming):
        self.outgoing = outgoing   # what this end sends
        self.incoming = incoming   # what this end receives
        self.transport = None
        self.peer = None

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.incoming.sink = transport
        self.incoming.schedule()

    def data_received(self, data):
        self.outgoing.received(data)

    def eof_received(self):
        self.outgoing.received(b"")
        return True   # keep the other direction open: IMAP clients may half-close

    def connection_lost(self, exc):
        # What it sent before it went still reaches the other end, then the end of the stream.
        self.outgoing.received(b"")
        self.incoming.finish()

    # The other end reads no faster than this end can be written to.
    def pause_writing(self):
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.pause_reading()

    def resume_writing(self):
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.resume_reading()


class Connection:
    """A client connection and the one it opens to the server, with a Direction each way."""

    def __init__(self, link, target):
        link.connections += 1
        number = link.connections
        self.up = Direction(link, number, ">")
        self.down = Direction(link, number, "<")
        self.up.on_done = self.down.on_done = self.ended
        self.client = Side(self.up, self.down)
        self.server = Side(self.down, self.up)
        self.client.peer, self.server.peer = self.server, self.client
        self.target = target

    def accepted(self):
        """The client's protocol; its bytes wait in `up` until the server's connection is made."""
        asyncio.get_running_loop().create_task(self.connect())
        return self.client

    async def connect(self):
        host, port = self.target.rsplit(":", 1)
        try:
            await asyncio.get_running_loop().create_connection(lambda: self.server, host, int(port))
        except OSError:
            if self.client.transport is not None:
                self.client.transport.close()

    def ended(self):
        if self.up.done and self.down.done:
            for side in (self.client, self.server):
                if side.transport is not None:
                    side.transport.close()


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def serve(args):
    link = Link(args.rtt_ms, args.jitter_ms, args.rate_mbit, args.trace)
    server = await asyncio.get_running_loop().create_server(lambda: Connection(link, args.target).accepted(), "127.0.0.1", args.listen)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as handle_file:
            handle_file.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    print("listening on %d" % port, file=sys.stderr, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.max_seconds)
    except asyncio.TimeoutError:
        pass
    print("stopped: %d connections, %d bytes, %.2f s CPU" % (link.connections, link.bytes, cpu_seconds()), file=sys.stderr, flush=True)


async def self_test():
    """What the line carries at 0 ms: 512 MB through it from a sink server, timed, with its CPU."""
    received = 0

    async def sink(reader, writer):
        nonlocal received
        while True:
            data = await reader.read(1 << 20)
            if not data:
                break
            received += len(data)
        writer.close()

    sink_server = await asyncio.start_server(sink, "127.0.0.1", 0)
    sink_port = sink_server.sockets[0].getsockname()[1]
    args = argparse.Namespace(target="127.0.0.1:%d" % sink_port)
    link = Link(0, 0, None)
    line = await asyncio.get_running_loop().create_server(lambda: Connection(link, args.target).accepted(), "127.0.0.1", 0)
    line_port = line.sockets[0].getsockname()[1]
    total = 512 << 20
    chunk = b"x" * (1 << 16)
    start, cpu = time.monotonic(), cpu_seconds()
    reader, writer = await asyncio.open_connection("127.0.0.1", line_port)
    for _ in range(total // len(chunk)):
        writer.write(chunk)
        await writer.drain()
    writer.write_eof()
    while received < total:
        await asyncio.sleep(0.01)
    seconds = time.monotonic() - start
    # The CPU includes the sending and receiving ends, which run in this process too.
    print("carried %d MB in %.2f s: %.0f MB/s (%.0f Mbit/s); %.2f s CPU in this process (line, sender and sink)"
          % (total >> 20, seconds, total / seconds / 1e6, total * 8 / seconds / 1e6, cpu_seconds() - cpu))

    # IMAP is chatty: many small commands and replies, each a chunk of its own. 20 connections each
    # send 2,000 lines of 100 bytes and wait for each echo, as a command waits for its reply.
    async def echo(reader, writer):
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            writer.write(data)
        writer.close()

    echo_server = await asyncio.start_server(echo, "127.0.0.1", 0)
    args.target = "127.0.0.1:%d" % echo_server.sockets[0].getsockname()[1]
    line_to_echo = await asyncio.get_running_loop().create_server(lambda: Connection(link, args.target).accepted(), "127.0.0.1", 0)
    port = line_to_echo.sockets[0].getsockname()[1]
    rounds, connections, line_bytes = 2000, 20, b"x" * 99 + b"\n"

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(rounds):
            writer.write(line_bytes)
            await reader.readexactly(len(line_bytes))
        writer.close()

    start, cpu = time.monotonic(), cpu_seconds()
    await asyncio.gather(*(client() for _ in range(connections)))
    seconds, spent = time.monotonic() - start, cpu_seconds() - cpu
    exchanges = rounds * connections
    await asyncio.sleep(0.2)   # the echo handlers see the ends of their streams
    echo_server.close()
    print("%d small round trips in %.2f s: %.0f a second; %.2f s CPU in this process (%.0f µs per round trip, both ends included)"
          % (exchanges, seconds, exchanges / seconds, spent, spent / exchanges * 1e6))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", type=int, default=0)
    parser.add_argument("--target")
    parser.add_argument("--rtt-ms", type=float, default=0)
    parser.add_argument("--jitter-ms", type=float, default=0)
    parser.add_argument("--rate-mbit", type=float, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--max-seconds", type=float, default=6 * 3600)
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("--trace", help="write one line per chunk (time, connection, direction, size, first line) to this file")
    args = parser.parse_args()
    if args.self_test:
        asyncio.run(self_test())
        return
    if not args.target:
        parser.error("--target is needed")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
