"""The benchmark's private pair of Dovecot instances: users, loading, dumping and expunging.

Everything goes through scripts/testenv/dovecot.sh (with MAILMIG_TESTENV_DIR and the benchmark's
own ports in the environment) or the corpus scripts, so the benchmark never touches the shared
test instances.
"""
import json
import os
import shutil
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(REPO, ".bench")
SERVERS_DIR = os.path.join(BENCH_DIR, "servers")
# The scripts run from a copy taken when the benchmark starts (`snapshot_scripts`), so that an edit
# of the working tree during a long run cannot break it halfway.
SNAPSHOT = os.path.join(BENCH_DIR, "scripts")
DOVECOT_SH = os.path.join(SNAPSHOT, "scripts", "testenv", "dovecot.sh")
CORPUS_SCRIPTS = os.path.join(SNAPSHOT, "scripts", "corpus")

PORTS = {"source": 16401, "source_tls": 16402, "target": 16411, "target_tls": 16412,
         "source_pop3": 16403, "source_pop3_tls": 16404, "target_pop3": 16413, "target_pop3_tls": 16414}
ADMIN = "admin"
ADMIN_PASSWORD = "secret-admin"
# Where the tools connect for each side: the servers themselves, or a delay line in front of each
# (bench.py --rtt-ms). The benchmark's own loading, counting and dumps always go to PORTS directly.
TOOL_PORTS = {"source": PORTS["source"], "target": PORTS["target"]}


def snapshot_scripts():
    """Copies scripts/testenv, scripts/corpus and scripts/lib to .bench/scripts (dovecot.sh finds
    load.py and lib/apt.sh beside it)."""
    for part in ("testenv", "corpus", "lib"):
        destination = os.path.join(SNAPSHOT, "scripts", part)
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(os.path.join(REPO, "scripts", part), destination,
                        ignore=shutil.ignore_patterns("__pycache__"))


class BenchFailure(Exception):
    """A step of the benchmark failed; the message says which and why."""


def environment():
    """The environment dovecot.sh needs to address the benchmark's instances."""
    env = dict(os.environ)
    env.update({
        "MAILMIG_TESTENV_DIR": SERVERS_DIR,
        "MAILMIG_DOVECOT_SOURCE_PORT": str(PORTS["source"]),
        "MAILMIG_DOVECOT_SOURCE_TLS_PORT": str(PORTS["source_tls"]),
        "MAILMIG_DOVECOT_TARGET_PORT": str(PORTS["target"]),
        "MAILMIG_DOVECOT_TARGET_TLS_PORT": str(PORTS["target_tls"]),
        "MAILMIG_DOVECOT_SOURCE_POP3_PORT": str(PORTS["source_pop3"]),
        "MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT": str(PORTS["source_pop3_tls"]),
        "MAILMIG_DOVECOT_TARGET_POP3_PORT": str(PORTS["target_pop3"]),
        "MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT": str(PORTS["target_pop3_tls"]),
    })
    return env


def run(arguments, what, **options):
    """Runs a command; raises BenchFailure with its error output when it fails."""
    result = subprocess.run(arguments, env=options.pop("env", environment()), capture_output=True, **options)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout or b"").decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BenchFailure("%s failed (exit %d): %s" % (what, result.returncode, " | ".join(detail)))
    return result.stdout.decode("utf-8", "replace")


def dovecot(*arguments):
    """`dovecot.sh ARGUMENTS`."""
    return run([DOVECOT_SH, *arguments], "dovecot.sh %s" % " ".join(arguments[:3]))


def ca_file():
    return os.path.join(SERVERS_DIR, "dovecot", "certs", "ca.crt")


def config_file(instance):
    return os.path.join(SERVERS_DIR, "dovecot", instance, "dovecot.conf")


def mail_root(instance):
    return os.path.join(SERVERS_DIR, "dovecot", instance, "mail")


def password_of(user):
    return "pw-" + user


def start():
    dovecot("start")


def stop():
    dovecot("stop")


