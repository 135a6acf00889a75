import Foundation
import MailMigIMAP

/// The two test Dovecot instances as the mail-migration suites use them: users of their own, corpora
/// loaded by APPEND, and snapshots read back over IMAP (scripts/corpus/*.py, scripts/testenv/dovecot.sh).
///
/// Every suite works on users whose names start with `mt-` and a random part, so suites that use the
/// built-in users (alice…erin) on the same servers are never disturbed.
enum MailTestServers {
    /// One of the two instances.
    enum Instance: String, Sendable {
        case source
        case target

        /// The prefix of its variables in dovecot.env.
        var variablePrefix: String { "MAILMIG_TEST_IMAP_\(rawValue.uppercased())" }
    }

    /// Admin (master user) password of both instances.
    static func adminPassword() throws -> String { try TestEnvironment.require("MAILMIG_TEST_IMAP_ADMIN_PASSWORD") }
    /// The admin (master user) login name.
    static func adminUser() throws -> String { try TestEnvironment.require("MAILMIG_TEST_IMAP_ADMIN_USER") }
    /// The CA certificate both instances' certificates chain to.
    static func caFile() throws -> String { try TestEnvironment.require("MAILMIG_TEST_IMAP_CA_FILE") }
    /// The instance's address.
    static func host(_ instance: Instance) throws -> String { try TestEnvironment.require("\(instance.variablePrefix)_HOST") }
    /// The plain port (mailmig uses STARTTLS on it).
    static func port(_ instance: Instance) throws -> Int { try TestEnvironment.requireInt("\(instance.variablePrefix)_PORT") }
    /// The implicit-TLS port (the corpus scripts use it).
    static func tlsPort(_ instance: Instance) throws -> Int { try TestEnvironment.requireInt("\(instance.variablePrefix)_TLS_PORT") }
    /// The instance's hierarchy separator.
    static func separator(_ instance: Instance) throws -> String { try TestEnvironment.require("\(instance.variablePrefix)_SEPARATOR") }

    /// scripts/testenv/dovecot.sh of the running instances.
    static func dovecotScript() throws -> String { try TestEnvironment.require("MAILMIG_TEST_IMAP_DOVECOT_SCRIPT") }

    /// The environment dovecot.sh needs to find the running instances (their folder is two levels above the config).
    static func scriptEnvironment() throws -> [String: String] {
        let config = URL(fileURLWithPath: try TestEnvironment.require("MAILMIG_TEST_IMAP_SOURCE_CONFIG"))
        let testenv = config.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var environment = [
            "MAILMIG_TESTENV_DIR": testenv.path,
            "MAILMIG_DOVECOT_SOURCE_PORT": String(try port(.source)),
            "MAILMIG_DOVECOT_SOURCE_TLS_PORT": String(try tlsPort(.source)),
            "MAILMIG_DOVECOT_TARGET_PORT": String(try port(.target)),
            "MAILMIG_DOVECOT_TARGET_TLS_PORT": String(try tlsPort(.target)),
        ]
        // An env file from before POP3 has no POP3 ports: dovecot.sh's defaults are those instances' ports then.
        for (variable, setting) in [("SOURCE_PORT", "SOURCE_POP3_PORT"), ("SOURCE_TLS_PORT", "SOURCE_POP3_TLS_PORT"),
                                    ("TARGET_PORT", "TARGET_POP3_PORT"), ("TARGET_TLS_PORT", "TARGET_POP3_TLS_PORT")] {
            if let value = ProcessInfo.processInfo.environment["MAILMIG_TEST_POP3_\(variable)"] { environment["MAILMIG_DOVECOT_\(setting)"] = value }
        }
        return environment
    }

