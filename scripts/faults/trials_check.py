#!/usr/bin/env python3
"""Helpers for scripts/faults/trials.sh (Python 3 standard library only).

  trials_check.py ports N                     N free 127.0.0.1 ports (TCP and UDP) in 20000-24999
  trials_check.py schedule kill|dns|proxy N SEED
                                              the seeded trial schedule, one trial per line
  trials_check.py compare SOURCE.json TARGET.json [--diff FILE]
                                              compares two dump.py snapshots: the target must hold, per
                                              folder, exactly the multiset of (SHA-256, flags, internal
                                              date) of the source folder that maps there; prints one
                                              line "exact=0|1 expected=N found=N lost=N duplicated=N
                                              altered=N" and exits 0 when exact, 1 when not
  trials_check.py ledger STATE.sqlite         "ledger=N pending=N skipped=N" (read only)
  trials_check.py zone AXFR.txt EXPECTED.txt [--diff FILE]
                                              compares `dig AXFR` output (without SOA) with the expected
                                              records: "exact=0|1 expected=N found=N lost=N duplicated=N"
  trials_check.py summary RESULTS.tsv         the summary table of a run

Folder rules of the comparison are those of the integration suites (MailFolderRules): a source folder
with a SPECIAL-USE role goes to the target folder of that role (Sent, Trash, Drafts, Junk, Archive);
every other folder keeps its name. Empty folders are left out.

lost: messages of the source (by SHA-256 of their bytes) missing from the folder they belong in;
duplicated: copies in a target folder beyond the number the source has there (a message appended
twice, or a message in a folder where it does not belong); altered: messages present with their bytes
but with other flags or another internal date.
"""
import collections
import json
import random
import socket
import sqlite3
import sys

ROLE_FOLDERS = {"\\Sent": "Sent", "\\Trash": "Trash", "\\Drafts": "Drafts", "\\Junk": "Junk", "\\Archive": "Archive"}


def free_ports(count):
    rng = random.SystemRandom()
    ports = []
    for _ in range(5000):
        if len(ports) == count:
            break
        port = rng.randrange(20000, 25000)
        if port in ports:
            continue
        ok = True
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            sock = socket.socket(socket.AF_INET, kind)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                ok = False
            finally:
                sock.close()
        if ok:
            ports.append(port)
    if len(ports) < count:
        sys.exit("no %d free ports in 20000-24999" % count)
    print(" ".join(map(str, ports)))


