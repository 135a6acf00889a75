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
  delayline.py --self-test     measure what it carries at 0 ms and its CPU time, then exit

It prints "listening on PORT" to stderr when ready (and writes the port to --port-file), and on
SIGTERM "stopped: N connections, B bytes, C s CPU".
"""

import argparse
import asyncio
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


async def pump(reader, writer, link, connection=0, direction=">"):
    """One direction: reads chunks as they come, writes each when its time has come, in order."""
    queue = asyncio.Queue()

    async def read():
        last_due = 0.0
        try:
            while True:
                data = await reader.read(65536)
                link.note(connection, direction, data)
                due = time.monotonic() + link.delay + (link.random.uniform(0, link.jitter) if link.jitter else 0)
                last_due = max(last_due, due)   # jitter never reorders a byte stream
                await queue.put((last_due, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            await queue.put((time.monotonic(), b""))

    async def write():
        sent_until = time.monotonic()
        try:
            while True:
                due, data = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                if link.rate:
                    # The link sends at most `rate` bytes a second: this chunk leaves when the previous ones have.
                    sent_until = max(sent_until, time.monotonic()) + len(data) / link.rate
                    pause = sent_until - time.monotonic()
                    if pause > 0:
                        await asyncio.sleep(pause)
                writer.write(data)
                link.bytes += len(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    await asyncio.gather(read(), write())


async def handle(client_reader, client_writer, args, link):
    link.connections += 1
    number = link.connections
    host, port = args.target.rsplit(":", 1)
    try:
        server_reader, server_writer = await asyncio.open_connection(host, int(port))
    except OSError:
        client_writer.close()
        return
    for w in (client_writer, server_writer):
        sock = w.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    await asyncio.gather(pump(client_reader, server_writer, link, number, ">"), pump(server_reader, client_writer, link, number, "<"),
                         return_exceptions=True)
    for w in (client_writer, server_writer):
        try:
            w.close()
        except Exception:
            pass


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def serve(args):
    link = Link(args.rtt_ms, args.jitter_ms, args.rate_mbit, args.trace)
    server = await asyncio.start_server(lambda r, w: handle(r, w, args, link), "127.0.0.1", args.listen)
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
    line = await asyncio.start_server(lambda r, w: handle(r, w, args, link), "127.0.0.1", 0)
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
