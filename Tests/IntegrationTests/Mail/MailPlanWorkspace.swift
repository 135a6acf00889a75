import Foundation
import MailMigCore
import MailMigStatePostgres
import MailMigStateSQLite

/// A temporary folder holding a mail-migration plan against the test Dovecot instances, and its state.
struct MailPlanWorkspace {
    /// One mailbox of the plan: source and target login names (bare, `user_format: "{localpart}"`).
    struct Mailbox {
        var source: String
        var target: String
        var batch: String?
    }

    let folder: URL
    var mailboxes: [Mailbox]
    /// Extra top-level YAML (folders, filters, batches, stages), written after the mailboxes.
    var extra: String = ""
    /// `target.provision` YAML (indented by the caller's two spaces), or nil.
    var provision: String?
    var connections = 4
    /// `backup.path` (`backups/`), or nil for a plan without a backup.
    var backup: String?
    /// A `maildir` path template (`backups/{source}`) the source is read from instead of the source Dovecot.
    var sourceMaildir: String?
    /// The source is the source Dovecot's POP3 side (STLS on its plain port), copied to this `pop3_folder`
    /// (nil: the default), instead of its IMAP side.
    var sourcePOP3: POP3Source?
    /// The schema of the plan's `state: postgres` on the test server; nil: the local SQLite state.
    /// `MAILMIG_TEST_STATE=postgres` gives every workspace a schema of its own, so that the mail suites
    /// run on the PostgreSQL state as they do on SQLite.
    var postgres: PostgresTestSchema?
    /// `pop3_folder` (nil: left out, so INBOX) and `login` (nil: the master user) of a POP3 source.
    struct POP3Source {
        var folder: String?
        /// The YAML of `login:`'s value, on one line (`{ style: per-mailbox, … }`).
        var login: String?
    }

    init(mailboxes: [Mailbox], extra: String = "", provision: String? = nil, backup: String? = nil, sourceMaildir: String? = nil,
         sourcePOP3: POP3Source? = nil) throws {
        folder = try MailMigBinary.temporaryFolder()
        self.mailboxes = mailboxes
        self.extra = extra
        self.provision = provision
        self.backup = backup
        self.sourceMaildir = sourceMaildir
        self.sourcePOP3 = sourcePOP3
        if ProcessInfo.processInfo.environment["MAILMIG_TEST_STATE"] == "postgres" { postgres = try PostgresTestSchema() }
        try write()
    }

    var planPath: URL { folder.appendingPathComponent("mailmig.yaml") }

    /// Writes mailmig.yaml (again, after a change).
    func write() throws {
        let ca = try MailTestServers.caFile()
        func side(_ instance: MailTestServers.Instance, format: String, system: String = "imap", port: Int? = nil,
                  login: String? = nil) throws -> String {
            let masterUser = """

                style: master-user
                admin: { user: \(try MailTestServers.adminUser()), password: "env:MAILTESTS_ADMIN_PASSWORD" }
                user_format: "\(format)"
            """
            return """
              \(system): { host: \(try MailTestServers.host(instance)), port: \(try port ?? MailTestServers.port(instance)), tls: starttls, ca_file: "\(ca)" }
              login: \(login ?? masterUser)
              connections: \(connections)

            """
        }
        var text = "mailmig: 1\nname: mail-integration-tests\nsource:\n"
        if let sourceMaildir {
            text += "  maildir: { path: \"\(sourceMaildir)\" }\n\n"
        } else if let sourcePOP3 {
            text += try side(.source, format: "{localpart}", system: "pop3", port: try TestEnvironment.requireInt(POP3TestServer.portVariable),
                             login: sourcePOP3.login)
            if let folder = sourcePOP3.folder { text += "  pop3_folder: \"\(folder)\"\n" }
        } else {
            text += try side(.source, format: "{localpart}")
        }
        text += "target:\n" + (try side(.target, format: "{target_localpart}"))
        if let provision { text += "  provision:\n\(provision)\n" }
        text += "mailboxes:\n"
        for mailbox in mailboxes {
            text += "  - { source: \(mailbox.source)@acme.test, target: \(mailbox.target)@newmail.test }\n"
        }
        if let backup { text += "backup: { path: \"\(backup)\" }\n" }
        if let postgres { text += "state: { postgres: { url: env:MAILMIG_PG_URL, schema: \(postgres.name) } }\n" }
        text += extra
        try text.write(to: planPath, atomically: true, encoding: .utf8)
    }

