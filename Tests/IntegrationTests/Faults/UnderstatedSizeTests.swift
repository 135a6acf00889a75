import Foundation
import MailMigCore
import MailMigStateSQLite
import Testing

/// A source whose RFC822.SIZE understates its messages (scripts/faults/proxy.py `understate-size` in
/// front of it says 200 bytes for every message of 1,000 bytes or more): `filters.max_message_size`
/// still holds, because a body is measured by the length its literal announces before it is read.
@Suite("Faults: a source that understates message sizes", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct UnderstatedSizeTests {
    @Test("messages over max_message_size are skipped as too large although the source lists them at 200 bytes; the rest are copied")
    func understatedSizesAreCaught() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        let user = "flt-size-src"
        try servers.addUser(user, on: .source)
        try servers.addUser("flt-size-dst", on: .target)
        let corpus = try Spawn.generate(MailSizeFilterTests.corpus)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.load(corpus.appendingPathComponent("mbox01"), into: user)
        let source = try servers.snapshot(user, on: .source)
        let limit = 1_000_000
        let large = source.allMessages.filter { $0.size > limit }
        #expect(!large.isEmpty, "the corpus has messages over 1 MB")

        let proxy = try FaultProxy(targetPort: servers.port(.source), mode: "understate-size", seed: 1,
                                   certificate: servers.certificate("server.crt"), key: servers.certificate("server.key"))
        let ca = servers.certificate("ca.crt")
        let plan = try FaultPlan(source: .init(port: proxy.port, tls: "implicit", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [(user, "flt-size-dst")], extra: "filters:\n  max_message_size: 1MB\n")
        defer { plan.remove() }
        let output = try plan.mailmig(["apply", "--auto-approve"])
        let log = proxy.stop()
        #expect(output.status == 0, "apply exited with \(output.status):\n\(output.text.suffix(3000))")
        #expect(log.contains("understate-size"), "the proxy rewrote no size:\n\(log)")

        let expected = MailFolderRules().expected(from: source.keeping { $0.size <= limit })
        let target = try servers.snapshot("flt-size-dst", on: .target)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        let state = try SQLiteStateStore.open(folder: plan.folder.appendingPathComponent(".mailmig"))
        let skipped = try state.skipped(mailbox: "\(user)@acme.test")
        #expect(skipped.count == large.count)
        #expect(skipped.allSatisfy { $0.reason == "larger than filters.max_message_size (1MB)" }, "\(skipped.map(\.reason))")
        #expect(skipped.map(\.size).sorted() == large.map(\.size).sorted(), "recorded with their real sizes")
    }
}
