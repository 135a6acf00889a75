#!/usr/bin/env python3
"""The shared-apply benchmark: many small mailboxes copied by one apply, then by worker processes.

Three configurations copy the same corpus (by default 1,000 mailboxes of 20 messages, seed 4, no
attachments: the cost per mailbox, not per byte) from the bench source into emptied target users:
  (a) SQLite state (.mailmig/ next to the plan), `mailmig apply --auto-approve --quiet`
      (parallelism 4, the default);
  (b) PostgreSQL state, `mailmig apply --auto-approve --quiet --workers 1 --parallelism P`;
  (c) PostgreSQL state, `mailmig apply --auto-approve --quiet --workers 4 --parallelism P`.
Every plan has `connections: 32` on both sides, so that the connections never hold back (c)
(16 mailboxes in flight at most). Each PostgreSQL run gets a fresh schema (dropped first), the
SQLite run a fresh .mailmig/; before each apply the source's mail files are read once (bench.warm_up).

Per configuration: the wall time of the apply, its CPU time and peak RSS (/usr/bin/time: the apply
and the workers it started and reaped, the RSS of the largest of them), the CPU seconds of each
Dovecot instance and of PostgreSQL (each server's main process, its live children and the children
it reaped, from /proc) and of the whole machine (/proc/stat, so what the rest of the machine
did meanwhile shows too). Afterwards every target user must hold exactly its source user's message
count, and a second `mailmig plan` must say "No changes.".

The users are wk0001, wk0002, ... on both instances; their logins stay between runs (adding or
removing a login makes dovecot.sh wait for the next second, so emptying 1,000 users with
servers.empty_user would take over half an hour); a user is emptied by removing its mail directory,
as remove_user does. The corpus is generated under .bench/corpus-workers-<mailboxes>x<messages> and
loaded once (bench.prepare_source); the PostgreSQL server is the one bench/run.sh --workers-bench
starts (scripts/testenv/postgres.sh, port 16432, cluster in /var/tmp/mailmig-bench-postgres-16432).
Results go to .bench/workers-<mailboxes>x<messages>-<time>.json and a table on standard output.

Usage: workers.py --binary PATH [--mailboxes N] [--messages N] [--parallelism P]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import corpus  # noqa: E402
import servers  # noqa: E402
import tools  # noqa: E402

USER_PREFIX = "wk"
SEED = 4
CONNECTIONS = 32
PG_PORT = 16432   # bench/run.sh starts the server with the same port and cluster directory
PG_DIR = "/var/tmp/mailmig-bench-postgres-%d" % PG_PORT
PG_ENV = os.path.join(servers.SERVERS_DIR, "postgres.env")


def log(text):
    print("workers: %s" % text, file=sys.stderr, flush=True)


def users_for(count):
    return ["%s%04d" % (USER_PREFIX, number + 1) for number in range(count)]


def configurations(parallelism):
    """(name, label, PostgreSQL schema or None, extra apply arguments) of the three configurations."""
    shared = ["--parallelism", str(parallelism)]
    return [
        ("sqlite", "(a) SQLite state, apply", None, []),
        ("workers1", "(b) PostgreSQL, --workers 1 --parallelism %d" % parallelism, "bench_workers_1",
         ["--workers", "1", *shared]),
        ("workers4", "(c) PostgreSQL, --workers 4 --parallelism %d" % parallelism, "bench_workers_4",
         ["--workers", "4", *shared]),
    ]


def ensure_users(instance, users):
    """Adds the logins that are missing (one at a time: dovecot.sh serialises them anyway)."""
    added = 0
    for user in users:
        if not servers.dovecot_quiet_has_user(instance, user):
            servers.add_user(instance, user)
            added += 1
    return added


def empty_mail(instance, user):
    """The user keeps its login and has no mail: its mail directory is removed, as remove_user does;
    Dovecot makes it again at the next login."""
    shutil.rmtree(os.path.join(servers.mail_root(instance), user), ignore_errors=True)


def postgres_url():
    """MAILMIG_PG_URL from the postgres.env that scripts/testenv/postgres.sh wrote."""
    if not os.path.exists(PG_ENV):
        raise servers.BenchFailure("no %s: start the benchmark's PostgreSQL with bench/run.sh --workers-bench" % PG_ENV)
    return servers.run(["bash", "-c", '. "$1" && printf %s "$MAILMIG_PG_URL"', "-", PG_ENV], "reading %s" % PG_ENV)


def drop_schema(url, schema):
    servers.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", "DROP SCHEMA IF EXISTS %s CASCADE" % schema],
                "dropping the schema %s" % schema)


def postgres_cpu_seconds():
    """CPU seconds used so far by the PostgreSQL server: the postmaster (with the backends it reaped)
    and its live children (background processes, backends still connected)."""
    with open(os.path.join(PG_DIR, "data", "postmaster.pid"), encoding="utf-8") as handle:
        return servers.process_cpu_seconds(int(handle.readline()), children=True)


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy so far, all cores together (/proc/stat)."""
    with open("/proc/stat", encoding="utf-8") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, _, _, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def counters():
    return {"source": servers.server_cpu_seconds("source", resident=True),
            "target": servers.server_cpu_seconds("target", resident=True),
            "postgres": postgres_cpu_seconds(), "machine": machine_busy_seconds()}


