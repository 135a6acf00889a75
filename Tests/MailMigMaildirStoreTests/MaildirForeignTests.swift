import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing

/// A Maildir another program wrote (Dovecot, a mail reader) is read as a source, and never written.
@Suite("Maildir store: foreign Maildirs")
struct MaildirForeignTests {
    /// A Dovecot-style Maildir++ tree: messages in new/ and cur/ with `,S=` sizes, flags, a keyword, a
    /// subfolder with its `dovecot-keywords`, and Dovecot's own files.
    func dovecotTree(_ fixture: MaildirFixture) throws -> (inbox: [String: [UInt8]], sent: [UInt8]) {
        let root = fixture.root().path
        let manager = FileManager.default
        for directory in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp", ".Lists.dev/cur", ".Lists.dev/new", ".Lists.dev/tmp", ".Rabatt 100%/cur"] {
            try manager.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        let one = Samples.message("d1"), two = Samples.message("d2"), sent = Samples.message("d3")
        let names = [
            "cur/1600000000.M11P22.mail,S=\(one.count),W=\(one.count + 5):2,RS": one,
            "new/1600000001.M12P22.mail,S=\(two.count),W=\(two.count + 5)": two,
        ]
        for (name, body) in names { try Data(body).write(to: URL(fileURLWithPath: root + "/" + name)) }
        try Data(sent).write(to: URL(fileURLWithPath: root + "/.Sent/cur/1600000002.M13P22.mail,S=\(sent.count):2,Sa"))
        try Data(one).write(to: URL(fileURLWithPath: root + "/.Rabatt 100%/cur/1600000003.M14P22.mail:2,"))
        try "0 $Label1\n1 Junk\n".write(toFile: root + "/.Sent/dovecot-keywords", atomically: true, encoding: .utf8)
        try "3 V1600000000 N3\n".write(toFile: root + "/dovecot-uidlist", atomically: true, encoding: .utf8)
        let date = Date(timeIntervalSince1970: 1_600_000_000)
        try manager.setAttributes([.modificationDate: date], ofItemAtPath: root + "/" + names.keys.first { $0.hasPrefix("cur") }!)
        return (Dictionary(uniqueKeysWithValues: names.map { (String($0.key.split(separator: "/")[1].split(separator: ":")[0]), $0.value) }), sent)
    }

    @Test("keys are the names' unique parts, flags come from the letters (keywords through dovecot-keywords), dates from mtime, sizes from the files")
    func readsDovecot() async throws {
        let fixture = try MaildirFixture()
        let tree = try dovecotTree(fixture)
        let (folders, inbox, inboxMeta, sent) = try await fixture.session(.source) { session in
            let folders = try await session.folders(status: true)
            _ = try await session.openFolder("INBOX", forWriting: false)
            let inbox = try await Samples.all(session)
            let meta = try await session.metadata(.all)
            #expect(try await session.openFolder("Rabatt 100%", forWriting: false).exists == 1, "a listed path opens its folder, however named")
            _ = try await session.openFolder("Sent", forWriting: false)
            return (folders, inbox, meta, try await Samples.all(session))
        }
        #expect(folders.map(\.listing.path) == ["INBOX", "Lists", "Lists/dev", "Rabatt 100%", "Sent"])
        #expect(folders.first?.status?.messages == 2)
        #expect(folders.first?.status?.uidValidity == 1, "a constant: keys are file names, which Dovecot never renumbers")
        #expect(Dictionary(uniqueKeysWithValues: inbox.map { ($0.uid.value, $0.body.loaded) }) == tree.inbox)
        let replied = try #require(inboxMeta.first { $0.uid.value.hasPrefix("1600000000") })
        #expect(replied.flags == ["\\Answered", "\\Seen"])
        #expect(replied.internalDate?.text == "13-Sep-2020 12:26:40 +0000")
        #expect(inboxMeta.allSatisfy { $0.size == tree.inbox[$0.uid.value]?.count })
        #expect(inboxMeta.first { $0.uid.value.hasPrefix("1600000001") }?.flags == [], "a message in new/ has no flags yet")
        #expect(sent.first?.flags == ["\\Seen", "$Label1"])
        #expect(sent.first?.body.loaded == tree.sent)
        #expect(!FileManager.default.fileExists(atPath: fixture.path("manifest.jsonl")), "nothing is written to it")
        #expect(!FileManager.default.fileExists(atPath: fixture.path("mailmig.lock")))
    }

    @Test("a foreign Maildir is not written as a source, and refused as a target")
    func notWritten() async throws {
        let fixture = try MaildirFixture()
        _ = try dovecotTree(fixture)
        try await fixture.session(.source) { session in
            await #expect(throws: MailStoreError.self) { try await session.createFolder("New") }
            await #expect(throws: MailStoreError.self) {
                _ = try await session.append([OutgoingMessage(body: Samples.message("x"), flags: [], internalDate: nil)], to: "INBOX")
            }
        }
        do {
            try await fixture.session(.target) { _ in }
            Issue.record("wrote into a foreign Maildir")
        } catch let error as MailError {
            #expect(error.reason.contains(fixture.root().path))
            #expect(error.reason.contains("manifest.jsonl"))
        }
    }
}
