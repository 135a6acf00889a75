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

Usage: bench.py --binary PATH [--baseline PATH] [--quick] [--runs N] [--tools mailmig,mbsync,doveadm]

With --baseline, another mailmig build (e.g. the previous release) runs as the tool
"mailmig-baseline" in the same runs, and the table's ratio column compares the two.
"""
import argparse
import datetime
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import fidelity  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
import tools  # noqa: E402

USER_PREFIXES = {"full": "bench", "quick": "benchq"}


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
        before = {instance: servers.server_cpu_seconds(instance) for instance in ("source", "target")}
        seconds, rss, cpu, failures = tool.run_pass()
        time.sleep(0.5)   # the servers' imap processes end after the tool logs out
        server_cpu = {instance: servers.server_cpu_seconds(instance) - before[instance] for instance in before}
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


def main():
    parser = argparse.ArgumentParser(description="Benchmark mailmig against mbsync and doveadm backup.")
    parser.add_argument("--binary", required=True, help="the mailmig binary (release build)")
    parser.add_argument("--quick", action="store_true", help="3 mailboxes, about 1,000 messages")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tools", default="mailmig,mbsync,doveadm")
    parser.add_argument("--no-fidelity", action="store_true", help="skip the comparison after full copies")
    parser.add_argument("--baseline", help="another mailmig binary measured in the same runs as mailmig-baseline")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    profile = "quick" if args.quick else "full"
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
    out = os.path.join(servers.BENCH_DIR, "results-%s-%s.json" % (profile, time.strftime("%Y%m%d-%H%M%S")))
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
    print(report.render(document))
    log("raw results: %s" % out)
    return 1 if any(result["failures"] for run in runs for result in run["results"]) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except servers.BenchFailure as failure:
        log(str(failure))
        sys.exit(1)
