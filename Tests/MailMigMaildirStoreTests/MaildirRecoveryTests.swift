import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing

/// After a run that stopped anywhere, opening the Maildir puts it right: the manifest describes every file.
@Suite("Maildir store: crash recovery")
struct MaildirRecoveryTests {
    /// Stores one message in INBOX; returns its key.
    func seed(_ fixture: MaildirFixture) async throws -> MessageKey {
        try await fixture.session { session in
            try #require(Samples.key(try await session.append([OutgoingMessage(body: Samples.message("kept"), flags: ["\\Seen", "Work"],
                                                                                  internalDate: Samples.date)], to: "INBOX")[0]))
        }
    }

    @Test("a file left in tmp/ was never reported stored: it is removed, and never listed")
    func leftoverInTmp() async throws {
        let fixture = try MaildirFixture()
        _ = try await seed(fixture)
        try Data(Samples.message("half")).write(to: URL(fileURLWithPath: fixture.path("tmp/1700000000.M1P1.host")))
        let keys = try await fixture.session(.source) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return try await session.messageUIDs(.all)
        }
        #expect(keys.count == 1)
        #expect(try fixture.files(in: "", "tmp").isEmpty)
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
    }

    @Test("a file in cur/ or new/ without a manifest line (renamed in before the crash) is hashed and recorded")
    func fileWithoutLine() async throws {
        let fixture = try MaildirFixture()
        _ = try await seed(fixture)
        let orphan = Samples.message("orphan")
        try Data(orphan).write(to: URL(fileURLWithPath: fixture.path("cur/1700000001.M2P2.host,S=\(orphan.count):2,FS")))
        try Data(Samples.message("fresh")).write(to: URL(fileURLWithPath: fixture.path("new/1700000002.M3P3.host")))
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).count == 2, "before recovery the audit sees both")

        let messages = try await fixture.session(.source) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return try await Samples.all(session)
        }
        #expect(messages.count == 3)
        #expect(messages.first { $0.uid == .name("1700000001.M2P2.host,S=\(orphan.count)") }?.flags == ["\\Flagged", "\\Seen"])
        #expect(messages.first { $0.uid == .name("1700000002.M3P3.host") }?.body.loaded == Samples.message("fresh"))
        let manifest = try MaildirManifest.read(root: fixture.root())
        let recorded = try #require(manifest.entry(folder: "INBOX", key: "1700000001.M2P2.host,S=\(orphan.count)"))
        #expect(recorded.sha256 == SHA256Hex.of(orphan))
        #expect(recorded.source == nil)
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
    }

    @Test("a file moved into cur/ before its manifest line keeps its keywords and source identity, from the intent journal")
    func journalledFile() async throws {
        let fixture = try MaildirFixture()
        _ = try await seed(fixture)
        let body = Samples.message("journalled")
        let key = "1700000003.M4P4.host,S=\(body.count)"
        let line = "{\"file\":\"cur/\(key):2,S\",\"flags\":[\"$Label1\",\"NonJunk\",\"\\\\Seen\"],\"folder\":\"INBOX\",\"internal_date\":\"01-Feb-2026 10:00:00 +0000\","
            + "\"key\":\"\(key)\",\"sha256\":\"\(SHA256Hex.of(body))\",\"size\":\(body.count),\"source\":\"INBOX 7 12\"}\n"
        // A second line names a file that stayed in tmp/: the journal is written before any move.
        let stayed = "1700000004.M5P5.host,S=3"
        let other = "{\"file\":\"cur/\(stayed):2,\",\"flags\":[],\"folder\":\"INBOX\",\"internal_date\":\"01-Feb-2026 10:00:00 +0000\","
            + "\"key\":\"\(stayed)\",\"sha256\":\"00\",\"size\":3,\"source\":null}\n"
        try Data((line + other).utf8).write(to: URL(fileURLWithPath: fixture.path("manifest.pending.jsonl")))
        try Data(body).write(to: URL(fileURLWithPath: fixture.path("cur/\(key):2,S")))
        try Data("abc".utf8).write(to: URL(fileURLWithPath: fixture.path("tmp/\(stayed)")))

        let messages = try await fixture.session(.source) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return try await Samples.all(session)
        }
        #expect(messages.count == 2, "the message left in tmp/ was never stored")
        #expect(messages.first { $0.uid == .name(key) }?.flags == ["$Label1", "NonJunk", "\\Seen"])
        let recorded = try #require(try MaildirManifest.read(root: fixture.root()).entry(folder: "INBOX", key: key))
        #expect(recorded.source == "INBOX 7 12")
        #expect(!FileManager.default.fileExists(atPath: fixture.path("manifest.pending.jsonl")), "the journal is removed once applied")
        #expect(try fixture.files(in: "", "tmp").isEmpty)
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
    }

    @Test("a manifest line cut short by a crash is dropped and its file recorded again")
    func tornLine() async throws {
        let fixture = try MaildirFixture()
        _ = try await seed(fixture)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.path("manifest.jsonl")))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"folder\":\"INBOX\",\"ke".utf8))
        try handle.close()
        #expect(try MaildirManifestAudit.audit(root: fixture.root()) == [.unreadableLine(2)])
        _ = try await fixture.session(.source) { _ in }
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
        #expect(try MaildirManifest.read(root: fixture.root()).lineCount == 1)
    }

    @Test("a file renamed for new flags before its line was written keeps its keywords and recorded hash")
    func renamedWithoutLine() async throws {
        let fixture = try MaildirFixture()
        let key = try await seed(fixture)
        let old = try #require(try fixture.files(in: "").first)
        try FileManager.default.moveItem(atPath: fixture.path("cur/" + old), toPath: fixture.path("cur/\(key.value):2,FS"))
        let flags = try await fixture.session(.source) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return try await session.metadata(.all).first?.flags
        }
        #expect(flags == ["\\Flagged", "\\Seen", "Work"])
        let entry = try #require(try MaildirManifest.read(root: fixture.root()).entry(folder: "INBOX", key: key.value))
        #expect(entry.file == "cur/\(key.value):2,FS")
        #expect(entry.sha256 == SHA256Hex.of(Samples.message("kept")))
    }

    @Test("what a crash left of a folder being created is removed")
    func halfCreatedFolder() async throws {
        let fixture = try MaildirFixture()
        _ = try await seed(fixture)
        try FileManager.default.createDirectory(atPath: fixture.path("mailmig-creating-1234/cur"), withIntermediateDirectories: true)
        let folders = try await fixture.session { try await $0.folders(status: false).map(\.listing.path) }
        #expect(folders == ["INBOX"])
        #expect(!FileManager.default.fileExists(atPath: fixture.path("mailmig-creating-1234")))
    }
}
