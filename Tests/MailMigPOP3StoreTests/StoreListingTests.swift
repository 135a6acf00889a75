import MailMigCore
import Testing
@testable import MailMigPOP3Store

/// The maildrop as one folder, keyed by UIDL, and the servers whose listing cannot be trusted.
@Suite("POP3 store: listing the maildrop")
struct StoreListingTests {
    static func server(_ messages: [ScriptedPOP3Server.Message], _ change: @Sendable (inout ScriptedPOP3Server.Script) -> Void = { _ in })
        async throws -> ScriptedPOP3Server {
        var script = ScriptedPOP3Server.Script()
        script.messages = messages
        change(&script)
        return try await ScriptedPOP3Server.start(script)
    }

    @Test("the maildrop is one folder, the INBOX by default, with its count, a constant UIDVALIDITY and its unique-ids' change tag; it is subscribed")
    func oneFolder() async throws {
        let server = try await Self.server([.init(StoreFixture.sample(1), id: "u1"), .init(StoreFixture.sample(2), id: "u2")])
        defer { Task { await server.stop() } }
        let store = StoreFixture.store(server)
        let (folders, subscribed, snapshot) = try await store.withSession(for: StoreFixture.mailbox) { session in
            (try await session.folders(status: true), try await session.subscribedFolders(), try await session.openFolder("INBOX", forWriting: false))
        }
        let tag = Maildrop.changeTag(of: ["u1", "u2"])
        #expect(folders == [ListedFolder(listing: FolderListing(levels: ["INBOX"], specialUse: nil, isInbox: true),
                                         status: FolderStatus(messages: 2, uidNext: nil, uidValidity: 1, highestModSeq: tag))])
        #expect(subscribed == ["INBOX"])
        #expect(snapshot == FolderSnapshot(uidValidity: 1, uidNext: nil, highestModSeq: tag, exists: 2))
    }

    @Test("pop3_folder names the folder; a nested one has its levels; only its path opens")
    func namedFolder() async throws {
        let server = try await Self.server([.init(StoreFixture.sample(1), id: "u1")])
        defer { Task { await server.stop() } }
        let store = StoreFixture.store(server, folder: "Archive/Old POP")
        let (folders, missing) = try await store.withSession(for: StoreFixture.mailbox) { session in
            let folders = try await session.folders(status: false)
            _ = try await session.openFolder("Archive/Old POP", forWriting: false)
            do {
                _ = try await session.openFolder("INBOX", forWriting: false)
                return (folders, nil as MailStoreError?)
            } catch let error as MailStoreError {
                return (folders, error)
            }
        }
        #expect(folders.map(\.listing) == [FolderListing(levels: ["Archive", "Old POP"], specialUse: nil, isInbox: false)])
        #expect(folders.first?.status == nil)
        #expect(missing?.kind == .noSuchFolder)
    }

    @Test("a folder spelled Inbox is the INBOX, and opens under any spelling of INBOX")
    func inboxSpelling() async throws {
        let server = try await Self.server([])
        defer { Task { await server.stop() } }
        let opened = try await StoreFixture.store(server, folder: "Inbox").withSession(for: StoreFixture.mailbox) { session in
            (try await session.folders().first?.listing.isInbox, try await session.openFolder("INBOX", forWriting: false).exists)
        }
        #expect(opened.0 == true && opened.1 == 0)
    }

    @Test("keys are the UIDL unique-ids in message-number order; size searches read LIST's sizes")
    func keys() async throws {
        let server = try await Self.server([.init("a\r\n", id: "zeta"), .init("bb\r\n", id: "0001"), .init("ccc\r\n", id: "alpha", listedSize: 99)])
        defer { Task { await server.stop() } }
        let (all, sized, larger) = try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return (try await session.messageUIDs(.all), try await session.messageUIDs(.size(4)), try await session.messageUIDs(.larger(3)))
        }
        #expect(all == [.name("zeta"), .name("0001"), .name("alpha")])
        #expect(sized == [.name("0001")])
        #expect(larger == [.name("0001"), .name("alpha")])
        #expect(server.commands.filter { $0 == "LIST" || $0 == "UIDL" } == ["LIST", "UIDL"], "listed once per session")
    }

    @Test("a server without UIDL is refused with one sentence naming server, mailbox and folder; nothing is read")
    func noUIDL() async throws {
        let server = try await Self.server([.init(StoreFixture.sample(1), id: nil)]) { $0.refusesUIDL = true }
        defer { Task { await server.stop() } }
        let error = await #expect(throws: MailError.self) {
            try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { _ in }
        }
        #expect(error?.kind == .failed)
        #expect(error?.description.hasPrefix("source server 127.0.0.1, mailbox alice@acme.test, folder INBOX: "
            + "the POP3 server gives messages no unique-ids") == true, "\(String(describing: error))")
        #expect(!server.commands.contains("RETR") && !server.commands.contains("TOP"))
        #expect(server.record.connections == 1, "a refusal for good is not retried")
    }

    @Test("a broken server giving two messages one unique-id is refused, never half-read")
    func duplicateUIDL() async throws {
        let server = try await Self.server([.init(StoreFixture.sample(1), id: "same"), .init(StoreFixture.sample(2), id: "same")])
        defer { Task { await server.stop() } }
        let error = await #expect(throws: MailError.self) {
            try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { _ in }
        }
        #expect(error?.kind == .failed)
        #expect(error?.description.contains("folder INBOX: the POP3 server's UIDL gave messages 1 and 2 the same unique-id \"same\"") == true)
    }
}