def add_user(instance, user):
    dovecot("add-user", instance, user, password_of(user))


def remove_user(instance, user):
    """Removes the login and its mail (dovecot.sh ignores a user that does not exist)."""
    dovecot("remove-user", instance, user)


def empty_user(instance, user):
    """The user exists again with no mail at all."""
    remove_user(instance, user)
    add_user(instance, user)


def load(instance, user, directory):
    """Loads a generated mailbox folder into a user by APPEND (flags and internal dates kept)."""
    return dovecot("load", instance, user, directory)


def dump(instance, user, out):
    """Writes dump.py's JSON of a user (folders, per message SHA-256, size, flags, internal date)."""
    port = PORTS[instance + "_tls"]
    run(["python3", os.path.join(CORPUS_SCRIPTS, "dump.py"), "--port", str(port), "--ca-file", ca_file(),
         "--admin", ADMIN, "--admin-password", ADMIN_PASSWORD, "--user", user, "--out", out],
        "dump of %s on %s" % (user, instance))
    with open(out, encoding="utf-8") as handle:
        return json.load(handle)


def inbox_count(instance, user):
    """Messages in a user's INBOX, as doveadm counts them."""
    output = dovecot("doveadm", instance, "mailbox", "status", "-u", user, "-t", "messages", "INBOX")
    value = output.strip().rpartition("=")[2]
    if not value.isdigit():
        raise BenchFailure("doveadm mailbox status for %s on %s answered %r" % (user, instance, output.strip()))
    return int(value)


def message_count(instance, user):
    """Messages in all folders of a user, as doveadm counts them."""
    output = dovecot("doveadm", instance, "mailbox", "status", "-u", user, "-t", "messages", "*")
    value = output.strip().rpartition("=")[2]
    if not value.isdigit():
        raise BenchFailure("doveadm mailbox status for %s on %s answered %r" % (user, instance, output.strip()))
    return int(value)


def expunge_since(instance, user, day):
    """Expunges the messages whose internal date is on or after DAY (dd-Mon-yyyy) in every folder."""
    dovecot("doveadm", instance, "expunge", "-u", user, "mailbox", "*", "since", day)


def dovecot_quiet_has_user(instance, user):
    """True when the login exists on the instance."""
    result = subprocess.run([DOVECOT_SH, "has-user", instance, user], env=environment(), capture_output=True)
    return result.returncode == 0


def process_cpu_seconds(pid, children=False):
    """CPU seconds used so far by a process and the children it reaped; with `children`, also by its
    live children and what they reaped (the resident processes of a server, and the sessions still open)."""
    def ticks(stat):
        # After the command name: state is field 3, ppid 4, utime 14, stime 15, cutime 16, cstime 17 (1-based).
        fields = stat.rpartition(")")[2].split()
        return int(fields[1]), sum(int(value) for value in fields[11:15])

    with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
        total = ticks(handle.read())[1]
    if children:
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == pid:
                continue
            try:
                with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                    parent, used = ticks(handle.read())
            except (OSError, ValueError, IndexError):
                continue   # ended meanwhile
            if parent == pid:
                total += used
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(instance, resident=False):
    """CPU seconds used so far by an instance's master and its finished children (imap, auth, ...);
    with `resident`, also by its live children (config, stats, log, anvil, sessions still open).

    Dovecot's master reaps its imap processes, so their time lands in the master's cutime and
    cstime once they exit; the difference over a pass is what the server spent on it.
    """
    with open(os.path.join(SERVERS_DIR, "dovecot", instance, "run", "master.pid"), encoding="utf-8") as handle:
        pid = int(handle.read().strip())
    return process_cpu_seconds(pid, children=resident)


def cpu_during(run):
    """run()'s result, and the CPU seconds each instance spent meanwhile ({"source": …, "target": …})."""
    before = {instance: server_cpu_seconds(instance) for instance in ("source", "target")}
    result = run()
    time.sleep(0.5)   # the servers' imap processes end after the tool logs out
    return result, {instance: server_cpu_seconds(instance) - before[instance] for instance in before}
