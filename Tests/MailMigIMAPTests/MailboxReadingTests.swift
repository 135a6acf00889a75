import Testing
@testable import MailMigIMAP
import IMAPTestSupport

/// Opening, listing, describing and closing a folder in one exchange (`IMAPClient.read`).
@Suite("Pipelined mailbox reading")
struct MailboxReadingTests {
    /// Reads what the client wrote until `count` command lines have arrived, without answering any.
    static func commands(_ server: ScriptedServer, _ count: Int) async throws -> [String] {
        var lines: [String] = []
        while lines.count < count {
            lines += try await server.received().split(separator: "\r\n").map(String.init)
        }
        return lines
    }

    @Test("EXAMINE, UID SEARCH, the metadata FETCH and UNSELECT leave before any answer, and each answer goes to its command")
    func fourCommandsOneRoundTrip() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 UNSELECT LITERAL+")
        async let reading = server.client.read("Work", search: .all, metadataOf: .all, close: true)
        let sent = try await Self.commands(server, 4)
        #expect(sent == ["M2 EXAMINE \"Work\"", "M3 UID SEARCH ALL", "M4 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)", "M5 UNSELECT"])
        try await server.send("* 2 EXISTS", "* OK [UIDVALIDITY 9] ok", "* OK [UIDNEXT 12] ok", "M2 OK [READ-ONLY] done",
                              "* SEARCH 4 11", "M3 OK done",
                              "* 1 FETCH (UID 4 FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE 120)",
                              "* 2 FETCH (UID 11 FLAGS () INTERNALDATE \"02-Jan-2024 10:00:00 +0100\" RFC822.SIZE 4096)", "M4 OK done",
                              "M5 OK done")
        let found = try await reading
        #expect(found.mailbox.uidValidity == 9 && found.mailbox.uidNext == 12 && found.mailbox.exists == 2)
        #expect(found.uids == [4, 11])
        #expect(found.metadata.map(\.uid) == [4, 11])
        #expect(found.metadata.map(\.size) == [120, 4096])
        #expect(found.metadata.first?.flags == ["\\Seen"])
        #expect(await server.client.selected == nil, "UNSELECT was answered: nothing stays selected")
    }

    @Test("with a mod-sequence, the pipelined FETCH asks only for what changed since (CHANGEDSINCE), and the answer describes just that")
    func changedSinceInTheSameExchange() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 CONDSTORE")
        async let reading = server.client.read("Work", search: .all, metadataOf: .all, changedSince: 310, close: false)
        let sent = try await Self.commands(server, 3)
        #expect(sent == ["M2 EXAMINE \"Work\" (CONDSTORE)", "M3 UID SEARCH ALL",
                         "M4 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ) (CHANGEDSINCE 310)"])
        try await server.send("* 3 EXISTS", "* OK [UIDVALIDITY 9] ok", "* OK [UIDNEXT 13] ok", "* OK [HIGHESTMODSEQ 344] ok",
                              "M2 OK [READ-ONLY] done", "* SEARCH 4 11 12", "M3 OK done",
                              "* 3 FETCH (UID 12 FLAGS () INTERNALDATE \"02-Jan-2024 10:00:00 +0100\" RFC822.SIZE 512 MODSEQ (344))",
                              "M4 OK done")
        let found = try await reading
        #expect(found.uids == [4, 11, 12])
        #expect(found.metadata.map(\.uid) == [12])
        #expect(found.metadata.map(\.size) == [512])
    }

    @Test("a folder that cannot be opened fails with EXAMINE's own answer, after the commands sent with it are answered too")
    func aFailedExamineIsTheErrorAndTheConnectionStaysUsable() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 UNSELECT")
        async let reading = server.client.read("Gone", search: .all, metadataOf: .all, close: false)
        _ = try await Self.commands(server, 3)
        try await server.send("M2 NO [NONEXISTENT] Mailbox doesn't exist: Gone", "M3 BAD No mailbox selected", "M4 BAD No mailbox selected")
        do {
            _ = try await reading
            Issue.record("the reading succeeded")
        } catch let error as IMAPError {
            guard case .no(_, let command, _, let code) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(command == "EXAMINE \"Gone\"")
            #expect(code == .other(name: "NONEXISTENT", arguments: nil))
        }
        async let noop: Void = server.client.noop()
        #expect(try await server.received() == "M5 NOOP\r\n")
        try await server.send("M5 OK done")
        try await noop
    }

    @Test("a server that sends every FETCH before the search completes (Dovecot runs them at once) is read to the end",
          .timeLimit(.minutes(1)))
    func fetchResultsBeforeTheSearchCompletes() async throws {
        let server = try await ScriptedServer.start(fetchBufferDepth: 1)
        try await server.login(capabilities: "IMAP4rev1")
        async let reading = server.client.read("Work", search: .all, metadataOf: .all, close: false)
        _ = try await Self.commands(server, 3)
        var lines = ["* 3 EXISTS", "* OK [UIDVALIDITY 9] ok", "M2 OK [READ-ONLY] done"]
        for uid in 1...3 {
            lines.append("* \(uid) FETCH (UID \(uid) FLAGS () INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE \(uid * 10))")
        }
        lines += ["M4 OK fetched", "* SEARCH 1 2 3", "M3 OK searched"]
        for line in lines { try await server.send(line) }
        let found = try await reading
        #expect(found.uids == [1, 2, 3])
        #expect(found.metadata.map(\.size) == [10, 20, 30])
    }

    @Test("a server that ran the search before the EXAMINE completed is asked it again, with the mailbox open")
    func anEarlySearchIsAskedAgain() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        async let reading = server.client.read("Work", search: .all, metadataOf: nil, close: false)
        _ = try await Self.commands(server, 2)
        try await server.send("M3 BAD No mailbox selected", "* 1 EXISTS", "* OK [UIDVALIDITY 5] ok", "M2 OK [READ-ONLY] done")
        #expect(try await server.received() == "M4 UID SEARCH ALL\r\n")
        try await server.send("* SEARCH 7", "M4 OK done")
        let found = try await reading
        #expect(found.uids == [7] && found.mailbox.uidValidity == 5)
    }

    @Test("metadata of an empty folder is empty, also from a server that refuses `1:*` there")
    func anEmptyFolderHasNoMetadata() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        async let reading = server.client.read("Empty", search: nil, metadataOf: .all, close: false)
        _ = try await Self.commands(server, 2)
        try await server.send("* 0 EXISTS", "* OK [UIDVALIDITY 3] ok", "M2 OK [READ-ONLY] done", "M3 BAD Invalid messageset")
        let found = try await reading
        #expect(found.metadata.isEmpty && found.uids.isEmpty && found.mailbox.uidValidity == 3)
    }
}
