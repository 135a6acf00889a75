import Foundation
import MailMigCore
import Testing

/// A batch at stage presync copies only old mail; moved on to sync it copies the rest, nothing twice.
@Suite("Mail migration: presync then sync", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailPresyncTests {
    static func batches(_ user: String, stage: String) -> String {
        """
        batches:
          - { name: wave, mailboxes: [\(user)@acme.test], stage: \(stage) }
        stages:
          presync: { older_than: 365d }

        """
    }

    @Test("presync (older_than 365d) copies only mail older than the cutoff; sync then copies the rest")
    func presyncThenSync() throws {
        let user = MailTestServers.uniqueUser("presync")
        defer { MailTestServers.removeUsers([user]) }
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withFullDate])
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "150", "--seed", "9", "--attachments", "0.02",
                                                   "--attachment-max", "300000", "--end", today])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
        let source = try MailTestServers.snapshot(user, on: .source)

        var workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], extra: Self.batches(user, stage: "presync"))
        defer { workspace.remove() }
        #expect(try workspace.plan().contains("presync:"))
        _ = try workspace.apply()

        // The cutoff is by day (IMAP SEARCH BEFORE): messages within a day of it may go either way.
        let cutoff = Int(Date().timeIntervalSince1970) - 365 * 86_400
        let target = try MailTestServers.snapshot(user, on: .target)
        let copied = target.allMessages
        let old = source.allMessages.filter { ($0.internalDate ?? 0) < cutoff - 86_400 }
        let recent = source.allMessages.filter { ($0.internalDate ?? 0) >= cutoff + 86_400 }
        #expect(!old.isEmpty && !recent.isEmpty, "the corpus spans the cutoff")
        #expect(copied.allSatisfy { ($0.internalDate ?? 0) < cutoff + 86_400 }, "presync copied mail newer than the cutoff")
        let copiedHashes = Set(copied.map(\.fingerprint))
        #expect(old.allSatisfy { copiedHashes.contains($0.fingerprint) }, "presync left old mail behind")
        #expect(copied.count < source.count)
        #expect(try workspace.plan().contains("No changes."), "a second presync apply has nothing to do")

        workspace.extra = Self.batches(user, stage: "sync")
        try workspace.write()
        _ = try workspace.apply()
        let expected = MailFolderRules().expected(from: source)
        let synced = try MailTestServers.snapshot(user, on: .target).multisets
        #expect(synced == expected, "\(MailboxSnapshot.difference(expected: expected, actual: synced))")
        let record = try workspace.state().resource(MailboxRecord.address("\(user)@acme.test")).map { try $0.decode(MailboxRecord.self) }
        #expect(record?.reached == .sync)
        #expect(record?.lastResult?.copied == source.count - copied.count, "sync copies exactly what presync left")
    }
}
