import Foundation
import MailMigCore
import MailMigMaildirStore

/// A temporary folder holding mailbox Maildirs, and stores over it for either side.
final class MaildirFixture: @unchecked Sendable {
    /// The mailbox the tests use.
    static let alice = MailboxMapping(source: EmailAddress("alice@acme.test")!, target: EmailAddress("alice@acme.test")!, tags: [],
                                      location: SourceLocation(file: "test", line: 1, column: 1))

    /// The temporary folder; removed when the fixture goes.
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-maildir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The Maildir of a mailbox: `<folder>/backups/<address>`.
    func root(_ mailbox: MailboxMapping = MaildirFixture.alice) -> URL {
        folder.appendingPathComponent("backups").appendingPathComponent(mailbox.source.description)
    }

    /// A store over the fixture's trees.
    func store(_ side: MailSide) -> MaildirMailStore {
        let base = folder.appendingPathComponent("backups")
        return MaildirMailStore(side: side, root: { base.appendingPathComponent($0.source.description) }, label: "backup backups/")
    }

    /// Runs `body` in a session of alice's Maildir on `side`.
    @discardableResult
    func session<T: Sendable>(_ side: MailSide = .target, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        try await store(side).withSession(for: Self.alice, body)
    }

    /// The path of something under alice's Maildir.
    func path(_ relative: String) -> String { root().appendingPathComponent(relative).path }

    /// The permission bits of a file or directory.
    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// The message files of a Maildir folder directory's `cur/` (relative names).
    func files(in directory: String, _ part: String = "cur") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(directory.isEmpty ? part : directory + "/" + part)).sorted()
    }
}

/// Message bytes and dates the tests store.
enum Samples {
    /// A message with a Message-ID and `body` after the header.
    static func message(_ id: String, body: String = "Hello.\r\n") -> [UInt8] {
        Array("From: alice@acme.test\r\nMessage-ID: <\(id)@acme.test>\r\nSubject: \(id)\r\n\r\n\(body)".utf8)
    }

    /// Bytes a copy must keep exactly: 8-bit, NUL, bare LF and CRLF, lines starting with `.` and `From `.
    static let awkward: [UInt8] = Array("Subject: =?utf-8?q?x?=\r\nMessage-ID: <awkward@acme.test>\r\n\r\n.\r\n..dot\r\nFrom here\n".utf8)
        + [0x00, 0xFF, 0xFE, 0x80, 0x0D, 0x0A, 0x0D, 0x0D, 0x0A] + Array("Grüße\r\n.".utf8)

    /// A date with a zone.
    static let date = MessageDate("07-Jul-1996 02:44:25 -0700")!

    /// Reads every message of the open folder.
    static func all(_ session: any MailStoreSession, maxBodySize: Int64? = nil) async throws -> [StoredMessage] {
        var read: [StoredMessage] = []
        for try await message in try await session.messages(try await session.messageUIDs(.all), maxBodySize: maxBodySize) {
            read.append(message)
        }
        return read
    }

    /// The key a stored outcome names.
    static func key(_ outcome: AppendOutcome) -> MessageKey? {
        if case .stored(_, let key) = outcome { return key }
        return nil
    }
}
