"""The folder-count check: how `mailmig plan` grows with the number of folders in one mailbox.

One source user per size holds that many Maildir++ folders, written straight into the bench
source instance's mail directory (APPENDing 20,000 CREATEs would take longer than the check):
one folder in FULL_EVERY holds one message, the others are empty, as in the archives of long-lived
accounts. The plan copies that one mailbox; each run starts from an empty state folder, so
`mailmig plan` lists the folders with their STATUS and estimates every folder that holds mail.
"""
import os
import shutil
import subprocess
import time

import servers
import tools

FULL_EVERY = 50
TARGET_SECONDS = 20.0  # for the largest count
MAIL_UID = MAIL_GID = 8  # the `mail` user the bench Dovecot runs mail processes as (dovecot.sh)
MESSAGE = (b"From: a@acme.test\r\nTo: b@acme.test\r\nSubject: folder check\r\n"
           b"Message-ID: <folder-%d@acme.test>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n")


def user_for(count):
    return "folders%d" % count


def build_folders(count):
    """Creates (once) the source user holding COUNT folders; returns the user."""
    user = user_for(count)
    home = os.path.join(servers.mail_root("source"), user)
    marker = os.path.join(home, ".folder-check-%d" % count)
    if os.path.exists(marker):
        return user
    servers.empty_user("source", user)
    os.makedirs(home, exist_ok=True)
    for number in range(count):
        folder = os.path.join(home, ".F%06d" % number)
        for part in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(folder, part), exist_ok=True)
        open(os.path.join(folder, "maildirfolder"), "wb").close()
        if number % FULL_EVERY == 0:
            with open(os.path.join(folder, "cur", "1700000000.M%dP1.bench:2,S" % number), "wb") as handle:
                handle.write(MESSAGE % number)
    with open(os.path.join(home, "subscriptions"), "w", encoding="utf-8") as handle:
        handle.write("".join("F%06d\n" % number for number in range(count)))
    subprocess.run(["chown", "-R", "%d:%d" % (MAIL_UID, MAIL_GID), home], check=True)
    open(marker, "w").close()
    return user


def plan_seconds(binary, user, work, runs):
    """Wall seconds of `mailmig plan` (fresh state each time) for RUNS runs, and the last exit status."""
    env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD)
    plan = os.path.join(work, "mailmig.yaml")
    with open(plan, "w", encoding="utf-8") as handle:
        handle.write(tools.plan_text([user]))
    times, status, error = [], 0, ""
    for _ in range(runs):
        shutil.rmtree(os.path.join(work, ".mailmig"), ignore_errors=True)
        start = time.monotonic()
        result = subprocess.run([binary, "plan", plan], env=env, cwd=work, capture_output=True)
        times.append(time.monotonic() - start)
        status = result.returncode
        if status not in (0, 2):
            error = result.stderr.decode("utf-8", "replace")[-300:]
    return min(times), status, error


def folder_check(binary, baseline=None, counts=(1_000, 5_000, 20_000), runs=2):
    """Per folder count: the best of RUNS plan times of BINARY (and of BASELINE, in the same run)."""
    rows = []
    for count in counts:
        user = build_folders(count)
        servers.empty_user("target", user)
        row = {"folders": count, "holding_mail": (count + FULL_EVERY - 1) // FULL_EVERY}
        for name, tool in (("mailmig", binary), ("baseline", baseline)):
            if not tool:
                continue
            work = os.path.join(servers.BENCH_DIR, "work", "folders-%s-%d" % (name, count))
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            seconds, status, error = plan_seconds(tool, user, work, runs)
            row[name] = {"seconds": seconds, "exit_status": status, "error": error}
        servers.remove_user("target", user)
        rows.append(row)
    failed = any(row[name]["exit_status"] not in (0, 2) for row in rows for name in ("mailmig", "baseline") if name in row)
    largest = rows[-1]["mailmig"]["seconds"] if rows else 0
    return {"runs": runs, "rows": rows, "target_seconds": TARGET_SECONDS,
            "holds": not failed and largest < TARGET_SECONDS}


def render(result):
    lines = ["Folder check: `mailmig plan` of one mailbox, best of %d runs, fresh state (target: largest under %.0f s)"
             " -> %s:" % (result["runs"], result["target_seconds"], "holds" if result["holds"] else "MISSED")]
    for row in result["rows"]:
        text = "  %6d folders (%d holding mail): %.2f s" % (row["folders"], row["holding_mail"], row["mailmig"]["seconds"])
        if "baseline" in row:
            text += ", baseline %.2f s (%.2fx)" % (row["baseline"]["seconds"],
                                                   row["mailmig"]["seconds"] / max(row["baseline"]["seconds"], 1e-9))
        for name in ("mailmig", "baseline"):
            if row.get(name, {}).get("error"):
                text += " [%s failed: %s]" % (name, row[name]["error"].strip().splitlines()[-1])
        lines.append(text)
    return "\n".join(lines)
