"""The local-copy check: copying mailboxes from an IMAP server into local Maildir trees, and what a
plan's `backup:` adds to a migration.

Three tools copy the same source users (the corpus of the chosen profile, loaded by bench.py's
preparation) into an empty local folder, one after the other, in one run:

- mailmig: a plan whose target is `maildir: { path: "<dir>/{source}" }` (the store a `backup:`
  writes), `mailmig apply --auto-approve --quiet`;
- mbsync: one channel per user from the IMAP store to a MaildirStore (`SubFolders Maildir++`),
  `Create Near`, `CopyArrivalDate yes`, 4 channels in parallel;
- doveadm backup: Dovecot's imapc migration with the target's mail location overridden to a Maildir
  under the same folder (`-o mail_location=maildir:<dir>/%u`) and Dovecot's default
  `mail_fsync = optimized` (the bench servers skip fsync), 4 users in parallel.

Every copy is then counted (message files under cur/ and new/) against the source's message count.
Right after its own copy, mailmig restores that Maildir copy into the emptied IMAP target: the
target's half of a migration with no IMAP source, whose time and target-server CPU bound what any
IMAP client can reach on this machine. Every step records the CPU both Dovecot instances spent on
it. Then mailmig migrates the same users IMAP to IMAP twice, without and with `backup:`, to show what
the backup costs a pass. Last, the users' INBOXes are read over POP3 (STLS, master user) into the
IMAP target by mailmig (`source: { pop3: … }`) and by doveadm backup with Dovecot's pop3c storage;
mbsync has no POP3.
"""
import os
import shutil
import time

import servers
import tools

PARALLEL = tools.PARALLEL
POP3C_LIMIT = 120


def count_files(root):
    """Message files in every cur/ and new/ under root (Maildir++ or a tree of Maildirs)."""
    total = 0
    for folder, _, files in os.walk(root):
        if os.path.basename(folder) in ("cur", "new"):
            total += len(files)
    return total


def mailmig_plan(users, target_lines, extra=""):
    """A plan text copying every user from the bench source, with the given target lines."""
    source = tools.plan_text(users).split("\ntarget:")[0]
    lines = [source, "target:", *target_lines, "", "mailboxes:"]
    lines += ["  - %s@acme.test" % user for user in users]
    lines += ["", "batches:", "  - { name: all, select: rest, stage: sync }", "", extra]
    return "\n".join(lines)


def run_mailmig(binary, folder, plan):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "mailmig.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(plan)
    env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD)
    seconds, rss, cpu, status, error = tools.timed([binary, "apply", "--auto-approve", "--quiet", path], env=env, cwd=folder)
    failures = [] if status == 0 else ["mailmig apply: exit %d: %s" % (status, " | ".join(error.splitlines()[-5:]))]
    return seconds, rss, cpu, failures


def with_server_cpu(run):
    """run()'s (seconds, rss, cpu, failures) with the CPU seconds both Dovecot instances spent meanwhile."""
    (seconds, rss, cpu, failures), server_cpu = servers.cpu_during(run)
    return seconds, rss, cpu, server_cpu, failures


def target_lines(users):
    """The bench target's lines of a plan (tools.plan_text's), without the `target:` key."""
    return tools.plan_text(users).split("\ntarget:")[1].split("\nmailboxes:")[0].strip("\n").splitlines()


def plan_from(name, source, users):
    """A plan named `name` copying `users` from the `source:` lines given to the bench target."""
    lines = ["mailmig: 1", "name: %s" % name, "", *source, "", "target:", *target_lines(users), "", "mailboxes:"]
    lines += ["  - %s@acme.test" % user for user in users]
    lines += ["", "batches:", "  - { name: all, select: rest, stage: sync }", ""]
    return "\n".join(lines)


def restore(binary, users, tree, base, results):
    """mailmig writing the Maildir copy `tree` into the emptied IMAP target: the target's side of a
    migration with no IMAP source, so its time and the target server's CPU bound what any IMAP client
    can reach on this machine."""
    for user in users:
        servers.empty_user("target", user)
    plan = plan_from("bench-restore", ["source:", "  maildir: { path: \"%s/{source}\" }" % tree], users)
    seconds, rss, cpu, server_cpu, failures = with_server_cpu(lambda: run_mailmig(binary, os.path.join(base, "restore"), plan))
    found, expected = sum(servers.message_count("target", user) for user in users), count_files(tree)
    if found != expected:
        failures.append("the target holds %d messages after the restore, not %d" % (found, expected))
    results["restore"] = {"seconds": seconds, "peak_rss_kib": rss, "cpu_seconds": cpu, "server_cpu_seconds": server_cpu,
                          "messages": found, "failures": failures}
    print("localcopy: restore %.1f s, %d messages%s" % (seconds, found, "; " + "; ".join(failures) if failures else ""), flush=True)


