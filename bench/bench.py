#!/usr/bin/env python3
"""The copy benchmark: mailmig, mbsync and doveadm backup over the same corpus on the same servers.

For every run and every tool (the order rotates from run to run, so no tool always goes first), with
the same warm-up for all (the source's mail files read once into the page cache):
  1. empty the target users, forget the tool's state;
  2. full copy (timed), count the target's messages, compare every message with the source
     (bytes, flags, internal date);
  3. re-run with nothing changed (timed), count again;
  4. add 1 % new mail to the source (not timed), incremental re-run (timed), count again;
  5. expunge the new mail from the source again.
Results go to .bench/results-<profile>-<time>.json and a table on standard output (bench/report.py).

Usage: bench.py --binary PATH [--baseline PATH] [--quick | --many-folders] [--runs N] [--tools mailmig,mbsync,doveadm]
                [--rtt-ms MS [--jitter-ms MS] [--rate-mbit R]]

With --rtt-ms, every tool reaches the servers through a delay line (bench/delayline.py) in front of
each: a WAN link with that round-trip time (doveadm backup runs on the target server, as it is
deployed, so only its source side crosses the link). The link's CPU time is reported.

With --baseline, another mailmig build (e.g. the previous release) runs as the tool
"mailmig-baseline" in the same runs, and the table's ratio column compares the two.
"""
import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import fidelity  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
import tools  # noqa: E402

USER_PREFIXES = {"full": "bench", "quick": "benchq", "folders": "benchf"}


def log(text):
    print("bench: %s" % text, file=sys.stderr, flush=True)


def users_for(profile, totals):
    """The users of a profile (bench01..., benchq01...): the quick run never touches the full corpus."""
    return ["%s%02d" % (USER_PREFIXES[profile], number + 1) for number in range(len(totals["mailboxes"]))]


def each(function, items, workers=4):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


def prepare_source(profile, totals, users, empty=servers.empty_user):
    """Loads the corpus into the source users unless they already hold exactly it; `empty(instance,
    user)` makes a user exist with no mail before its corpus is loaded. Returns the users' message counts."""
    stamp = os.path.join(servers.BENCH_DIR, "source-loaded-%s.txt" % profile)
    expected = "%d %d %s" % (totals["messages"], totals["bytes"], " ".join(users))
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == expected \
            and all(servers.dovecot_quiet_has_user("source", user) for user in users):
        counts = each(lambda user: servers.message_count("source", user), users)
        if sum(counts) == totals["messages"]:
            return counts
    log("loading %d messages (%.0f MB) into %d source users" % (totals["messages"], totals["bytes"] / 1e6, len(users)))
    for user in users:
        empty("source", user)
    each(lambda pair: servers.load("source", pair[0], corpus.mailbox_directory(profile, "corpus", pair[1])),
         list(zip(users, totals["mailboxes"])))
    counts = each(lambda user: servers.message_count("source", user), users)
    if sum(counts) != totals["messages"]:
        raise servers.BenchFailure("the source holds %d messages after loading, not %d" % (sum(counts), totals["messages"]))
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(expected)
    return counts


def remove_new_mail(users):
    each(lambda user: servers.expunge_since("source", user, corpus.NEW_MAIL_SINCE), users)


def warm_up():
    """Reads every source mail file once, so that each tool starts with the same page cache."""
    for root, _, files in os.walk(servers.mail_root("source")):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                while handle.read(1 << 20):
                    pass


def count_target(users):
    return sum(each(lambda user: servers.message_count("target", user), users))


def check_fidelity(users, work):
    """Dumps source and target of every user and compares them."""
    def one(user):
        source = servers.dump("source", user, os.path.join(work, "dump-source-%s.json" % user))
        target = servers.dump("target", user, os.path.join(work, "dump-target-%s.json" % user))
        return fidelity.compare(source, target)
    return fidelity.combine(each(one, users, workers=2))


def run_tool(tool, users, profile, totals, extra_totals, work, check):
    """The three passes of one tool; a dict of results."""
    result = {"tool": tool.name, "passes": {}, "failures": []}
    each(lambda user: servers.empty_user("target", user), users)
    tool.reset()
    warm_up()

    def timed_pass(name, expected_messages):
        log("%s: %s" % (tool.name, name))
        (seconds, rss, cpu, failures), server_cpu = servers.cpu_during(tool.run_pass)
        found = count_target(users)
        entry = {"seconds": seconds, "peak_rss_kib": rss, "cpu_seconds": cpu, "server_cpu_seconds": server_cpu,
                 "target_messages": found,
                 "expected_messages": expected_messages, "failures": failures}
        if found != expected_messages:
            failures.append("%s: the target holds %d messages after the pass, not %d"
                            % (name, found, expected_messages))
        result["failures"].extend("%s: %s" % (name, failure) for failure in failures)
        result["passes"][name] = entry
        log("%s: %s took %.1f s%s" % (tool.name, name, seconds, "; " + "; ".join(failures) if failures else ""))

    timed_pass("full", totals["messages"])
    if check:
        result["fidelity"] = check_fidelity(users, work)
        log("%s: fidelity %s" % (tool.name, json.dumps(result["fidelity"])))
    timed_pass("no_change", totals["messages"])
    each(lambda pair: servers.load("source", pair[0], corpus.mailbox_directory(profile, "new-mail", pair[1])),
         list(zip(users, extra_totals["mailboxes"])))
    try:
        timed_pass("incremental", totals["messages"] + extra_totals["messages"])
    finally:
        remove_new_mail(users)
    return result


