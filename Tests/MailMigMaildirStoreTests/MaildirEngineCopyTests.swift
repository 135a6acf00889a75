import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing
import TestSupport

/// The engine's own copy over the Maildir store: a mailbox backed up from a server, the backup current
/// on a second run, and restored from the backup into a fresh server byte for byte.
@Suite("Maildir store: the engine copies into it and back")
struct MaildirEngineCopyTests {
    let alice = "alice@acme.test"

    /// A source server with INBOX, a `\Sent` folder, nested and awkwardly named folders and messages
    /// with flags, keywords, dates in several zones and NUL bytes.
    func sourceServer() -> FakeMailStore {
        let source = FakeMailStore(side: .source)
        source.addMailbox(alice)
        source.seed(SampleMessages.make(25, tag: "inbox"), into: "INBOX", of: alice)
        source.addFolder("Sent", of: alice, specialUse: "\\Sent")
        source.seed(SampleMessages.make(7, tag: "sent", firstDay: 100), into: "Sent", of: alice)
        source.addFolder("Projects/2024", of: alice, subscribed: false)
        source.seed(SampleMessages.make(5, tag: "projects", firstDay: 200), into: "Projects/2024", of: alice)
        source.addFolder("Clubs/chess.com 100%", of: alice)
        var binary = SampleMessages.message(id: "binary")
        binary.body.insert(0, at: binary.body.count - 3)
        source.seed([binary] + SampleMessages.make(3, tag: "clubs", firstDay: 300), into: "Clubs/chess.com 100%", of: alice)
        source.addFolder("INBOX/Receipts", of: alice)
        source.seed(SampleMessages.make(2, tag: "receipts"), into: "INBOX/Receipts", of: alice)
        return source
    }

    /// Every folder's messages as (bytes, flags without `\Recent`, date text), sorted.
    func contents(_ store: FakeMailStore) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for folder in store.folders(of: alice) {
            result[folder.path] = store.messages(in: folder.path, of: alice).map { message in
                "\(message.body) \(message.flags.subtracting(["\\Recent"]).sorted()) \(message.internalDate?.text ?? "-")"
            }.sorted()
        }
        return result
    }

    @Test("backup, a second run that copies nothing, a clean audit, and a restore into a fresh server byte-identical")
    func backupAndRestore() async throws {
        let fixture = try MaildirFixture()
        let source = sourceServer()
        let backup = try MaildirEngineHarness(source: source, target: fixture.store(.target))

        let (_, first) = try await backup.apply()
        #expect(first.succeeded, "\(first.failed.map(\.outcome))")
        let manifest = try MaildirManifest.read(root: fixture.root())
        let messages = 25 + 7 + 5 + 4 + 2
        #expect(manifest.entries.count == messages)
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
        #expect(try await backup.verify().passed)

        let again = try await backup.engine().plan()
        #expect(again.steps.isEmpty, "plan after a complete backup: \(again.steps.map(\.reason))")
        let (_, second) = try await backup.apply()
        #expect(second.succeeded)
        #expect(try MaildirManifest.read(root: fixture.root()).lineCount == manifest.lineCount, "the second run stores nothing")

        let restored = FakeMailStore(side: .target)
        restored.addMailbox(alice)
        let restore = try MaildirEngineHarness(source: fixture.store(.source), target: restored)
        let (_, back) = try await restore.apply()
        #expect(back.succeeded, "\(back.failed.map(\.outcome))")
        #expect(contents(restored) == contents(source), "every folder, byte for byte, with flags, keywords and dates")
        #expect(restored.folder("Projects/2024", of: alice)?.subscribed == false)
        #expect(restored.folder("Sent", of: alice)?.subscribed == true, "subscriptions survive the backup")
        #expect(try await restore.verify().passed)
        let settled = try await restore.engine().plan()
        #expect(settled.steps.isEmpty, "the manifest's line counts tell an unchanged folder: \(settled.steps.map(\.reason))")

        // A flag changed in the backup by a mail reader (the file renamed) is found by the next plan.
        let inbox = try #require(try FileManager.default.contentsOfDirectory(atPath: fixture.path("cur")).first { $0.hasSuffix(":2,") })
        try FileManager.default.moveItem(atPath: fixture.path("cur/\(inbox)"), toPath: fixture.path("cur/\(inbox)F"))
        let changed = try await restore.engine().plan()
        #expect(changed.steps.count == 1, "a renamed file is recorded and counts as a change")
    }
}

extension MaildirEngineCopyTests {
    @Test("messages handed out spooled are written to the backup a chunk at a time: the manifest's hashes hold and the restore is byte-identical")
    func spooledMessagesBackUpExactly() async throws {
        let fixture = try MaildirFixture()
        let source = sourceServer()
        source.spoolThreshold = 200
        let backup = try MaildirEngineHarness(source: source, target: fixture.store(.target))
        let (_, first) = try await backup.apply()
        #expect(first.succeeded, "\(first.failed.map(\.outcome))")
        #expect(try MaildirManifest.read(root: fixture.root()).entries.count == 43)
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty, "every file matches the hash recorded for it")
        #expect(try await backup.verify().passed, "the deep verify hashes the spooled source messages")

        let restored = FakeMailStore(side: .target)
        restored.addMailbox(alice)
        let restore = try MaildirEngineHarness(source: fixture.store(.source), target: restored)
        #expect(try await restore.apply().1.succeeded)
        #expect(contents(restored) == contents(source), "every folder, byte for byte, with flags, keywords and dates")
    }
}
