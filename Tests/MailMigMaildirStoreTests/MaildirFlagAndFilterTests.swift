import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing

/// Flags change by renaming and a manifest line; searches, metadata, Message-IDs and size limits.
@Suite("Maildir store: flags and searches")
struct MaildirFlagAndFilterTests {
    @Test("replaceFlags renames the file, appends a line, and keeps keywords only the manifest can hold")
    func replaceFlags() async throws {
        let fixture = try MaildirFixture()
        let key = try await fixture.session { session in
            let key = try #require(Samples.key(try await session.append([OutgoingMessage(body: Samples.message("f"), flags: ["\\Seen"],
                                                                                             internalDate: Samples.date)], to: "INBOX")[0]))
            _ = try await session.openFolder("INBOX", forWriting: false)
            await #expect(throws: MailStoreError.self) { try await session.replaceFlags(of: [key], with: ["\\Flagged"]) }
            _ = try await session.openFolder("INBOX", forWriting: true)
            try await session.replaceFlags(of: [key, .name("unknown")], with: ["\\Flagged", "\\Answered", "Important", "\\Recent"])
            #expect(try await session.metadata(.all).first?.flags == ["\\Flagged", "\\Answered", "Important"])
            return key
        }
        #expect(try fixture.files(in: "") == ["\(key.value):2,FR"])
        let manifest = try MaildirManifest.read(root: fixture.root())
        #expect(manifest.lineCount == 2)
        let entry = try #require(manifest.entry(folder: "INBOX", key: key.value))
        #expect(entry.flags == ["Important", "\\Answered", "\\Flagged"])
        #expect(entry.file == "cur/\(key.value):2,FR")
        #expect(entry.sha256 == SHA256Hex.of(Samples.message("f")))
        let reread = try await fixture.session(.source) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return try await session.metadata(.all).first?.flags
        }
        #expect(reread == ["\\Flagged", "\\Answered", "Important"])
        #expect(try MaildirManifestAudit.audit(root: fixture.root()).isEmpty)
    }

    @Test("searches by day before, exact size and larger size; metadata and Message-IDs by key")
    func filters() async throws {
        let fixture = try MaildirFixture()
        let small = Samples.message("s"), large = Samples.message("l", body: String(repeating: "x", count: 5_000) + "\r\n")
        try await fixture.session { session in
            let keys = try await session.append([
                OutgoingMessage(body: small, flags: [], internalDate: MessageDate("31-Dec-2023 23:30:00 -0500")),
                OutgoingMessage(body: large, flags: [], internalDate: MessageDate("01-Jan-2024 00:10:00 +0000")),
                OutgoingMessage(body: Array("Subject: none\r\n\r\nno id\r\n".utf8), flags: [], internalDate: MessageDate("05-Jan-2024 00:00:00 +0000")),
            ], to: "INBOX").compactMap(Samples.key)
            _ = try await session.openFolder("INBOX", forWriting: false)
            #expect(try await session.messageUIDs(.all) == keys.sorted())
            // 31-Dec-2023 in its own zone, although it is 1 January in UTC.
            #expect(try await session.messageUIDs(.before(CalendarDay(year: 2024, month: 1, day: 1))) == [keys[0]])
            #expect(try await session.messageUIDs(.size(small.count)) == [keys[0]])
            #expect(try await session.messageUIDs(.larger(1_000)) == [keys[1]])
            let meta = try await session.metadata(.uids([keys[1], .name("nope")]))
            #expect(meta.map(\.uid) == [keys[1]])
            #expect(meta.first?.size == large.count)
            let ids = try await session.messageIDs(.all)
            #expect(ids[keys[0]] == "<s@acme.test>")
            #expect(ids[keys[2]] == .some(nil))
            await #expect(throws: MailStoreError.self) { _ = try await session.metadata(.all, changedSince: 1) }
        }
    }

    @Test("a body over maxBodySize is not read and arrives as its size; the stream holds the keys asked, in key order")
    func sizeLimit() async throws {
        let fixture = try MaildirFixture()
        let large = Samples.message("l", body: String(repeating: "y", count: 10_000))
        try await fixture.session { session in
            let keys = try await session.append([OutgoingMessage(body: large, flags: [], internalDate: nil),
                                                 OutgoingMessage(body: Samples.message("s"), flags: [], internalDate: nil)], to: "INBOX")
                .compactMap(Samples.key)
            _ = try await session.openFolder("INBOX", forWriting: false)
            var read: [StoredMessage] = []
            for try await message in try await session.messages(keys.reversed() + [.name("missing")], maxBodySize: 1_000) { read.append(message) }
            #expect(read.map(\.uid) == keys.sorted())
            let omitted = try #require(read.first { $0.uid == keys[0] })
            #expect(omitted.body.isEmpty)
            #expect(omitted.omittedSize == large.count)
            #expect(read.first { $0.uid == keys[1] }?.body.loaded == Samples.message("s"))
        }
    }

    @Test("message calls without an open folder fail")
    func noOpenFolder() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            await #expect(throws: MailStoreError.self) { _ = try await session.messageUIDs(.all) }
        }
    }
}
