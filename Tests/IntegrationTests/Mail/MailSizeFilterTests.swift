import Foundation
import MailMigCore
import Testing

/// `filters.max_message_size`: larger messages are skipped, recorded with the reason, and never retried.
@Suite("Mail migration: size filter", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailSizeFilterTests {
    /// One generated mailbox of 40 messages, a quarter with attachments of up to 2.5 MB: several over 1 MB.
    static let corpus = ["--mailboxes", "1", "--messages", "40", "--seed", "13", "--attachments", "0.25", "--attachment-max", "2500000"]

    @Test("messages over max_message_size are skipped, recorded in the skipped table with the reason, and not retried")
    func oversizeSkipped() throws {
        let user = MailTestServers.uniqueUser("size")
        defer { MailTestServers.removeUsers([user]) }
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        let corpus = try MailTestServers.generate(Self.corpus)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
        let source = try MailTestServers.snapshot(user, on: .source)
        let limit = 1_000_000
        let large = source.allMessages.filter { $0.size > limit }
        #expect(!large.isEmpty, "the corpus has messages over 1 MB")

        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], extra: "filters:\n  max_message_size: 1MB\n")
        defer { workspace.remove() }
        #expect(try workspace.plan().contains("\(large.count) over the size limit"))
        _ = try workspace.apply()

        let expected = MailFolderRules().expected(from: source.keeping { $0.size <= limit })
        let target = try MailTestServers.snapshot(user, on: .target)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        let address = "\(user)@acme.test"
        let skipped = try workspace.state().skipped(mailbox: address)
        #expect(skipped.count == large.count)
        #expect(skipped.allSatisfy { $0.reason.contains("max_message_size") && $0.size > limit }, "\(skipped.map(\.reason))")
        #expect(skipped.map(\.size).sorted() == large.map(\.size).sorted())

        // A new small message makes INBOX change: the next pass copies it alone and leaves the skipped ones skipped.
        let message = Data("From: a@example.test\r\nTo: b@acme.test\r\nSubject: after the first pass\r\nMessage-ID: <late@corpus.test>\r\n\r\nhello\r\n".utf8)
        try MailTestServers.doveadm(.source, ["save", "-u", user, "-m", "INBOX"], input: message)
        #expect(try workspace.plan().contains("1 message"))
        _ = try workspace.apply()
        let record = try workspace.state().resource(MailboxRecord.address(address)).map { try $0.decode(MailboxRecord.self) }
        #expect(record?.lastResult?.copied == 1)
        #expect(record?.lastResult?.skipped == 0, "skipped messages are not tried again")
        #expect(try workspace.state().skipped(mailbox: address).count == large.count)
        #expect(try MailTestServers.snapshot(user, on: .target).count == target.count + 1)
        #expect(try workspace.plan().contains("No changes."))
    }
}
