import Foundation
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

/// Names the server gave go back as the server's own bytes, never decoded and encoded again.
@Suite("Mailbox names sent back as LIST gave them")
struct MailboxNameTests {
    /// `Caf&AOk` is not valid modified UTF-7 (the base64 run has no closing `-`): kept as text, it
    /// would be encoded as `Caf&-AOk`, which names another mailbox.
    static let invalid = "Caf&AOk"

    @Test func statusOfAListedNameThatIsNotModifiedUTF7SendsItsBytes() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        async let mailboxes = server.client.list(status: true)
        #expect(try await server.received() == "M2 LIST \"\" \"*\"\r\n")
        try await server.send("* LIST () \"/\" \(Self.invalid)", "* LIST () \"/\" \"Entw&APw-rfe\"", "M2 OK done")
        #expect(try await server.received() == "M3 STATUS \"\(Self.invalid)\" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)\r\n")
        #expect(try await server.received() == "M4 STATUS \"Entw&APw-rfe\" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)\r\n")
        try await server.send("* STATUS \(Self.invalid) (MESSAGES 2)", "* STATUS \"Entw&APw-rfe\" (MESSAGES 5)", "M3 OK done", "M4 OK done")
        let list = try await mailboxes
        #expect(list.map { $0.status?.messages } == [2, 5])
        #expect(list.map(\.isNameDecoded) == [false, true])
        #expect(list.map(\.name) == [Self.invalid, "Entwürfe"])
    }

    @Test func selectAndAppendOfAListedNameSendItsBytesAndTextIsEncoded() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LITERAL+")
        let listed = MailboxInfo(name: Self.invalid, rawName: Self.invalid, delimiter: "/", attributes: [], isNameDecoded: false)
        async let selected = server.client.examine(listed.mailboxName)
        #expect(try await server.received() == "M2 EXAMINE \"\(Self.invalid)\"\r\n")
        try await server.send("* OK [UIDVALIDITY 7] ok", "M2 OK [READ-ONLY] done")
        #expect(try await selected.uidValidity == 7)

        async let appended = server.client.append(AppendMessage(bytes: Array("one".utf8)), to: listed.mailboxName)
        #expect(try await server.received() == "M3 APPEND \"\(Self.invalid)\" {3+}\r\none\r\n")
        try await server.send("M3 OK done")
        _ = try await appended

        // The same text given as a name of one's own is a name to encode: `&` becomes `&-`.
        async let created: Void = server.client.create(Self.invalid)
        #expect(try await server.received() == "M4 CREATE \"Caf&-AOk\"\r\n")
        try await server.send("M4 OK done")
        try await created
    }
}
