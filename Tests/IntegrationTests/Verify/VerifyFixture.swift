import Foundation

/// Users of its own on the shared test Dovecot pair, a plan for them, and doveadm at hand.
///
/// Every fixture adds users named `vfy-…` with a random part, so it never touches alice…erin or
/// another run's users, and `remove()` deletes them with all their mail.
struct VerifyFixture {
    /// The prefix every user of this fixture starts with.
    let prefix: String
    /// The users added (bare names).
    private(set) var users: [String] = []
    /// The plan's folder.
    let folder: URL
    let script: String

    init() throws {
        prefix = "vfy-\(UInt32.random(in: 0...UInt32.max))"
        folder = try MailMigBinary.temporaryFolder()
        script = try TestEnvironment.require("MAILMIG_TEST_IMAP_DOVECOT_SCRIPT")
    }

    /// Adds `name` (prefixed) on both servers; returns the bare user name.
    mutating func addUser(_ name: String) throws -> String {
        let user = "\(prefix)-\(name)"
        for instance in ["source", "target"] { try run([script, "add-user", instance, user, "pw-\(user)"]) }
        users.append(user)
        return user
    }

    /// Removes every user added, with their mail, and the plan folder.
    func remove() {
        for user in users {
            for instance in ["source", "target"] { _ = try? run([script, "remove-user", instance, user]) }
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// `doveadm ARGS` on one instance; with `input`, that file is its standard input.
    @discardableResult
    func doveadm(_ instance: String, _ arguments: [String], input: URL? = nil) throws -> String {
        try run([script, "doveadm", instance] + arguments, input: input)
    }

    /// Saves a message into a folder (server form) of a user.
    func save(_ instance: String, user: String, folder: String, _ text: String) throws {
        let file = self.folder.appendingPathComponent("message-\(UUID().uuidString).eml")
        try Data(text.utf8).write(to: file)
        try doveadm(instance, ["save", "-u", user, "-m", folder], input: file)
        try? FileManager.default.removeItem(at: file)
    }

    /// A small message with a Message-ID and CRLF line ends.
    static func message(_ id: String, subject: String, body: String = "Hello.") -> String {
        "From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\n"
            + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n\(body)\r\n"
    }

    /// The plan for `mailboxes` (bare names get `@acme.test`), master-user login, size limit 2KB.
    func writePlan(mailboxes: [String], enumerate: [String]? = nil, stage: String = "sync") throws {
        let ca = try TestEnvironment.require("MAILMIG_TEST_IMAP_CA_FILE")
        func server(_ side: String) throws -> String {
            let port = try TestEnvironment.require("MAILMIG_TEST_IMAP_\(side.uppercased())_PORT")
            return """
                \(side):
                  imap: { host: 127.0.0.1, port: \(port), tls: starttls, ca_file: \(ca) }
                  login: { style: master-user, user_format: "{localpart}", admin: { user: admin, password: env:VFY_ADMIN } }
                """
        }
        var text = "mailmig: 1\nname: verify-test\n" + (try server("source")) + "\n"
        if let enumerate { text += "  enumerate: [" + enumerate.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n" }
        text += try server("target") + "\n"
        text += "mailboxes:\n" + mailboxes.map { "  - \($0)@acme.test\n" }.joined()
        text += "filters: { max_message_size: 2KB }\n"
        text += "batches:\n  - { name: all, select: rest, stage: \(stage) }\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent("mailmig.yaml"))
    }

    /// `mailmig ARGS` in the plan's folder, with `fault` (`MAILMIG_FAULT`) when given.
    func mailmig(_ arguments: [String], fault: String? = nil) throws -> MailMigBinary.Output {
        var environment = ["VFY_ADMIN": try TestEnvironment.require("MAILMIG_TEST_IMAP_ADMIN_PASSWORD")]
        if let fault { environment["MAILMIG_FAULT"] = fault }
        return try MailMigBinary.run(arguments, in: folder, environment: environment)
    }

    /// Runs a program; throws with its output when it fails.
    @discardableResult
    func run(_ arguments: [String], input: URL? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = try input.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw CommandFailed(command: arguments, output: text) }
        return text
    }

    /// A helper command failed.
    struct CommandFailed: Error, CustomStringConvertible {
        let command: [String]
        let output: String
        var description: String { "\(command.joined(separator: " ")) failed: \(output)" }
    }
}