def mbsync_config(users, out, folder):
    blocks = []
    for user in users:
        blocks.append("IMAPAccount far-%s\nHost localhost\nPort %d\nUser %s*%s\nPass %s\nSSLType STARTTLS\nCertificateFile %s\n\n"
                      "IMAPStore far-%s\nAccount far-%s\n\n"
                      "MaildirStore near-%s\nInbox %s/%s\nSubFolders Maildir++\n\n"
                      "Channel %s\nFar :far-%s:\nNear :near-%s:\nPatterns *\nCreate Near\nRemove None\nExpunge None\n"
                      "Sync Pull\nCopyArrivalDate yes\nSyncState %s/state-%s\n"
                      % (user, servers.PORTS["source"], user, servers.ADMIN, servers.ADMIN_PASSWORD, servers.ca_file(),
                         user, user, user, out, user, user, user, user, folder, user))
    path = os.path.join(folder, "mbsyncrc")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(blocks))
    os.chmod(path, 0o600)
    return path


def doveadm_command(user, out):
    # The bench servers skip fsync (`mail_fsync = never`, their data is disposable); a local copy is
    # compared at Dovecot's default instead, since mailmig and mbsync sync every message file they write.
    return tools.DoveadmBackup.command(user, mail_location="maildir:%s/%s" % (out, user), mail_fsync="optimized")


def local_copy_check(binary, users, expected, work):
    """Times the three tools copying `users` into local Maildirs; `expected` is the source's message count."""
    results = {}
    base = os.path.join(work, "localcopy")
    shutil.rmtree(base, ignore_errors=True)

    def measure(name, run, out):
        os.makedirs(out, exist_ok=True)
        seconds, rss, cpu, server_cpu, failures = with_server_cpu(run)
        found = count_files(out)
        if found != expected:
            failures.append("%s holds %d message files after the copy, not %d" % (out, found, expected))
        results[name] = {"seconds": seconds, "peak_rss_kib": rss, "cpu_seconds": cpu, "server_cpu_seconds": server_cpu,
                         "messages": found, "failures": failures}
        print("localcopy: %s %.1f s, %d messages%s" % (name, seconds, found, "; " + "; ".join(failures) if failures else ""), flush=True)

    out = os.path.join(base, "mailmig-out")
    plan = mailmig_plan(users, ["  maildir: { path: \"%s/{source}\" }" % out])
    measure("mailmig", lambda: run_mailmig(binary, os.path.join(base, "mailmig"), plan), out)
    restore(binary, users, out, base, results)

    out = os.path.join(base, "mbsync-out")
    folder = os.path.join(base, "mbsync")
    os.makedirs(folder, exist_ok=True)
    config = mbsync_config(users, out, folder)
    measure("mbsync", lambda: tools.parallel([["mbsync", "-q", "-c", config, user] for user in users]), out)

    out = os.path.join(base, "doveadm-out")
    # doveadm runs as the target instance's user of that name, with its mail location moved to `out`;
    # it writes as the mail user, not as the one running the bench.
    for user in users:
        servers.empty_user("target", user)
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o777)
    measure("doveadm", lambda: tools.parallel([doveadm_command(user, out) for user in users]), out)

    # What backup: adds to an IMAP-to-IMAP migration.
    target = target_lines(users)
    for name, extra in (("migration", ""), ("migration+backup", "backup: { path: backups/ }\n")):
        for user in users:
            servers.empty_user("target", user)
        folder = os.path.join(base, name)
        started = time.monotonic()
        seconds, rss, cpu, server_cpu, failures = with_server_cpu(lambda: run_mailmig(binary, folder, mailmig_plan(users, target, extra)))
        results[name] = {"seconds": seconds, "peak_rss_kib": rss, "cpu_seconds": cpu, "server_cpu_seconds": server_cpu, "failures": failures,
                         "messages": sum(servers.message_count("target", user) for user in users)}
        if extra:
            results[name]["backup_messages"] = count_files(os.path.join(folder, "backups"))
        print("localcopy: %s %.1f s%s" % (name, time.monotonic() - started, "; " + "; ".join(failures) if failures else ""), flush=True)
    pop3_check(binary, users, base, results)
    for user in users:
        servers.empty_user("target", user)
    copies = [results[name]["seconds"] for name in ("mbsync", "doveadm")]
    # pop3c failing is a finding about doveadm, not about mailmig or the bench.
    results["holds"] = not any(result["failures"] for name, result in results.items() if isinstance(result, dict) and name != "pop3-doveadm") \
        and results["mailmig"]["seconds"] <= min(copies) * 1.2
    shutil.rmtree(base, ignore_errors=True)
    return results


def pop3_plan(users):
    source = ["source:",
              "  pop3: { host: 127.0.0.1, port: %d, tls: starttls, ca_file: \"%s\" }" % (servers.PORTS["source_pop3"], servers.ca_file()),
              "  login:",
              "    style: master-user",
              "    admin: { user: %s, password: \"env:BENCH_ADMIN_PASSWORD\" }" % servers.ADMIN,
              "    user_format: \"{localpart}\""]
    return plan_from("bench-pop3", source, users)