def run_configuration(configuration, binary, users, expected, work, url):
    """One apply of the corpus into emptied target users; a dict of results."""
    name, label, schema, arguments = configuration
    folder = os.path.join(work, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    plan = os.path.join(folder, "mailmig.yaml")
    text = tools.plan_text(users, connections=CONNECTIONS)
    if schema:
        text += "state:\n  postgres: { url: \"env:MAILMIG_PG_URL\", schema: %s }\n" % schema
        drop_schema(url, schema)
    with open(plan, "w", encoding="utf-8") as handle:
        handle.write(text)
    log("%s: emptying %d target users" % (label, len(users)))
    bench.each(lambda user: empty_mail("target", user), users)
    bench.warm_up()
    env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD, MAILMIG_PG_URL=url)
    command = [binary, "apply", "--auto-approve", "--quiet", *arguments, plan]
    log("%s: %s" % (label, " ".join(command[1:])))
    before = counters()
    outputs = {}
    seconds, rss, cpu, status, output = tools.timed(command, env=env, cwd=folder, outputs=outputs)
    time.sleep(0.5)   # the servers' imap processes end after the last logout
    after = counters()
    used = {key: after[key] - before[key] for key in before}
    for stream, text in outputs.items():
        with open(os.path.join(folder, "apply.%s" % stream), "w", encoding="utf-8") as handle:
            handle.write(text)
    # The apply's own summary, from the first copy to the last: `N messages (… MiB) copied in 12.3 s (…)`,
    # with workers `… copied by the workers in 12.3 s (…)`.
    copied = re.search(r"copied (?:by the workers )?in ([0-9.]+) s", outputs["stdout"])
    result = {"name": name, "label": label, "command": command[1:], "seconds": seconds, "peak_rss_kib": rss,
              "copy_seconds": float(copied.group(1)) if copied else None,
              "cpu_seconds": cpu, "server_cpu_seconds": {"source": used["source"], "target": used["target"]},
              "postgres_cpu_seconds": used["postgres"], "machine_busy_seconds": used["machine"],
              "exit_status": status, "summary": [line for line in outputs["stdout"].splitlines()
                                                 if copied and copied.group(0) in line or line.startswith("Applied")],
              "failures": []}
    if status != 0:
        result["failures"].append("mailmig apply: exit %d: %s" % (status, " | ".join(output.splitlines()[-5:])))
    found = bench.each(lambda user: servers.message_count("target", user), users)
    wrong = [(user, have, want) for user, have, want in zip(users, found, expected) if have != want]
    result["target_messages"] = sum(found)
    result["users_with_wrong_count"] = len(wrong)
    if wrong:
        result["failures"].append("%d target users do not hold their source's message count, e.g. %s"
                                  % (len(wrong), ", ".join("%s %d of %d" % entry for entry in wrong[:5])))
    second = subprocess.run([binary, "plan", "--no-color", plan], env=env, cwd=folder, capture_output=True)
    second_output = second.stdout.decode("utf-8", "replace")
    result["second_plan"] = {"exit_status": second.returncode, "no_changes": "No changes." in second_output}
    if not result["second_plan"]["no_changes"]:
        detail = (second_output + second.stderr.decode("utf-8", "replace")).strip().splitlines()[-5:]
        result["failures"].append("the second `mailmig plan` exited %d without \"No changes.\": %s"
                                  % (second.returncode, " | ".join(detail)))
    log("%s: %.1f s%s" % (label, seconds, "; " + "; ".join(result["failures"]) if result["failures"] else ""))
    return result


