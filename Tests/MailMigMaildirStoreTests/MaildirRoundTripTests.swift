import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing

/// What is stored comes back exactly: bytes, flags, keywords, date, and the same keys after reopening.
@Suite("Maildir store: round trip")
struct MaildirRoundTripTests {
    @Test("exact bytes (8-bit, NUL, CRLF and bare LF, lines starting with '.'), flags, keywords and the dated zone come back; keys survive reopening")
    func roundTrip() async throws {
        let fixture = try MaildirFixture()
        let outgoing = [
            OutgoingMessage(body: Samples.awkward, flags: ["\\Seen", "\\Answered", "$Label1", "Work"], internalDate: Samples.date),
            OutgoingMessage(body: Samples.message("plain"), flags: [], internalDate: MessageDate("01-Feb-2024 10:00:00 +0100")),
            OutgoingMessage(body: Samples.message("all"), flags: ["\\Draft", "\\Flagged", "\\Deleted", "$Forwarded", "\\Recent"],
                            internalDate: MessageDate("31-Dec-1999 23:59:59 +0000")),
            OutgoingMessage(body: [], flags: ["\\Seen"], internalDate: nil),
        ]
        let stored = try await fixture.session { session in
            #expect(await session.acceptsNUL)
            #expect(session.delimiter == "/")
            #expect(!session.tracksChanges)
            let outcomes = try await session.append(outgoing, to: "INBOX")
            _ = try await session.openFolder("INBOX", forWriting: false)
            return (outcomes.compactMap(Samples.key), try await Samples.all(session))
        }
        #expect(stored.0.count == 4)
        let byKey = Dictionary(uniqueKeysWithValues: stored.1.map { ($0.uid, $0) })
        for (index, key) in stored.0.enumerated() {
            let message = try #require(byKey[key])
            #expect(message.body == outgoing[index].body)
            #expect(message.flags == Set(outgoing[index].flags).subtracting(["\\Recent"]))
            if let date = outgoing[index].internalDate { #expect(message.internalDate == date, "the date keeps its text, zone included") }
        }
        #expect(byKey[stored.0[3]]?.internalDate?.instant != nil, "a message given no date gets the time it was stored")

        let reopened = try await fixture.session(.source) { session in
            let snapshot = try await session.openFolder("INBOX", forWriting: false)
            return (snapshot, try await session.messageUIDs(.all), try await Samples.all(session))
        }
        #expect(Set(reopened.1) == Set(stored.0), "the same keys after reopening")
        #expect(reopened.0.exists == 4)
        #expect(reopened.0.uidNext == nil)
        #expect(reopened.2.map(\.body.loaded) == stored.1.map(\.body.loaded))
        #expect(reopened.2.map(\.flags) == stored.1.map(\.flags))
    }

    @Test("the file's modification time is the internal date, and its name carries the flag letters in order")
    func fileNameAndTime() async throws {
        let fixture = try MaildirFixture()
        let key = try await fixture.session { session in
            try await session.append([OutgoingMessage(body: Samples.message("a"), flags: ["\\Seen", "\\Flagged", "\\Draft", "$Forwarded", "\\Answered", "\\Deleted"],
                                                      internalDate: Samples.date)], to: "INBOX").compactMap(Samples.key).first
        }
        let name = try #require(try fixture.files(in: "").first)
        #expect(name == "\(try #require(key).value):2,DFPRST")
        let modified = try FileManager.default.attributesOfItem(atPath: fixture.path("cur/" + name))[.modificationDate] as? Date
        #expect(modified == Samples.date.instant)
        #expect(name.contains(",S=\(Samples.message("a").count)"), "Dovecot reads the size from the name")
    }

    @Test("UIDVALIDITY stays the same across sessions, and each folder has its own")
    func uidValidity() async throws {
        let fixture = try MaildirFixture()
        let first = try await fixture.session { session in
            try await session.createFolder("Archive")
            return (try await session.openFolder("INBOX", forWriting: false).uidValidity,
                    try await session.openFolder("Archive", forWriting: false).uidValidity)
        }
        let second = try await fixture.session(.source) { session in
            (try await session.openFolder("INBOX", forWriting: false).uidValidity,
             try await session.openFolder("Archive", forWriting: false).uidValidity)
        }
        #expect(first == second)
        #expect(first.0 > 1)
    }

    @Test("the manifest has one line per message with folder, key, file, size, date, flags, SHA-256 and the source identity")
    func manifestLines() async throws {
        let fixture = try MaildirFixture()
        let body = Samples.message("m")
        let key = try await fixture.session { session in
            try await session.createFolder("Projects/2024")
            return try await session.append([OutgoingMessage(body: body, flags: ["\\Seen", "$Label1"], internalDate: Samples.date,
                                                             sourceIdentity: "INBOX 1234 42")], to: "Projects/2024").compactMap(Samples.key).first
        }
        let manifest = try MaildirManifest.read(root: fixture.root())
        let entry = try #require(manifest.entries.first)
        #expect(manifest.entries.count == 1)
        #expect(entry.folder == "Projects/2024")
        #expect(MessageKey.name(entry.key) == key)
        #expect(entry.file.hasPrefix(".Projects.2024/cur/\(entry.key):2,S"))
        #expect(FileManager.default.fileExists(atPath: fixture.path(entry.file)))
        #expect(entry.size == body.count)
        #expect(entry.internalDate == Samples.date.text)
        #expect(entry.flags == ["$Label1", "\\Seen"])
        #expect(entry.sha256 == SHA256Hex.of(body))
        #expect(entry.source == "INBOX 1234 42")
        let line = try String(contentsOfFile: fixture.path("manifest.jsonl"), encoding: .utf8)
        #expect(line.contains("\"internal_date\":\"07-Jul-1996 02:44:25 -0700\""))
        #expect(line.hasSuffix("}\n"))
    }
}
