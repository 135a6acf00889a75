"""The refresh-planning check: `mailmig plan` with live refresh of 1,000 mailboxes of 12 folders each.

Users rp0001 ... rp1000 exist on both bench instances (added with one `dovecot.sh add-users` per
instance). Each source user holds 12 folders (INBOX and 11 more) with MESSAGES_PER_FOLDER small
messages each, written as Maildir files straight into the source's mail root (Maildir is made to be
written by other programs; Dovecot indexes the files at the first look) and kept between runs; the
target users are emptied before every run. Then, timed with /usr/bin/time:
  1. `mailmig plan` against an empty state folder: every source folder's STATUS and every target's login;
  2. `mailmig apply --auto-approve --quiet` of all of it (for the state the next plans compare with);
  3. `mailmig plan` again, which must say "No changes.";
  4. one new message in the INBOX of 1 % of the source users, and `mailmig plan`, which must count
     exactly those messages.
The planning figures are the point; the apply is there to make 3 and 4 possible.
"""
import os
import pwd
import re
import shutil
import sys
import time

import servers
import tools

USER_PREFIX = "rp"
FOLDERS = ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive", "Projects", "Customers", "Invoices",
           "Notes", "Reports", "Travel"]
MESSAGES_PER_FOLDER = 2
STAMP = ".mailmig-bench-refresh"


def log(text):
    print("refresh: %s" % text, file=sys.stderr, flush=True)


def users_for(count):
    return ["%s%04d" % (USER_PREFIX, number + 1) for number in range(count)]


def ensure_users(instance, users):
    """Adds the missing logins in one change of the instance's passwd file."""
    listing = os.path.join(servers.BENCH_DIR, "work", "refresh-users-%s.txt" % instance)
    with open(listing, "w", encoding="utf-8") as handle:
        handle.writelines("%s %s\n" % (user, servers.password_of(user)) for user in users)
    servers.dovecot("add-users", instance, listing)


def message(user, folder, number, moment):
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(moment))
    return ("From: Sender %d <sender%d@example.test>\r\nTo: %s@acme.test\r\nSubject: %s note %d\r\n"
            "Date: %s\r\nMessage-ID: <%s.%s.%d@bench.example.test>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            "A short message in %s, number %d.\r\n" % (number, number, user, folder, number, date, user, folder, number,
                                                      folder, number)).encode("ascii")


def write_message(directory, data, moment, unique, seen):
    """One Maildir file (cur/ when seen, else new/), dated `moment`."""
    sub = "cur" if seen else "new"
    name = "%d.M%dP%d.bench,S=%d%s" % (int(moment), unique, os.getpid(), len(data), ":2,S" if seen else "")
    path = os.path.join(directory, sub, name)
    with open(path, "wb") as handle:
        handle.write(data)
    os.utime(path, (moment, moment))


def maildir(root, folder):
    """The Maildir of a source folder: the root for INBOX, `.Name` below it (Maildir++, the source's
    "." separator)."""
    path = root if folder == "INBOX" else os.path.join(root, "." + folder)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    if folder != "INBOX":
        open(os.path.join(path, "maildirfolder"), "a").close()
    return path


def chown_tree(path, uid, gid):
    for top, directories, files in os.walk(path):
        os.chown(top, uid, gid)
        for name in files:
            os.chown(os.path.join(top, name), uid, gid)


def write_source(users):
    """Writes the users' folders unless they are already there; returns how many users were written."""
    mail = pwd.getpwnam("mail")
    written = 0
    base = time.time() - 86_400 * 30
    for index, user in enumerate(users):
        root = os.path.join(servers.mail_root("source"), user)
        if os.path.exists(os.path.join(root, STAMP)):
            continue
        shutil.rmtree(root, ignore_errors=True)
        for folder_index, folder in enumerate(FOLDERS):
            path = maildir(root, folder)
            for number in range(MESSAGES_PER_FOLDER):
                moment = base + index * 60 + folder_index * 5 + number
                write_message(path, message(user, folder, number, moment), moment, folder_index * 100 + number, seen=True)
        open(os.path.join(root, STAMP), "w").close()
        chown_tree(root, mail.pw_uid, mail.pw_gid)
        written += 1
    return written


def deliver_new(users):
    """One new (unseen) message in the INBOX of each of `users`."""
    mail = pwd.getpwnam("mail")
    for user in users:
        root = os.path.join(servers.mail_root("source"), user)
        moment = time.time()
        write_message(root, message(user, "INBOX", 999, moment), moment, 99_999, seen=False)
        chown_tree(os.path.join(root, "new"), mail.pw_uid, mail.pw_gid)