    /// The environment mailmig runs with: the admin password, and what dovecot.sh needs for provisioning.
    func environment() throws -> [String: String] {
        var environment = try MailTestServers.scriptEnvironment()
        environment["MAILTESTS_ADMIN_PASSWORD"] = try MailTestServers.adminPassword()
        if let postgres { environment["MAILMIG_PG_URL"] = postgres.url }
        return environment
    }

    /// `mailmig ARGS` in the plan's folder.
    func mailmig(_ arguments: [String]) throws -> MailMigBinary.Output {
        try MailMigBinary.run(arguments, in: folder, environment: try environment())
    }

    /// `mailmig apply --auto-approve`, which must succeed.
    func apply() throws -> MailMigBinary.Output {
        let output = try mailmig(["apply", "--auto-approve"])
        guard output.status == 0 else {
            throw ScriptRunner.Failure(description: "mailmig apply exited with \(output.status):\n\(output.stdout)\n\(output.stderr)")
        }
        return output
    }

    /// `mailmig plan`, which must succeed; its standard output.
    func plan(_ arguments: [String] = []) throws -> String {
        let output = try mailmig(["plan"] + arguments)
        guard output.status == 0 else {
            throw ScriptRunner.Failure(description: "mailmig plan exited with \(output.status):\n\(output.stdout)\n\(output.stderr)")
        }
        return output.stdout
    }

    /// The plan's state (`.mailmig/state.sqlite`, or its PostgreSQL schema), opened read-write as mailmig does.
    func state() throws -> StateStore {
        if let postgres {
            guard let store = try postgres.backend().openIfPresent() else {
                throw ScriptRunner.Failure(description: "no state in the PostgreSQL schema \(postgres.name)")
            }
            return store
        }
        guard let store = try SQLiteStateStore.openIfPresent(folder: folder.appendingPathComponent(".mailmig")) else {
            throw ScriptRunner.Failure(description: "no state in \(folder.path)/.mailmig")
        }
        return store
    }

    /// Starts `mailmig apply --auto-approve` and kills it with SIGKILL after `delay` seconds, or as soon as
    /// `condition` holds (polled every millisecond, for at most a minute), unless it ended before; returns
    /// whether it was killed (by this or by a `MAILMIG_FAULT` crash point).
    func applyKilled(after delay: Double?, fault: String?, when condition: (() -> Bool)? = nil) throws -> (killed: Bool, output: String) {
        let process = Process()
        process.executableURL = MailMigBinary.url
        process.arguments = ["apply", "--auto-approve"]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment.merging(try self.environment()) { $1 }
        environment["NO_COLOR"] = "1"
        if let fault { environment["MAILMIG_FAULT"] = fault }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errors = ErrorCollector(err)
        let output = ErrorCollector(out)
        if let delay {
            let deadline = Date().addingTimeInterval(delay)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        } else if let condition {
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline, !condition() { usleep(1_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return (killed, output.text() + errors.text())
    }

    /// Loses the state as an operator deleting it would: `.mailmig/`, or the PostgreSQL schema.
    func loseState() throws {
        if let postgres {
            postgres.drop()
        } else {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(".mailmig"))
        }
    }

    /// Removes the folder, and the PostgreSQL schema when there is one.
    func remove() {
        try? FileManager.default.removeItem(at: folder)
        postgres?.drop()
    }
}
