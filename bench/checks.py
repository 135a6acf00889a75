#!/usr/bin/env python3
"""The memory check, the planning check and the folder-count check.

Memory: one mailbox of 20,000 messages plus one 100 MB message, then the same with a 10 MB message,
each copied by `mailmig apply` with default settings; the peak RSS (from /usr/bin/time) against the
target of 80 MB, and the two runs' peaks within 10 % of each other.
Planning: `mailmig plan --no-refresh` of a 10,000-mailbox plan against an empty state folder,
5 runs (hyperfine when installed), the median against the target of 1 s.

Folders: `mailmig plan` of one mailbox holding 1,000, 5,000 and 20,000 folders (see folders.py),
against the target of under 20 s for 20,000; with --baseline, another build in the same run.

Refresh planning: `mailmig plan` with live refresh of 1,000 mailboxes of 12 folders each, before and
after an apply and with new mail in 1 % of them (see refresh.py): measured, no target.

Local copy: the profile's corpus copied from the bench source into local Maildir trees by mailmig (a
`maildir` target, the store `backup:` writes), mbsync and doveadm backup, in one run; mailmig's copy
restored into the IMAP target (the target server's cost alone); then mailmig's IMAP-to-IMAP
migration of the same users without and with `backup:` (see localcopy.py).

Usage: checks.py --binary PATH [--baseline PATH] [--quick] [--only memory|planning|folders|localcopy|refresh]
Writes .bench/checks-<profile>-<time>.json and prints a summary.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402
import bench  # noqa: E402
import folders  # noqa: E402
import localcopy  # noqa: E402
import refresh  # noqa: E402
import servers  # noqa: E402
import tools  # noqa: E402

MEMORY_USER = "benchmem"
LARGE = 100 << 20
SMALLER = 10 << 20
LIMIT_KIB = 80 << 10


def log(text):
    print("checks: %s" % text, file=sys.stderr, flush=True)


def memory_run(binary, quick, large):
    """One mailbox of 20,000 small messages (2,000 with --quick) and one message of LARGE bytes, copied by
    `mailmig apply` with default settings; returns its figures."""
    messages = 2_000 if quick else 20_000
    user = "%s%d" % (MEMORY_USER, large >> 20)
    directory = os.path.join(servers.BENCH_DIR, "corpus-memory-%d-%dm" % (messages, large >> 20))
    totals = corpus.generate(directory, 1, messages, 3, 0.0, 1 << 20, large=1, large_min=large, large_max=large)
    largest = 0
    with open(os.path.join(directory, "mbox01", "manifest.json"), encoding="utf-8") as handle:
        largest = max(entry["size"] for entry in json.load(handle)["messages"])
    if not servers.dovecot_quiet_has_user("source", user) or \
            servers.message_count("source", user) != totals["messages"]:
        log("loading %d messages (%.0f MB) into %s" % (totals["messages"], totals["bytes"] / 1e6, user))
        servers.empty_user("source", user)
        servers.load("source", user, os.path.join(directory, "mbox01"))
    servers.empty_user("target", user)
    work = os.path.join(servers.BENCH_DIR, "work", "memory")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    plan = os.path.join(work, "mailmig.yaml")
    with open(plan, "w", encoding="utf-8") as handle:
        handle.write(tools.plan_text([user]))
    env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD)
    log("memory: mailmig apply of %d messages, the largest %.0f MB" % (totals["messages"], largest / 1e6))
    seconds, rss, cpu, status, error = tools.timed([binary, "apply", "--auto-approve", "--quiet", plan], env=env, cwd=work)
    copied = servers.message_count("target", user)
    servers.remove_user("target", user)
    return {
        "messages": totals["messages"], "bytes": totals["bytes"], "largest_message": largest,
        "seconds": seconds, "cpu_seconds": cpu, "peak_rss_kib": rss, "copied": copied,
        "exit_status": status, "error": error if status else "",
    }


def memory_check(binary, quick):
    """The same mailbox with a 100 MB and with a 10 MB largest message: peak RSS at most 80 MB with the
    100 MB message, and within 10 % of the 10 MB run's (memory does not grow with message size)."""
    runs = {"large": memory_run(binary, quick, LARGE), "small": memory_run(binary, quick, SMALLER)}
    large, small = runs["large"], runs["small"]
    complete = all(run["exit_status"] == 0 and run["copied"] == run["messages"] for run in runs.values())
    growth = large["peak_rss_kib"] / max(1, small["peak_rss_kib"])
    return {
        "runs": runs, "limit_kib": LIMIT_KIB, "growth": growth, "complete": complete,
        "holds": complete and large["peak_rss_kib"] <= LIMIT_KIB and abs(growth - 1) <= 0.10,
    }


def planning_plan(count):
    """A plan of COUNT mailboxes in the benchmark's server settings."""
    return tools.plan_text(["u%05d" % number for number in range(1, count + 1)])