def remove_new(users):
    """Takes the messages `deliver_new` added out again, so that the next run starts from the same corpus."""
    for user in users:
        root = os.path.join(servers.mail_root("source"), user)
        for sub in ("new", "cur"):
            directory = os.path.join(root, sub)
            for name in os.listdir(directory):
                if ".M99999P" in name:
                    os.remove(os.path.join(directory, name))


def timed_step(name, command, env, cwd):
    outputs = {}
    seconds, rss, cpu, status, error = tools.timed(command, env=env, cwd=cwd, outputs=outputs)
    log("%s: %.2f s, exit %d" % (name, seconds, status))
    return {"command": command[1:], "seconds": seconds, "peak_rss_kib": rss, "cpu_seconds": cpu, "exit_status": status,
            "stdout": outputs.get("stdout", ""), "error": error[-500:] if status not in (0, 2) else ""}


def to_copy(output):
    """The messages a plan's output says are to copy, summed over its batches."""
    return sum(int(found.replace(",", "")) for found in re.findall(r"([0-9][0-9,]*) messages? \([^)]*\) to copy", output))


def refresh_check(binary, count=1_000):
    users = users_for(count)
    work = os.path.join(servers.BENCH_DIR, "work", "refresh")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    started = time.monotonic()
    for instance in ("source", "target"):
        ensure_users(instance, users)
    remove_new(u for u in users if os.path.isdir(os.path.join(servers.mail_root("source"), u)))
    written = write_source(users)
    for user in users:
        shutil.rmtree(os.path.join(servers.mail_root("target"), user), ignore_errors=True)
    log("%d users ready (%d written) in %.1f s" % (count, written, time.monotonic() - started))
    plan = os.path.join(work, "mailmig.yaml")
    with open(plan, "w", encoding="utf-8") as handle:
        handle.write(tools.plan_text(users))
    env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD)
    steps = {"first_plan": timed_step("first plan", [binary, "plan", "--no-color", plan], env, work)}
    steps["apply"] = timed_step("apply", [binary, "apply", "--auto-approve", "--quiet", plan], env, work)
    steps["no_change_plan"] = timed_step("plan after the apply", [binary, "plan", "--no-color", plan], env, work)
    arrivals = users[::100]
    deliver_new(arrivals)
    try:
        steps["new_mail_plan"] = timed_step("plan with new mail", [binary, "plan", "--no-color", plan], env, work)
    finally:
        remove_new(arrivals)
    expected = count * len(FOLDERS) * MESSAGES_PER_FOLDER
    failures = []
    if to_copy(steps["first_plan"]["stdout"]) != expected:
        failures.append("the first plan counts %d messages to copy, not %d" % (to_copy(steps["first_plan"]["stdout"]), expected))
    if steps["apply"]["exit_status"] != 0:
        failures.append("apply exited %d: %s" % (steps["apply"]["exit_status"], steps["apply"]["error"]))
    if "No changes." not in steps["no_change_plan"]["stdout"]:
        failures.append("the plan after the apply does not say \"No changes.\"")
    if to_copy(steps["new_mail_plan"]["stdout"]) != len(arrivals):
        failures.append("the plan with new mail counts %d messages, not %d" % (to_copy(steps["new_mail_plan"]["stdout"]), len(arrivals)))
    for step in steps.values():
        step.pop("stdout")
    return {"mailboxes": count, "folders": count * len(FOLDERS), "messages": expected, "new_messages": len(arrivals),
            "steps": steps, "failures": failures, "holds": not failures}


def render(result):
    steps = result["steps"]
    lines = ["Refresh planning: %d mailboxes, %d folders, %d messages:" % (result["mailboxes"], result["folders"], result["messages"])]
    for key, label in (("first_plan", "plan, empty state"), ("apply", "apply (all of it)"),
                       ("no_change_plan", "plan after the apply (no changes)"),
                       ("new_mail_plan", "plan with %d new messages" % result["new_messages"])):
        step = steps[key]
        lines.append("  %-36s %7.2f s  (CPU %.2f s, peak RSS %.1f MB, exit %d)"
                     % (label, step["seconds"], step["cpu_seconds"], step["peak_rss_kib"] / 1024, step["exit_status"]))
    lines.append("Refresh planning -> %s" % ("measured" if result["holds"] else "FAILED: " + "; ".join(result["failures"])))
    return "\n".join(lines)