def doveadm_pop3_command(user):
    # pop3c over STLS sends no login after the handshake (Dovecot 2.3.19: "no auth attempts in 30 secs"),
    # and without pop3c_quick_received_date dsync waits on TOP until the 300 s command timeout; implicit
    # TLS with quick received dates copies (dated by arrival at the target, not by the message).
    settings = {
        "pop3c_host": "127.0.0.1",
        "pop3c_port": str(servers.PORTS["source_pop3_tls"]),
        "pop3c_ssl": "pop3s",
        "pop3c_quick_received_date": "yes",
        "ssl_client_ca_file": servers.ca_file(),
        "pop3c_user": user,
        "pop3c_master_user": servers.ADMIN,
        "pop3c_password": servers.ADMIN_PASSWORD,
    }
    options = [part for key, value in settings.items() for part in ("-o", "%s=%s" % (key, value))]
    # pop3c stalls on some maildrops of this corpus (a command waits for its 300 s timeout): each copy
    # gets POP3C_LIMIT seconds, and what it copied by then is counted.
    return ["timeout", "-s", "KILL", str(POP3C_LIMIT), "doveadm", "-c", servers.config_file("target"), *options, "backup", "-R", "-u", user, "pop3c:"]


def pop3_check(binary, users, base, results):
    """POP3 to IMAP: the users' INBOXes read over POP3 into the empty target, by mailmig and by doveadm (pop3c)."""
    expected = sum(servers.inbox_count("source", user) for user in users)
    for name, run in (("pop3-mailmig", lambda: run_mailmig(binary, os.path.join(base, "pop3-mailmig"), pop3_plan(users))),
                      ("pop3-doveadm", lambda: tools.parallel([doveadm_pop3_command(user) for user in users]))):
        for user in users:
            servers.empty_user("target", user)
        seconds, rss, cpu, failures = run()
        found = sum(servers.inbox_count("target", user) for user in users)
        if found != expected:
            failures.append("the target INBOXes hold %d messages after the copy, not %d" % (found, expected))
        results[name] = {"seconds": seconds, "peak_rss_kib": rss, "cpu_seconds": cpu, "messages": found, "failures": failures}
        print("localcopy: %s %.1f s, %d messages%s" % (name, seconds, found, "; " + "; ".join(failures) if failures else ""), flush=True)


def cpu_text(entry):
    return "source %.1f + target %.1f CPU s" % (entry["server_cpu_seconds"]["source"], entry["server_cpu_seconds"]["target"])


def render(result, expected):
    lines = ["Local copy (IMAP to Maildir), %d messages:" % expected, "",
             "| tool | seconds | msg/s | peak RSS | CPU s | source server CPU s | vs mailmig |", "|---|---|---|---|---|---|---|"]
    base = result["mailmig"]["seconds"]
    for name in ("mailmig", "mbsync", "doveadm"):
        entry = result[name]
        lines.append("| %s | %.1f | %.0f | %.0f MB | %.1f | %.1f | %.2f× |" % (
            name, entry["seconds"], expected / max(entry["seconds"], 0.001), entry["peak_rss_kib"] / 1024,
            entry["cpu_seconds"], entry["server_cpu_seconds"]["source"], entry["seconds"] / base))
    plain, backed, restored = result["migration"], result["migration+backup"], result["restore"]
    lines += ["", "mailmig IMAP to IMAP: %.1f s (CPU %.1f s, servers %s); with backup: %.1f s (%.2f×), %d messages backed up"
              % (plain["seconds"], plain["cpu_seconds"], cpu_text(plain), backed["seconds"],
                 backed["seconds"] / max(plain["seconds"], 0.001), backed.get("backup_messages", 0)),
              "mailmig Maildir to IMAP (restore of its local copy): %.1f s, %d messages (CPU %.1f s, servers %s)"
              % (restored["seconds"], restored["messages"], restored["cpu_seconds"], cpu_text(restored))]
    pop3, dove = result.get("pop3-mailmig"), result.get("pop3-doveadm")
    if pop3 and dove and dove["failures"]:
        lines += ["", "POP3 to IMAP, %d INBOX messages: mailmig %.1f s; doveadm (pop3c) did not finish: %d messages in %.1f s (%s)"
                  % (pop3["messages"], pop3["seconds"], dove["messages"], dove["seconds"], dove["failures"][-1])]
    elif pop3 and dove:
        lines += ["", "POP3 to IMAP, %d INBOX messages: mailmig %.1f s, doveadm (pop3c) %.1f s: %.2f×"
                  % (pop3["messages"], pop3["seconds"], dove["seconds"], dove["seconds"] / max(pop3["seconds"], 0.001))]
    return "\n".join(lines)