def planning_check(binary, count=10_000, runs=5):
    work = os.path.join(servers.BENCH_DIR, "work", "planning")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    plan = os.path.join(work, "mailmig.yaml")
    with open(plan, "w", encoding="utf-8") as handle:
        handle.write(planning_plan(count))
    env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD)
    command = [binary, "plan", "--no-refresh", plan]
    first = subprocess.run(command, env=env, cwd=work, capture_output=True)
    shutil.rmtree(os.path.join(work, ".mailmig"), ignore_errors=True)
    result = {"mailboxes": count, "runs": runs, "exit_status": first.returncode,
              "error": first.stderr.decode("utf-8", "replace")[-500:] if first.returncode not in (0, 2) else ""}
    if shutil.which("hyperfine"):
        export = os.path.join(work, "hyperfine.json")
        subprocess.run(["hyperfine", "--style", "none", "--runs", str(runs), "-i",
                        "--prepare", "rm -rf %s" % os.path.join(work, ".mailmig"),
                        "--export-json", export, " ".join(command)], env=env, cwd=work, check=True,
                       capture_output=True)
        with open(export, encoding="utf-8") as handle:
            times = json.load(handle)["results"][0]["times"]
        result["tool"] = "hyperfine"
    else:
        times = []
        for _ in range(runs):
            shutil.rmtree(os.path.join(work, ".mailmig"), ignore_errors=True)
            start = time.monotonic()
            subprocess.run(command, env=env, cwd=work, capture_output=True)
            times.append(time.monotonic() - start)
        result["tool"] = "time"
    _, rss, _, _, _ = tools.timed(command, env=env, cwd=work)
    result.update({"times": times, "median_seconds": statistics.median(times), "peak_rss_kib": rss})
    result["holds"] = result["median_seconds"] < 1.0 and not result["error"]
    return result


def render(results):
    lines = []
    memory = results.get("memory")
    if memory:
        for name in ("large", "small"):
            run = memory["runs"][name]
            lines.append("Memory check: %d messages (%.0f MB, largest %.1f MB) copied in %.1f s (%d on the target); peak RSS %.1f MB%s"
                         % (run["messages"], run["bytes"] / 1e6, run["largest_message"] / 1e6, run["seconds"], run["copied"],
                            run["peak_rss_kib"] / 1024, "" if not run["error"] else " (%s)" % run["error"][-300:]))
        lines.append("Memory check: limit %.0f MB with the largest message, %+.1f %% against the smaller one (limit 10 %%) -> %s"
                     % (memory["limit_kib"] / 1024, (memory["growth"] - 1) * 100, "holds" if memory["holds"] else "MISSED"))
    planning = results.get("planning")
    if planning:
        lines.append("Planning check: plan --no-refresh of %d mailboxes: median %.3f s over %d runs (%s), peak RSS %.1f MB"
                     " -> %s%s" % (planning["mailboxes"], planning["median_seconds"], planning["runs"], planning["tool"],
                                   planning["peak_rss_kib"] / 1024, "holds" if planning["holds"] else "MISSED",
                                   "" if not planning["error"] else " (%s)" % planning["error"]))
    if results.get("refresh"):
        lines.append(refresh.render(results["refresh"]))
    if results.get("folders"):
        lines.append(folders.render(results["folders"]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="mailmig's memory and planning checks.")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--quick", action="store_true", help="2,000 messages in the memory check")
    parser.add_argument("--baseline", help="another mailmig build measured in the folder-count check too")
    parser.add_argument("--only", choices=["memory", "planning", "folders", "localcopy", "refresh"])
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    servers.snapshot_scripts()
    results = {}
    if args.only in (None, "planning"):
        results["planning"] = planning_check(args.binary)
    if args.only in (None, "refresh"):
        results["refresh"] = refresh.refresh_check(args.binary)
    if args.only in (None, "folders"):
        results["folders"] = folders.folder_check(args.binary, os.path.abspath(args.baseline) if args.baseline else None)
    if args.only in (None, "memory"):
        results["memory"] = memory_check(args.binary, args.quick)
    if args.only in (None, "localcopy"):
        profile = "quick" if args.quick else "full"
        totals = corpus.main_corpus(profile)
        users = bench.users_for(profile, totals)
        bench.prepare_source(profile, totals, users)
        bench.remove_new_mail(users)
        results["localcopy"] = localcopy.local_copy_check(args.binary, users, totals["messages"], os.path.join(servers.BENCH_DIR, "work"))
        print(localcopy.render(results["localcopy"], totals["messages"]))
    out = os.path.join(servers.BENCH_DIR, "checks-%s-%s.json" % ("quick" if args.quick else "full",
                                                                 time.strftime("%Y%m%d-%H%M%S")))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    print(render(results))
    log("raw results: %s" % out)
    return 0 if all(result["holds"] for result in results.values()) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except servers.BenchFailure as failure:
        log(str(failure))
        sys.exit(1)
