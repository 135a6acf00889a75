"""The three tools under test, each able to run one pass over a list of users and to forget its state.

- mailmig: a generated plan (master-user logins, `user_format: "{localpart}"`, one batch at stage
  sync, every other setting at its default), `mailmig apply --auto-approve --quiet`.
- mbsync (isync): one channel per mailbox, IMAP store to IMAP store with master-user logins over
  STARTTLS, `Sync All`, `Create Near`, `CopyArrivalDate yes`; 4 channels in parallel.
- doveadm backup: Dovecot's imapc migration run on the target instance (`backup -R -u USER imapc:`,
  imapc_features as Dovecot's migration guide recommends); 4 users in parallel.

A pass returns its wall time, the peak RSS of the largest process, the CPU time of the tool's
processes (not the servers') and any failure; a failing
command is reported with its error output, never hidden.
"""
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import servers

PARALLEL = 4


def timed(arguments, env=None, cwd=None, outputs=None):
    """(seconds, peak RSS in KiB, CPU seconds (user + system), exit status, error output) of one command;
    a dict passed as `outputs` receives its whole "stdout" and "stderr" as text."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.monotonic()
        result = subprocess.run(["/usr/bin/time", "-f", "rusage %M %U %S", "-o", report.name, *arguments],
                                env=env, cwd=cwd, capture_output=True)
        seconds = time.monotonic() - start
        lines = [line.split() for line in report.read().splitlines() if line.startswith("rusage ")]
    rss = int(lines[-1][1]) if lines else 0
    cpu = float(lines[-1][2]) + float(lines[-1][3]) if lines else 0.0
    error = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
    if outputs is not None:
        outputs.update(stdout=result.stdout.decode("utf-8", "replace"), stderr=result.stderr.decode("utf-8", "replace"))
    return seconds, rss, cpu, result.returncode, error


def parallel(commands, env=None):
    """Runs commands PARALLEL at a time; (wall seconds, largest RSS, summed CPU seconds, failures)."""
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda command: (command, timed(command, env=env)), commands))
    seconds = time.monotonic() - start
    failures = ["%s: exit %d: %s" % (command[0], status, " | ".join(error.splitlines()[-3:]))
                for command, (_, _, _, status, error) in results if status != 0]
    return (seconds, max((result[1] for _, result in results), default=0),
            sum(result[2] for _, result in results), failures)


class Mailmig:
    """mailmig with a generated plan in .bench/work/mailmig."""
    name = "mailmig"

    def __init__(self, binary, users, work, name="mailmig"):
        # A second instance named "mailmig-baseline" measures another build in the same run.
        self.name = name
        self.binary, self.users, self.folder = binary, users, os.path.join(work, name)
        os.makedirs(self.folder, exist_ok=True)
        self.plan = os.path.join(self.folder, "mailmig.yaml")
        with open(self.plan, "w", encoding="utf-8") as handle:
            handle.write(plan_text(users))

    def reset(self):
        shutil.rmtree(os.path.join(self.folder, ".mailmig"), ignore_errors=True)

    def run_pass(self):
        env = dict(os.environ, BENCH_ADMIN_PASSWORD=servers.ADMIN_PASSWORD)
        seconds, rss, cpu, status, error = timed([self.binary, "apply", "--auto-approve", "--quiet", self.plan],
                                                 env=env, cwd=self.folder)
        failures = [] if status == 0 else ["mailmig apply: exit %d: %s" % (status, " | ".join(error.splitlines()[-5:]))]
        return seconds, rss, cpu, failures


def plan_text(users, source_port=None, target_port=None, connections=None):
    """A plan copying every user to the same name on the target, one batch at stage sync
    (`connections:` of both sides when given, else the default)."""
    lines = ["mailmig: 1", "name: bench", ""]
    for side, port in (("source", source_port or servers.TOOL_PORTS["source"]),
                       ("target", target_port or servers.TOOL_PORTS["target"])):
        lines += [
            "%s:" % side,
            "  imap: { host: 127.0.0.1, port: %d, tls: starttls, ca_file: \"%s\" }" % (port, servers.ca_file()),
            *(["  connections: %d" % connections] if connections else []),
            "  login:",
            "    style: master-user",
            "    admin: { user: %s, password: \"env:BENCH_ADMIN_PASSWORD\" }" % servers.ADMIN,
            "    user_format: \"{localpart}\"",
            "",
        ]
    lines.append("mailboxes:")
    lines += ["  - %s@acme.test" % user for user in users]
    lines += ["", "batches:", "  - { name: all, select: rest, stage: sync }", ""]
    return "\n".join(lines)


class Mbsync:
    """mbsync with one channel per user."""
    name = "mbsync"

    def __init__(self, users, work):
        self.users, self.folder = users, os.path.join(work, "mbsync")
        os.makedirs(self.folder, exist_ok=True)
        self.config = os.path.join(self.folder, "mbsyncrc")
        with open(self.config, "w", encoding="utf-8") as handle:
            handle.write(self.config_text())
        os.chmod(self.config, 0o600)

    def state(self, user):
        return os.path.join(self.folder, "state", user) + "/"

    def config_text(self):
        blocks = []
        for user in self.users:
            for side, port in (("far", servers.TOOL_PORTS["source"]), ("near", servers.TOOL_PORTS["target"])):
                # The test certificate names localhost (and 127.0.0.1 only as an IP SAN, which mbsync
                # does not check), so mbsync connects by name.
                blocks.append("IMAPAccount %s-%s\nHost localhost\nPort %d\nUser %s*%s\nPass %s\n"
                              "SSLType STARTTLS\nCertificateFile %s\n\nIMAPStore %s-%s\nAccount %s-%s\n"
                              % (side, user, port, user, servers.ADMIN, servers.ADMIN_PASSWORD,
                                 servers.ca_file(), side, user, side, user))
            blocks.append("Channel %s\nFar :far-%s:\nNear :near-%s:\nPatterns *\nCreate Near\nRemove None\n"
                          "Expunge None\nSync All\nCopyArrivalDate yes\nSyncState %s\n"
                          % (user, user, user, self.state(user)))
        return "\n".join(blocks)

    def reset(self):
        shutil.rmtree(os.path.join(self.folder, "state"), ignore_errors=True)
        for user in self.users:
            os.makedirs(self.state(user), exist_ok=True)

    def run_pass(self):
        return parallel([["mbsync", "-q", "-c", self.config, user] for user in self.users])


class DoveadmBackup:
    """`doveadm backup -R imapc:` on the target instance, one user per process."""
    name = "doveadm"

    def __init__(self, users, work):
        self.users = users

    def reset(self):
        pass

    @staticmethod
    def command(user, **extra):
        """doveadm backup of `user` from the source over imapc; `extra` settings (e.g. mail_location) added."""
        settings = {
            "imapc_host": "127.0.0.1",
            "imapc_port": str(servers.TOOL_PORTS["source"]),
            "imapc_ssl": "starttls",
            "ssl_client_ca_file": servers.ca_file(),
            "imapc_user": user,
            "imapc_master_user": servers.ADMIN,
            "imapc_password": servers.ADMIN_PASSWORD,
            "imapc_features": "rfc822.size fetch-headers",
            # Without it imapc fetches one message per round trip: doveadm at its best, not its default.
            "mail_prefetch_count": "20",
            **extra,
        }
        options = [part for key, value in settings.items() for part in ("-o", "%s=%s" % (key, value))]
        return ["doveadm", "-c", servers.config_file("target"), *options, "backup", "-R", "-u", user, "imapc:"]

    def run_pass(self):
        return parallel([self.command(user) for user in self.users])
