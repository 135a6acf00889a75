import Foundation
import MailMigCore
import Testing

/// A source full of empty folders: a first plan opens none of them (STATUS says what they hold) and
/// apply opens only the folders that hold mail (counted in the trace log of the IMAP commands sent),
/// and every folder still arrives.
@Suite("Mail migration: many empty folders", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailEmptyFolderIntegrationTests {
    static func examined(in log: URL) throws -> Int {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("server=source") && $0.contains("command=EXAMINE") }.count
    }

    @Test("61 empty folders beside INBOX: plan EXAMINEs nothing, apply only INBOX, and every folder reaches the target")
    func emptyFoldersAreNotExamined() throws {
        let user = MailTestServers.uniqueUser("emptyfolders")
        defer { MailTestServers.removeUsers([user]) }
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        let separator = try MailTestServers.separator(.source)
        let years = (1...60).map { 2000 + $0 }
        try MailTestServers.doveadm(.source, ["mailbox", "create", "-u", user, "Old Years"] + years.map { "Old Years\(separator)\($0)" })
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "12", "--seed", "13"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user, only: "INBOX")
        let source = try MailTestServers.snapshot(user, on: .source)
        let holding = source.folders.filter { !$0.value.messages.isEmpty }.count
        #expect(holding == 1, "only INBOX holds mail: \(source.folders.keys.sorted())")

        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)])
        defer { workspace.remove() }
        let planLog = workspace.folder.appendingPathComponent("plan.log")
        let planned = try workspace.mailmig(["plan", "--log-file", planLog.path, "--log-level", "trace"])
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
        // Nothing is copied yet and Dovecot offers STATUS=SIZE (RFC 8438): LIST-STATUS alone counts every folder.
        #expect(try Self.examined(in: planLog) == 0, "a first plan opens no folder at all")

        let applyLog = workspace.folder.appendingPathComponent("apply.log")
        let applied = try workspace.mailmig(["apply", "--auto-approve", "--log-file", applyLog.path, "--log-level", "trace"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(try Self.examined(in: applyLog) <= holding, "apply examines the folders with mail (in the pass), not the empty ones")
        let target = try MailTestServers.snapshot(user, on: .target)
        #expect(Set(target.folders.keys).isSuperset(of: years.map { "Old Years/\($0)" } + ["Old Years"]), "every empty folder exists on the target")
        let expected = MailFolderRules().expected(from: source)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        #expect(try workspace.plan().contains("No changes."))
    }
}
