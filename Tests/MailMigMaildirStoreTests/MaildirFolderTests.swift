import Foundation
import MailMigCore
import MailMigMaildirStore
import Testing

/// Folder paths of every kind round-trip exactly through Maildir++ directory names.
@Suite("Maildir store: folders")
struct MaildirFolderTests {
    /// Paths with the separators, the escape, spaces, Unicode (composed and decomposed), control
    /// characters, and folders under INBOX.
    static let awkward = [
        "Sent", "Clubs/chess.com", "a.b/c.d/e", "100%", "%2e", "with space", "Überweisungen/2024",
        "Cafe\u{301}", "tab\there", "INBOX/Sub", "INBOX/Sub/Deeper", "Inbox", "inbox/x", "..hidden", "~tilde", "日本語/メール",
    ]

    @Test("every plan-form path is created, listed back exactly (code point for code point), and can hold a message")
    func awkwardNames() async throws {
        let fixture = try MaildirFixture()
        let listed = try await fixture.session { session in
            for path in Self.awkward {
                try await session.createFolder(path)
                try await session.createFolder(path)  // idempotent
                let outcome = try await session.append([OutgoingMessage(body: Samples.message(path), flags: [], internalDate: Samples.date)], to: path)
                #expect(Samples.key(outcome[0]) != nil, "\(path)")
            }
            return try await session.folders(status: true)
        }
        let paths = listed.filter(\.listing.selectable).map(\.listing.path)
        for path in Self.awkward {
            #expect(paths.contains { $0.unicodeScalars.elementsEqual(path.unicodeScalars) }, "\(path) is listed exactly")
        }
        for folder in listed where folder.listing.selectable {
            #expect(folder.status?.messages == (folder.listing.path == "INBOX" ? 0 : 1), "\(folder.listing.path)")
        }
        let reopened = try await fixture.session(.source) { session in
            var bodies: [[UInt8]?] = []
            for path in Self.awkward {
                _ = try await session.openFolder(path, forWriting: false)
                bodies.append(try await Samples.all(session).first?.body.loaded)
            }
            return bodies
        }
        for (index, path) in Self.awkward.enumerated() { #expect(reopened[index] == Samples.message(path), "\(path)") }
    }

    @Test("the directory names are Maildir++ with '.', '/', '%' and control characters escaped, and INBOX is the root")
    func directoryNames() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            for path in ["Clubs/chess.com", "100%", "INBOX/Sub", "tab\there", "Überweisungen"] { try await session.createFolder(path) }
        }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.root().path))
        #expect(names.isSuperset(of: [".Clubs.chess%2ecom", ".100%25", ".INBOX.Sub", ".tab%09here", ".Überweisungen", "cur", "new", "tmp"]))
        #expect(FileManager.default.fileExists(atPath: fixture.path(".INBOX.Sub/maildirfolder")), "Maildir++ marks each folder")
    }

    @Test("only INBOX names the root; Inbox is a folder of its own, shown as not the INBOX")
    func inboxSpelling() async throws {
        let fixture = try MaildirFixture()
        let listed = try await fixture.session { session in
            #expect(session.inboxSpelling == .exact)
            try await session.createFolder("Inbox")
            try await session.createFolder("INBOX")
            return try await session.folders(status: false).map(\.listing)
        }
        let inbox = try #require(listed.first { $0.path == "INBOX" })
        let other = try #require(listed.first { $0.path == "Inbox" })
        #expect(inbox.isInbox)
        #expect(!other.isInbox)
        #expect(other.shownName == "Inbox (not the INBOX)")
    }

    @Test("a level above a folder without a Maildir of its own is listed as not selectable")
    func parents() async throws {
        let fixture = try MaildirFixture()
        let listed = try await fixture.session { session in
            try await session.createFolder("Projects/2024/Q1")
            return try await session.folders(status: false).map(\.listing)
        }
        #expect(listed.map(\.path) == ["INBOX", "Projects", "Projects/2024", "Projects/2024/Q1"])
        #expect(listed.map(\.selectable) == [true, false, false, true])
    }

    @Test("opening a folder that does not exist is .noSuchFolder, naming it; an empty level is refused, naming the path")
    func missingFolder() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            do {
                _ = try await session.openFolder("Nowhere", forWriting: false)
                Issue.record("opened a missing folder")
            } catch let error as MailStoreError {
                #expect(error.kind == .noSuchFolder)
                #expect(error.reason.contains("'Nowhere'"))
            }
            await #expect(throws: MailStoreError.self) { try await session.createFolder("a//b") }
            let outcomes = try await session.append([OutgoingMessage(body: Samples.message("x"), flags: [], internalDate: nil)], to: "Nowhere")
            guard case .failed(let error) = outcomes[0] else { Issue.record("stored into a missing folder"); return }
            #expect("\(error)".contains("'Nowhere'"))
        }
    }

    @Test("subscriptions are kept at the root and read back")
    func subscriptions() async throws {
        let fixture = try MaildirFixture()
        try await fixture.session { session in
            try await session.createFolder("a.b/c")
            try await session.subscribe("a.b/c")
            try await session.subscribe("INBOX")
            try await session.subscribe("INBOX")
        }
        let subscribed = try await fixture.session(.source) { try await $0.subscribedFolders() }
        #expect(subscribed == ["a.b/c", "INBOX"])
    }
}