def schedule(area, count, seed):
    """One line per trial. kill: 'INDEX KIND PARAM' with KIND pending|append (PARAM: the chunk K) or
    random (PARAM: a fraction of the calibrated apply time); dns: 'INDEX PHASE K DOUBLE' (PHASE prepare
    with K in 1..3 or cutover with K in 1..5; DOUBLE 1: the first re-run is killed too); proxy:
    'INDEX SIDE MODE PROXYSEED'."""
    rng = random.Random("%s-%d" % (area, seed))
    if area == "kill":
        kinds = ["append", "pending", "random"]
        for index in range(count):
            kind = kinds[index % 3]
            if kind == "random":
                print(index + 1, kind, "%.3f" % rng.uniform(0.05, 1.0))
            else:
                print(index + 1, kind, rng.randint(1, 12))
    elif area == "dns":
        points = [("prepare", k) for k in (1, 2, 3)] + [("cutover", k) for k in (1, 2, 3, 4, 5)]
        for index in range(count):
            phase, k = points[index % len(points)]
            double = (index // len(points)) % 2
            print(index + 1, phase, k, double)
    elif area == "proxy":
        modes = ["drop", "stall", "delay", "cut-literal", "unavailable", "random"]
        for index in range(count):
            side = "source" if index % 2 == 0 else "target"
            mode = modes[(index // 2) % len(modes)]
            print(index + 1, side, mode, seed * 1000 + index + 1)
    else:
        sys.exit("unknown area %s" % area)


def load_snapshot(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def fingerprint(message):
    return (message["sha256"], tuple(sorted(message["flags"])), message["internal_date"])


def compare(source_path, target_path, diff_path=None):
    source = load_snapshot(source_path)
    target = load_snapshot(target_path)
    expected = collections.defaultdict(collections.Counter)
    for name, folder in source["folders"].items():
        if not folder["messages"]:
            continue
        destination = ROLE_FOLDERS.get(folder.get("special_use") or "", name)
        for message in folder["messages"]:
            expected[destination][fingerprint(message)] += 1
    actual = collections.defaultdict(collections.Counter)
    for name, folder in target["folders"].items():
        for message in folder["messages"]:
            actual[name][fingerprint(message)] += 1
    lost = duplicated = altered = 0
    lines = []
    for name in sorted(set(expected) | set(actual)):
        want, got = expected.get(name, collections.Counter()), actual.get(name, collections.Counter())
        if want == got:
            continue
        want_hashes = collections.Counter()
        got_hashes = collections.Counter()
        for (sha, _, _), n in want.items():
            want_hashes[sha] += n
        for (sha, _, _), n in got.items():
            got_hashes[sha] += n
        folder_lost = sum((want_hashes - got_hashes).values())
        folder_dup = sum((got_hashes - want_hashes).values())
        missing_fp = sum((want - got).values())
        folder_altered = missing_fp - folder_lost
        lost += folder_lost
        duplicated += folder_dup
        altered += folder_altered
        lines.append("%s: expected %d, found %d; lost %d, duplicated %d, altered %d" % (
            name, sum(want.values()), sum(got.values()), folder_lost, folder_dup, folder_altered))
        for (sha, flags, date), n in sorted((want - got).items())[:5]:
            lines.append("  missing  %s flags=%s date=%s x%d" % (sha[:16], ",".join(flags), date, n))
        for (sha, flags, date), n in sorted((got - want).items())[:5]:
            lines.append("  surplus  %s flags=%s date=%s x%d" % (sha[:16], ",".join(flags), date, n))
    exact = int(not lines)
    total_expected = sum(sum(c.values()) for c in expected.values())
    total_found = sum(sum(c.values()) for c in actual.values())
    if diff_path:
        with open(diff_path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + ("\n" if lines else ""))
    print("exact=%d expected=%d found=%d lost=%d duplicated=%d altered=%d" % (
        exact, total_expected, total_found, lost, duplicated, altered))
    return 0 if exact else 1


def ledger(path):
    connection = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        counts = [connection.execute("SELECT COUNT(*) FROM %s" % table).fetchone()[0]
                  for table in ("ledger", "copy_pending", "skipped")]
    finally:
        connection.close()
    print("ledger=%d pending=%d skipped=%d" % tuple(counts))


def zone_records(path):
    """(name, ttl, type, rdata) of each record of `dig +noall +answer AXFR` output, SOA left out."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split(None, 4)
            if len(fields) < 5 or line.startswith(";"):
                continue
            name, ttl, klass, kind, rdata = fields
            if kind == "SOA":
                continue
            records.append((name.lower(), int(ttl), kind, " ".join(rdata.split())))
    return records


def zone(axfr_path, expected_path, diff_path=None):
    got = collections.Counter(zone_records(axfr_path))
    want = collections.Counter(zone_records(expected_path))
    missing = want - got
    surplus = got - want
    lines = ["  missing  %s %d %s %s" % record for record in sorted(missing.elements())]
    lines += ["  surplus  %s %d %s %s" % record for record in sorted(surplus.elements())]
    if diff_path:
        with open(diff_path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + ("\n" if lines else ""))
    exact = int(not lines)
    print("exact=%d expected=%d found=%d lost=%d duplicated=%d" % (
        exact, sum(want.values()), sum(got.values()), sum(missing.values()), sum(surplus.values())))
    return 0 if exact else 1


def summary(path):
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = line.rstrip("\n").split("\t")
                if len(row) > 5 and row[5].isdigit():
                    row[5] = format(int(row[5]), ",")
                rows.append(row)
    rows.sort(key=lambda row: row[0].startswith("fuzz"))
    header = ["area", "trials", "passed", "lost", "duplicated", "executions", "notes"]
    widths = [max(len(header[i]), *(len(row[i]) if i < len(row) else 0 for row in rows)) for i in range(len(header) - 1)]
    def fmt(row):
        cells = [(row[i] if i < len(row) else "").ljust(widths[i]) if i < 1 else (row[i] if i < len(row) else "").rjust(widths[i])
                 for i in range(len(header) - 1)]
        return "| " + " | ".join(cells) + " | " + (row[-1] if len(row) == len(header) else "") + " |"
    print(fmt(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|---|")
    for row in rows:
        print(fmt(row))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    diff = None
    if "--diff" in args:
        position = args.index("--diff")
        diff = args[position + 1]
        args = args[:position] + args[position + 2:]
    if command == "ports":
        free_ports(int(args[0]))
    elif command == "schedule":
        schedule(args[0], int(args[1]), int(args[2]))
    elif command == "compare":
        return compare(args[0], args[1], diff)
    elif command == "ledger":
        ledger(args[0])
    elif command == "zone":
        return zone(args[0], args[1], diff)
    elif command == "summary":
        summary(args[0])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