def render(document):
    messages = document["corpus"]["messages"]
    cores = document["machine"]["cores"]
    preparation = document["preparation"]
    lines = ["Corpus: %d messages, %.0f MB in %d mailboxes; source %s in %.1f s (logins added: %d source, %d target, %.1f s)."
             % (messages, document["corpus"]["bytes"] / 1e6, len(document["users"]),
                "loaded" if preparation["loaded"] else "already loaded, checked", preparation["load_seconds"],
                preparation["logins_added"]["source"], preparation["logins_added"]["target"],
                preparation["logins_seconds"]), "",
             "| configuration | wall s | copying s | msg/s | apply CPU s | source Dovecot CPU s | target Dovecot CPU s "
             "| PostgreSQL CPU s | other CPU s | machine busy | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for result in document["results"]:
        servers_cpu = result["server_cpu_seconds"]
        measured = result["cpu_seconds"] + servers_cpu["source"] + servers_cpu["target"] + result["postgres_cpu_seconds"]
        copying = result.get("copy_seconds")
        lines.append("| %s | %.1f | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f %% | %.0f |"
                     % (result["label"], result["seconds"], "%.1f" % copying if copying is not None else "-",
                        messages / result["seconds"], result["cpu_seconds"],
                        servers_cpu["source"], servers_cpu["target"], result["postgres_cpu_seconds"],
                        max(0.0, result["machine_busy_seconds"] - measured),
                        100 * result["machine_busy_seconds"] / (cores * result["seconds"]), result["peak_rss_kib"] / 1024))
    lines.append("")
    lines.append("msg/s: messages / wall. copying: the apply's own \"copied in\" figure, from its first copy to its "
                 "last (the rest of the wall time is planning, starting and closing).")
    lines.append("apply CPU and peak RSS: the apply and the workers it started (the largest process's RSS). "
                 "machine busy: CPU time of the whole machine over the apply / (%d cores x wall); other CPU: "
                 "what the machine spent beside the apply, Dovecot and PostgreSQL." % cores)
    by_name = {result["name"]: result for result in document["results"]}
    for top, bottom, what in (("workers1", "sqlite", "(b)/(a)"), ("workers4", "workers1", "(c)/(b), the scaling ratio")):
        if top in by_name and bottom in by_name:
            lines.append("Throughput %s: %.2fx" % (what, by_name[bottom]["seconds"] / by_name[top]["seconds"]))
    for result in document["results"]:
        lines.append("%s: %s; second plan: %s" % (
            result["label"],
            "every target user holds its source's count (%d messages)" % result["target_messages"]
            if not result["users_with_wrong_count"] else "%d users with a wrong count" % result["users_with_wrong_count"],
            "No changes." if result["second_plan"]["no_changes"] else "CHANGES (exit %d)" % result["second_plan"]["exit_status"]))
        for failure in result["failures"]:
            lines.append("FAILURE %s: %s" % (result["label"], failure))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Benchmark a shared apply with worker processes against a plain apply.")
    parser.add_argument("--binary", required=True, help="the mailmig binary (release build)")
    parser.add_argument("--mailboxes", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20, help="messages per mailbox")
    parser.add_argument("--parallelism", type=int, default=4, help="--parallelism of each worker in (b) and (c)")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if args.mailboxes < 1 or args.messages < 1:
        parser.error("--mailboxes and --messages must be at least 1")
    work = os.path.join(servers.BENCH_DIR, "work", "workers")
    os.makedirs(work, exist_ok=True)
    servers.snapshot_scripts()
    url = postgres_url()

    profile = "workers-%dx%d" % (args.mailboxes, args.messages)
    totals = corpus.generate(os.path.join(servers.BENCH_DIR, "corpus-" + profile), args.mailboxes, args.messages,
                             SEED, 0.0, 1 << 20)
    users = users_for(args.mailboxes)
    log("corpus: %d messages, %.0f MB in %d mailboxes" % (totals["messages"], totals["bytes"] / 1e6, len(users)))

    # Logins first, on both instances at once (each instance has its own lock).
    start = time.monotonic()
    added = {}
    threads = [threading.Thread(target=lambda instance=instance: added.__setitem__(instance, ensure_users(instance, users)))
               for instance in ("source", "target")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if set(added) != {"source", "target"}:
        raise servers.BenchFailure("adding the logins failed (see above)")
    logins_seconds = time.monotonic() - start
    log("logins: %d source and %d target users added in %.1f s" % (added["source"], added["target"], logins_seconds))

    stamp = os.path.join(servers.BENCH_DIR, "source-loaded-%s.txt" % profile)
    stamped = os.path.getmtime(stamp) if os.path.exists(stamp) else None
    start = time.monotonic()
    expected = bench.prepare_source(profile, totals, users, empty=empty_mail)
    load_seconds = time.monotonic() - start
    loaded = not os.path.exists(stamp) or os.path.getmtime(stamp) != stamped
    log("source %s in %.1f s" % ("loaded" if loaded else "already holds the corpus, checked", load_seconds))

    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "profile": profile, "binary": args.binary, "parallelism": args.parallelism, "connections": CONNECTIONS,
        "corpus": totals, "users": users,
        "machine": {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "preparation": {"logins_added": added, "logins_seconds": logins_seconds, "loaded": loaded,
                        "load_seconds": load_seconds},
        "results": [],
    }
    out = os.path.join(servers.BENCH_DIR, "%s-%s.json" % (profile, time.strftime("%Y%m%d-%H%M%S")))
    for configuration in configurations(args.parallelism):
        document["results"].append(run_configuration(configuration, args.binary, users, expected, work, url))
        with open(out, "w", encoding="utf-8") as handle:   # after every configuration, so a crash keeps what was measured
            json.dump(document, handle, indent=1)
    bench.each(lambda user: empty_mail("target", user), users)
    print(render(document))
    log("raw results: %s" % out)
    return 1 if any(result["failures"] for result in document["results"]) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except servers.BenchFailure as failure:
        log(str(failure))
        sys.exit(1)