    /// A user name no other suite and no earlier run uses: `mt-BASE-xxxxxx`.
    static func uniqueUser(_ base: String) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "mt-\(base)-" + String((0..<6).map { _ in letters[Int.random(in: 0..<letters.count)] })
    }

    /// The password every suite user gets.
    static let userPassword = "mt-secret"

    /// `dovecot.sh add-user INSTANCE NAME PASSWORD`.
    static func addUser(_ name: String, on instance: Instance) throws {
        try ScriptRunner.succeed(try dovecotScript(), ["add-user", instance.rawValue, name, userPassword], environment: try scriptEnvironment())
    }

    /// `dovecot.sh remove-user INSTANCE NAME`; failures are ignored (cleanup after a failed test).
    static func removeUser(_ name: String, on instance: Instance) {
        guard let script = try? dovecotScript(), let environment = try? scriptEnvironment() else { return }
        _ = try? ScriptRunner.run(script, ["remove-user", instance.rawValue, name], environment: environment)
    }

    /// Removes users from both instances.
    static func removeUsers(_ names: [String]) {
        for name in names {
            removeUser(name, on: .source)
            removeUser(name, on: .target)
        }
    }

    /// Whether `name` is a login of `instance` (its passwd file has it).
    static func userExists(_ name: String, on instance: Instance) throws -> Bool {
        let config = URL(fileURLWithPath: try TestEnvironment.require("\(instance.variablePrefix)_CONFIG"))
        let users = try String(contentsOf: config.deletingLastPathComponent().appendingPathComponent("users"), encoding: .utf8)
        return users.split(separator: "\n").contains { $0.hasPrefix("\(name):") }
    }

    /// `doveadm ARGS` against an instance.
    @discardableResult
    static func doveadm(_ instance: Instance, _ arguments: [String], input: Data? = nil) throws -> String {
        try ScriptRunner.succeed(try dovecotScript(), ["doveadm", instance.rawValue] + arguments, environment: try scriptEnvironment(), input: input)
    }

    /// Loads a corpus folder (a generated mailbox or a folder of real messages) into a user by APPEND.
    static func load(_ directory: URL, into user: String, on instance: Instance = .source, prefix: String? = nil, only folder: String? = nil) throws {
        var arguments = [corpusScript("load.py"), "--port", String(try tlsPort(instance)), "--ca-file", try caFile(),
                         "--separator", try separator(instance), "--admin", try adminUser(), "--admin-password", try adminPassword(),
                         "--user", user]
        if let prefix { arguments += ["--prefix", prefix] }
        if let folder { arguments += ["--only", folder] }
        try ScriptRunner.succeed("/usr/bin/env", ["python3"] + arguments + [directory.path])
    }

    /// What a user's mailbox holds now, read over IMAP.
    static func snapshot(_ user: String, on instance: Instance) throws -> MailboxSnapshot {
        let output = try ScriptRunner.succeed("/usr/bin/env", ["python3", corpusScript("dump.py"), "--port", String(try tlsPort(instance)),
                                                               "--ca-file", try caFile(), "--admin", try adminUser(),
                                                               "--admin-password", try adminPassword(), "--user", user])
        return try JSONDecoder().decode(MailboxSnapshot.self, from: Data(output.utf8))
    }

    /// Writes a generated corpus (scripts/corpus/generate.py) into a new temporary folder.
    static func generate(_ arguments: [String]) throws -> URL {
        let folder = try MailMigBinary.temporaryFolder().appendingPathComponent("corpus")
        try ScriptRunner.succeed("/usr/bin/env", ["python3", corpusScript("generate.py"), "--out", folder.path] + arguments)
        return folder
    }

    /// The path of a script in scripts/corpus.
    static func corpusScript(_ name: String) -> String {
        TestEnvironment.repositoryRoot.appendingPathComponent("scripts/corpus/\(name)").path
    }

    /// The real-world messages beside the repository; a clear failure when missing.
    static func realCorpus() throws -> URL {
        let url = TestEnvironment.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/real")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ScriptRunner.Failure(description: "the real-world corpus is missing at \(url.path) (expected <repo>/../shared/corpus/real)")
        }
        return url
    }

    /// A client logged in as `user` through the master user, over implicit TLS.
    static func client(_ user: String, on instance: Instance) async throws -> IMAPClient {
        let configuration = IMAPConfiguration(host: try host(instance), port: try tlsPort(instance), tls: .implicit,
                                              trust: .caFile(try caFile()), connectTimeout: 10, readTimeout: 60,
                                              label: "mailtests-\(instance.rawValue)")
        let client = try await IMAPClient.connect(configuration)
        try await client.login(.login(user: "\(user)*\(try adminUser())", password: try adminPassword()))
        return client
    }
}
