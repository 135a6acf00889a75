import MailMigCore
@testable import MailMigIMAP
import IMAPTestSupport
@testable import MailMigIMAPStore
import Testing

/// The IMAP mail store over a scripted Gmail: what it sends for the engine's `labels` and `addLabel`,
/// and how it reads the answers (developers.google.com/gmail/imap/imap-extensions). No Gmail server
/// is reachable here; the lines are Gmail's as documented and as `ServerTranscriptTests.gmail` shows.
@Suite struct GmailStoreTranscriptTests {
    /// Gmail's folder list.
    static let listing = [
        "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
        "* LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"",
        "* LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"",
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"",
        "* LIST (\\Flagged \\HasNoChildren) \"/\" \"[Gmail]/Starred\"",
        "* LIST (\\HasNoChildren \\Trash) \"/\" \"[Gmail]/Trash\"",
        "* LIST (\\HasNoChildren) \"/\" \"Kunden/&AMQ-rger\"",
    ]

    /// Answers the next command, which must contain `expected`, with `lines` (`TAG` replaced by its tag).
    func answer(_ server: ScriptedServer, _ expected: String, _ lines: String...) async throws {
        try await answer(server, expected, lines: lines)
    }

    /// Answers the next command, which must contain `expected`, with `lines`.
    func answer(_ server: ScriptedServer, _ expected: String, lines: [String]) async throws {
        let command = try await server.received()
        #expect(command.contains(expected), "\(command)")
        let tag = String(command.prefix { $0 != " " })
        for line in lines { try await server.send(line.replacingOccurrences(of: "TAG", with: tag)) }
    }

    /// A logged-in store session on a scripted Gmail, its folders listed once.
    func session() async throws -> (ScriptedServer, IMAPStoreSession) {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 UNSELECT X-GM-EXT-1 UIDPLUS")
        async let started = IMAPStoreSession.start(client: server.client, side: .source, mailbox: "alice@acme.test")
        try await answer(server, "LIST \"\" \"\"", "* LIST (\\Noselect) \"/\" \"\"", "TAG OK Success")
        let session = try await started
        #expect(session.keepsLabels)
        return (server, session)
    }

    @Test("labels: one UID FETCH of X-GM-MSGID and X-GM-LABELS, labels turned into the folders that show the message")
    func labels() async throws {
        let (server, session) = try await session()
        async let opened = session.openFolder("[Gmail]/All Mail", forWriting: false)
        try await answer(server, "LIST", lines: Self.listing + ["TAG OK Success"])
        try await answer(server, "EXAMINE \"[Gmail]/All Mail\"", "* 3 EXISTS", "* OK [UIDVALIDITY 11] ok", "TAG OK [READ-ONLY] Success")
        _ = try await opened
        async let found = session.labels(.uids([.uid(3), .uid(4), .uid(5)]))
        try await answer(server, "UID FETCH 3:5 (UID FLAGS INTERNALDATE RFC822.SIZE X-GM-MSGID X-GM-THRID X-GM-LABELS)",
                         "* 1 FETCH (UID 3 FLAGS () INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE 10 X-GM-MSGID 1278455344230334865 X-GM-THRID 1 X-GM-LABELS ())",
                         "* 2 FETCH (UID 4 FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE 12 X-GM-MSGID 1278455344230334866 X-GM-THRID 1 "
                            + "X-GM-LABELS (\\Inbox \\Sent \\Starred \\Muted \"Kunden/&AMQ-rger\"))",
                         "TAG OK Success")
        let labels = try #require(try await found)
        #expect(labels[.uid(3)] == MessageLabels(id: "1278455344230334865", folders: []))
        #expect(labels[.uid(4)] == MessageLabels(id: "1278455344230334866", folders: ["INBOX", "[Gmail]/Sent Mail", "[Gmail]/Starred", "Kunden/Ärger"]))
        #expect(labels[.uid(5)] == nil, "a message the server did not describe is not invented")
    }

    @Test("addLabel: SELECT of the folder the message is in, its UIDVALIDITY checked, then UID STORE +X-GM-LABELS.SILENT")
    func addLabel() async throws {
        let (server, session) = try await session()
        async let labelled = session.addLabel(of: "Kunden/Ärger", to: [.uid(9), .uid(10)], in: "INBOX", uidValidity: 77)
        try await answer(server, "LIST", lines: Self.listing + ["TAG OK Success"])
        try await answer(server, "SELECT \"INBOX\"", "* 2 EXISTS", "* OK [UIDVALIDITY 77] ok", "TAG OK [READ-WRITE] Success")
        try await answer(server, "UID STORE 9:10 +X-GM-LABELS.SILENT (\"Kunden/&AMQ-rger\")", "TAG OK Success")
        #expect(try await labelled)

        async let inbox = session.addLabel(of: "INBOX", to: [.uid(4)], in: "[Gmail]/Sent Mail", uidValidity: 5)
        try await answer(server, "SELECT \"[Gmail]/Sent Mail\"", "* 1 EXISTS", "* OK [UIDVALIDITY 5] ok", "TAG OK [READ-WRITE] Success")
        try await answer(server, "UID STORE 4 +X-GM-LABELS.SILENT (\\Inbox)", "TAG OK Success")
        #expect(try await inbox)

        async let renumbered = session.addLabel(of: "Kunden/Ärger", to: [.uid(9)], in: "INBOX", uidValidity: 76)
        try await answer(server, "SELECT \"INBOX\"", "* 2 EXISTS", "* OK [UIDVALIDITY 77] ok", "TAG OK [READ-WRITE] Success")
        #expect(try await renumbered == false, "a folder renumbered since: its UIDs would name other messages, nothing is stored")

        #expect(try await session.addLabel(of: "[Gmail]/Trash", to: [.uid(9)], in: "INBOX", uidValidity: 77) == false,
                "Trash is no label: nothing is sent")
        #expect(try await session.addLabel(of: "INBOX", to: [.uid(3)], in: "[Gmail]/Trash", uidValidity: 5) == false,
                "a copy in Trash is not labelled into INBOX (on Gmail that would take it out of Trash): nothing is sent")
    }
}