class DelayLine:
    """bench/delayline.py in front of one server's plain IMAP port."""

    def __init__(self, instance, rtt_ms, jitter_ms, rate_mbit):
        port_file = os.path.join(servers.BENCH_DIR, "delayline-%s.port" % instance)
        if os.path.exists(port_file):
            os.remove(port_file)
        self.log = os.path.join(servers.BENCH_DIR, "delayline-%s.log" % instance)
        with open(self.log, "w", encoding="utf-8") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "delayline.py"),
                 "--listen", "0", "--port-file", port_file, "--target", "127.0.0.1:%d" % servers.PORTS[instance],
                 "--rtt-ms", str(rtt_ms), "--jitter-ms", str(jitter_ms), "--rate-mbit", str(rate_mbit)],
                stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file)
        for _ in range(100):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        else:
            raise servers.BenchFailure("the delay line in front of the %s did not start: see %s" % (instance, self.log))
        with open(port_file, encoding="utf-8") as handle:
            self.port = int(handle.read())

    def stop(self):
        """Stops it; returns its CPU seconds and bytes carried."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        text = open(self.log, encoding="utf-8").read()
        for line in text.splitlines():
            if line.startswith("stopped:"):
                parts = line.replace(",", "").split()
                return {"connections": int(parts[1]), "bytes": int(parts[3]), "cpu_seconds": float(parts[5])}
        return {}


def main():
    parser = argparse.ArgumentParser(description="Benchmark mailmig against mbsync and doveadm backup.")
    parser.add_argument("--binary", required=True, help="the mailmig binary (release build)")
    parser.add_argument("--quick", action="store_true", help="3 mailboxes, about 1,000 messages")
    parser.add_argument("--many-folders", action="store_true",
                        help="20 mailboxes of 21 folders, 11 %% real-world messages (corpus.py's folders profile)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tools", default="mailmig,mbsync,doveadm")
    parser.add_argument("--no-fidelity", action="store_true", help="skip the comparison after full copies")
    parser.add_argument("--baseline", help="another mailmig binary measured in the same runs as mailmig-baseline")
    parser.add_argument("--rtt-ms", type=float, help="reach the servers through a delay line of this round-trip time")
    parser.add_argument("--jitter-ms", type=float, default=0, help="with --rtt-ms: up to this much more delay per chunk")
    parser.add_argument("--rate-mbit", type=float, default=0, help="with --rtt-ms: cap each direction at this rate")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    profile = "quick" if args.quick else "folders" if args.many_folders else "full"
    work = os.path.join(servers.BENCH_DIR, "work")
    os.makedirs(work, exist_ok=True)
    servers.snapshot_scripts()

    totals = corpus.main_corpus(profile)
    extra_totals = corpus.new_mail(profile)
    users = users_for(profile, totals)
    log("corpus: %d messages, %.0f MB in %d mailboxes; new mail: %d messages, %.1f MB"
        % (totals["messages"], totals["bytes"] / 1e6, len(users), extra_totals["messages"], extra_totals["bytes"] / 1e6))
    prepare_source(profile, totals, users)
    remove_new_mail(users)
    lines = {}
    if args.rtt_ms is not None:
        lines = {instance: DelayLine(instance, args.rtt_ms, args.jitter_ms, args.rate_mbit) for instance in ("source", "target")}
        for instance, line in lines.items():
            servers.TOOL_PORTS[instance] = line.port
        log("delay lines: %.0f ms RTT%s%s, source on port %d, target on port %d"
            % (args.rtt_ms, ", jitter up to %.0f ms" % args.jitter_ms if args.jitter_ms else "",
               ", %.0f Mbit/s" % args.rate_mbit if args.rate_mbit else "", lines["source"].port, lines["target"].port))

    available = {
        "mailmig": lambda: tools.Mailmig(args.binary, users, work),
        "mbsync": lambda: tools.Mbsync(users, work),
        "doveadm": lambda: tools.DoveadmBackup(users, work),
    }
    if args.baseline:
        available["mailmig-baseline"] = lambda: tools.Mailmig(os.path.abspath(args.baseline), users, work, name="mailmig-baseline")
        if "mailmig-baseline" not in args.tools.split(","):
            args.tools += ",mailmig-baseline"
    chosen = [available[name]() for name in args.tools.split(",")]
    runs = []
    document = {
        "profile": profile,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "corpus": totals, "new_mail": extra_totals, "users": users, "runs": runs,
    }
    if lines:
        document["link"] = {"rtt_ms": args.rtt_ms, "jitter_ms": args.jitter_ms, "rate_mbit": args.rate_mbit}
    label = profile + ("-rtt%g" % args.rtt_ms if lines else "")
    out = os.path.join(servers.BENCH_DIR, "results-%s-%s.json" % (label, time.strftime("%Y%m%d-%H%M%S")))
    for number in range(args.runs):
        order = chosen[number % len(chosen):] + chosen[:number % len(chosen)]
        log("run %d of %d: %s" % (number + 1, args.runs, ", ".join(tool.name for tool in order)))
        runs.append({"run": number + 1, "results": []})
        for tool in order:
            runs[-1]["results"].append(run_tool(tool, users, profile, totals, extra_totals, work, not args.no_fidelity))
            with open(out, "w", encoding="utf-8") as handle:   # after every tool, so a crash keeps what was measured
                json.dump(document, handle, indent=1)
    for user in users:
        servers.remove_user("target", user)
    if lines:
        document["link"]["delay_lines"] = {instance: line.stop() for instance, line in lines.items()}
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
    print(report.render(document))
    log("raw results: %s" % out)
    return 1 if any(result["failures"] for run in runs for result in run["results"]) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except servers.BenchFailure as failure:
        log(str(failure))
        sys.exit(1)
