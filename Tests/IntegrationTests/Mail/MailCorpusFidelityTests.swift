import Foundation
import MailMigCore
import Testing

/// A full migration of a varied generated corpus and of every real-world message through the real binary.
@Suite("Mail migration: corpus fidelity", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailCorpusFidelityTests {
    static let rules = MailFolderRules(map: ["Old Projects": "Archive/Projects"], excludedPrefixes: ["Calendar"], automap: true)

    @Test("generated corpus, a 30 MB message and all real-world messages arrive byte-identical with flags and dates; a second apply copies nothing")
    func fullCopyThenNoChanges() throws {
        let user = MailTestServers.uniqueUser("fidelity")
        defer { MailTestServers.removeUsers([user]) }
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        let corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "150", "--seed", "7", "--large", "1",
                                                   "--large-min", "31000000", "--large-max", "31400000"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: user)
        try MailTestServers.load(try MailTestServers.realCorpus(), into: user, prefix: "Real")

        let source = try MailTestServers.snapshot(user, on: .source)
        // The corpus holds what the test claims to cover.
        #expect(source.folders["Sent Messages"]?.specialUse == "\\Sent")
        for folder in ["Entwürfe", "Projekte/Überweisungen", "Kunden/ACME Corp/2024", "R&D Notizen", "Old Projects", "Calendar/Birthdays"] {
            #expect(source.folders[folder]?.messages.isEmpty == false, "the corpus has no messages in \(folder)")
        }
        #expect(source.allMessages.contains { $0.size > 30_000_000 })
        #expect(source.allMessages.filter(\.nul).count == 2, "the real corpus has two messages with NUL bytes")
        #expect(Set(source.allMessages.flatMap(\.flags)).isSuperset(of: ["\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Forwarded", "Projekt-X"]))
        let dates = source.allMessages.compactMap(\.internalDate)
        #expect((dates.max() ?? 0) - (dates.min() ?? 0) > 2 * 365 * 86_400)
        let real = source.folders.filter { $0.key.hasPrefix("Real/") }.values.reduce(0) { $0 + $1.messages.count }
        #expect(real == 2502, "every real-world message is in the source (2400 + 40 + 39 from mbox files + 23)")

        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], extra: """
            folders:
              automap: true
              map: { "Old Projects": Archive/Projects }
              exclude: ["Calendar*"]

            """)
        defer { workspace.remove() }
        let started = Date()
        let first = try workspace.apply()
        let seconds = Date().timeIntervalSince(started)
        #expect(first.stdout.contains("Applied 1/1: ✓ 1 done"))

        let target = try MailTestServers.snapshot(user, on: .target)
        let expected = Self.rules.expected(from: source)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        #expect(target.folders["Archive/Projects"]?.messages.count == source.folders["Old Projects"]?.messages.count)
        #expect(target.folders["Sent"]?.messages.count == source.folders["Sent Messages"]?.messages.count)
        #expect(target.folders["Sent Messages"] == nil, "automap sends \\Sent mail to the target's Sent folder")
        #expect(target.folders["Calendar"] == nil && target.folders["Calendar/Birthdays"] == nil, "excluded folders are not created")
        // Dovecot offers BINARY, so messages with NUL bytes arrive unaltered rather than being skipped.
        #expect(target.allMessages.filter(\.nul).count == 2)
        let store = try workspace.state()
        let address = "\(user)@acme.test"
        #expect(try store.skipped(mailbox: address).isEmpty)
        #expect(try store.pendingCopies(mailbox: address).isEmpty)
        #expect(try store.ledger(mailbox: address).count == target.count)
        let megabytes = Double(source.allMessages.reduce(0) { $0 + $1.size }) / 1_000_000
        print("corpus fidelity: \(target.count) messages, \(String(format: "%.1f", megabytes)) MB copied in \(String(format: "%.1f", seconds)) s")

        // Nothing left to do: the plan says so, in both forms, and another apply changes nothing.
        #expect(try workspace.plan().contains("No changes."))
        let json = try workspace.plan(["--json"])
        #expect(json.contains("\"changes\":false"))
        #expect(!json.contains("\"type\":\"change\""), "no mail step in: \(json)")
        let second = try workspace.apply()
        // Run at once, the apply leaves the question to the pass, which asks the source and finds nothing new.
        #expect(second.stdout.contains("✓ mailbox.\(user)@acme.test: nothing new since the last pass")
                && second.stdout.contains("Nothing new since the last pass in 1 mailbox\n"), "\(second.stdout)")
        #expect(try MailTestServers.snapshot(user, on: .target).multisets == target.multisets)
    }
}
