import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing

/// The audit re-hashes every file against its newest manifest line and names what differs.
@Suite("Maildir store: manifest audit")
struct MaildirAuditTests {
    /// A Maildir with a message in INBOX and one in `Clubs/chess.com`.
    func seeded() async throws -> MaildirFixture {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            try await session.createFolder("Clubs/chess.com")
            _ = try await session.append([OutgoingMessage(body: Samples.message("one"), flags: [], internalDate: Samples.date)], to: "INBOX")
            _ = try await session.append([OutgoingMessage(body: Samples.message("two"), flags: ["\\Seen"], internalDate: Samples.date)],
                                         to: "Clubs/chess.com")
        }
        return fixture
    }

    @Test("a clean backup has no findings")
    func clean() async throws {
        let fixture = try await seeded()
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
    }

    @Test("a flipped byte is found, naming the file and the folder")
    func flippedByte() async throws {
        let fixture = try await seeded()
        let name = try #require(try fixture.files(in: ".Clubs.chess%2ecom").first)
        let path = fixture.path(".Clubs.chess%2ecom/cur/" + name)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[10] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let findings = try MaildirManifestAudit.audit(root: fixture.root())
        #expect(findings.count == 1)
        guard case .changed(let folder, _, let file, let recorded, let found)? = findings.first else {
            Issue.record("no change found: \(findings)")
            return
        }
        #expect(folder == "Clubs/chess.com")
        #expect(file == ".Clubs.chess%2ecom/cur/" + name)
        #expect(recorded == SHA256Hex.of(Samples.message("two")))
        #expect(found == SHA256Hex.of(Array(bytes)))
        #expect(findings[0].description.contains("folder 'Clubs/chess.com'"))
        #expect(findings[0].description.contains(file))
    }

    @Test("as a source, reading a file that is not what its manifest recorded fails, naming the file; a foreign file is read as it is")
    func damagedFileIsNotRead() async throws {
        let fixture = try await seeded()
        let name = try #require(try fixture.files(in: "").first)
        let path = fixture.path("cur/" + name)
        try await fixture.session { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            #expect(try await Samples.all(session).map(\.body.loaded) == [Samples.message("one")])
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[10] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        try Data(Samples.message("foreign")).write(to: URL(fileURLWithPath: fixture.path(".Clubs.chess%2ecom/new/foreign")))
        try await fixture.session(.target) { session in
            // The target side reads what is there: verify compares it and reports the difference.
            _ = try await session.openFolder("INBOX", forWriting: false)
            #expect(try await Samples.all(session).map(\.body.loaded) == [Array(bytes)])
        }
        try await fixture.session(.source) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            let error = await #expect(throws: MailStoreError.self) { _ = try await Samples.all(session) }
            #expect(error?.kind == .failed)
            #expect(error?.reason.contains(path) == true, "\(String(describing: error))")
            _ = try await session.openFolder("Clubs/chess.com", forWriting: false)
            #expect(try await Samples.all(session).map(\.body.loaded).sorted { $0.count < $1.count } == [Samples.message("two"), Samples.message("foreign")].sorted { $0.count < $1.count })
        }
    }

    @Test("a missing file, a file without a line and an unreadable line are each found")
    func missingUnrecordedUnreadable() async throws {
        let fixture = try await seeded()
        let name = try #require(try fixture.files(in: "").first)
        try FileManager.default.removeItem(atPath: fixture.path("cur/" + name))
        try Data(Samples.message("stray")).write(to: URL(fileURLWithPath: fixture.path(".Clubs.chess%2ecom/new/stray")))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.path("manifest.jsonl")))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("not json\n".utf8))
        try handle.close()
        let findings = try MaildirManifestAudit.audit(root: fixture.root())
        #expect(findings.contains(.unreadableLine(3)))
        #expect(findings.contains(.unrecorded(folder: "Clubs/chess.com", file: ".Clubs.chess%2ecom/new/stray")))
        #expect(findings.contains { if case .missing("INBOX", _, "cur/" + name) = $0 { true } else { false } })
        #expect(findings.count == 3)
    }

    @Test("the audit changes nothing, and a Maildir without a manifest is refused, naming it")
    func readOnly() async throws {
        let fixture = try await seeded()
        try Data(Samples.message("stray")).write(to: URL(fileURLWithPath: fixture.path("tmp/left")))
        _ = try MaildirManifestAudit.audit(root: fixture.root())
        #expect(FileManager.default.fileExists(atPath: fixture.path("tmp/left")))
        #expect(throws: MailStoreError.self) { try MaildirManifestAudit.audit(root: fixture.folder) }
    }
}
