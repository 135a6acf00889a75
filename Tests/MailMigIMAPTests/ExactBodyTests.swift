import NIOCore
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

@Suite("Exact message bytes when a server masks NUL in BODY[]")
struct ExactBodyTests {
    static func response(body: [UInt8]?, binary: [UInt8]?) -> FetchResponse {
        var response = FetchResponse(sequenceNumber: 1)
        response.uid = 1
        if let body { response.sections[""] = body }
        if let binary { response.sections["BINARY:"] = binary }
        return response
    }

    @Test func binaryWinsOnlyWhenItDiffersByNulInPlaceOf0x80() throws {
        let masked: [UInt8] = [0x41, 0x80, 0x42, 0x80]
        let real: [UInt8] = [0x41, 0x00, 0x42, 0x80]
        #expect(try FetchStream.exactBody(Self.response(body: masked, binary: real))?.bytes() == real)
        // Same bytes: genuine 0x80 (UTF-8 text), BODY[] is right.
        #expect(try FetchStream.exactBody(Self.response(body: masked, binary: masked))?.bytes() == masked)
        // BINARY[] undid a transfer encoding: lengths differ, BODY[] is right.
        #expect(try FetchStream.exactBody(Self.response(body: masked, binary: [0x41]))?.bytes() == masked)
        // Any other difference: BODY[] is right.
        #expect(try FetchStream.exactBody(Self.response(body: masked, binary: [0x41, 0x80, 0x43, 0x80]))?.bytes() == masked)
    }

    @Test func suspectMessagesAreFetchedAgainWithBinary() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LITERAL+ BINARY")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 2))
        #expect(try await server.received() == "M3 UID FETCH 1:2 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])\r\n")
        let date = "INTERNALDATE \"01-Feb-2020 10:00:00 +0100\""
        try await server.send(bytes: Array("* 1 FETCH (UID 1 FLAGS () \(date) RFC822.SIZE 3 BODY[] {3}\r\nA".utf8) + [0x80] + Array("B)\r\n".utf8))
        try await server.send("* 2 FETCH (UID 2 FLAGS () \(date) RFC822.SIZE 2 BODY[] {2}\r\nok)", "M3 OK done")
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next()?.uid == 2)
        async let next = iterator.next()
        #expect(try await server.received() == "M4 UID FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[] BINARY.PEEK[])\r\n")
        try await server.send(bytes: Array("* 1 FETCH (UID 1 FLAGS () \(date) RFC822.SIZE 3 BODY[] {3}\r\nA".utf8) + [0x80]
            + Array("B BINARY[] ~{3}\r\nA".utf8) + [0x00] + Array("B)\r\n".utf8))
        try await server.send("M4 OK done")
        let message = try await next
        #expect(message?.uid == 1)
        #expect(message?.body == [0x41, 0x00, 0x42])
    }
}

@Suite("FETCH results split over several responses")
struct SplitFetchTests {
    @Test func itemsOfOneMessageAreAssembled() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LITERAL+")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(5, 6))
        _ = try await server.received()
        try await server.send(
            "* 1 FETCH (UID 5 FLAGS (\\Draft))",                       // an older flag update first
            "* 1 FETCH (UID 5 FLAGS (\\Seen) RFC822.SIZE 2)",
            "* 1 FETCH (UID 5 INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" BODY[] {2}\r\nhi)",
            "* 2 FETCH (UID 6 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 0 BODY[] \"\")",
            "* 2 FETCH (UID 6 FLAGS (\\Deleted))",                     // update after delivery: not a result
            "* 3 FETCH (UID 7 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 0 BODY[] \"\")",
            "M3 OK done")
        var messages: [FetchedMessage] = []
        for try await message in stream { messages.append(message) }
        #expect(messages.map(\.uid) == [5, 6])
        #expect(messages[0].flags == ["\\Seen"])
        #expect(messages[0].size == 2 && messages[0].body == Array("hi".utf8))
        #expect(messages[1].flags.isEmpty)
    }
}
