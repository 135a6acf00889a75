import NIOCore
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

/// One response may not grow without bound, and a body larger than the caller allows is never buffered.
@Suite("Response size limits")
struct ResponseSizeTests {
    @Test("chained literals that would exceed the response cap are refused at the announcement, before their bytes are buffered")
    func chainedLiteralsAreRefused() throws {
        var framer = ResponseFramer(maximumResponseSize: 10_000)
        var buffer = ByteBuffer(string: "* 1 FETCH (BODY[] {100}\r\n" + String(repeating: "a", count: 100) + " X-EXTRA {100000000}\r\n")
        #expect(throws: IMAPFramingError.responseTooLarge(limit: 10_000)) { _ = try framer.nextFrame(&buffer) }
    }

    @Test("a line with thousands of small literals is refused once the response reaches the cap")
    func manyLiteralsAreRefused() throws {
        var framer = ResponseFramer(maximumResponseSize: 10_000)
        var buffer = ByteBuffer(string: "* 1 FETCH (X-A (")
        do {
            for _ in 0..<1_000 {
                buffer.writeString("{50}\r\n" + String(repeating: "b", count: 50) + " ")
                _ = try framer.nextFrame(&buffer)
            }
            Issue.record("1,000 literals of 50 bytes were taken into one response")
        } catch {
            #expect(error as? IMAPFramingError == .responseTooLarge(limit: 10_000))
            #expect(buffer.readableBytes < 10_000 + 100, "refused at the cap, not after")
        }
    }

    @Test("an over-cap response fails the connection with one clear sentence")
    func overCapResponseFailsTheConnection() async throws {
        let server = try await ScriptedServer.start(maximumResponseSize: 64 * 1024)
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 9))
        _ = try await server.received()
        // The in-memory channel also hands the framer's error back to the writer; the client's view is what counts.
        try? await server.send(bytes: Array("* 1 FETCH (UID 3 BODY[] {100}\r\n".utf8) + [UInt8](repeating: 0x61, count: 100)
            + Array(" X-EXTRA {100000000}\r\n".utf8))
        do {
            for try await _ in stream {}
            Issue.record("the fetch completed")
        } catch let error as IMAPError {
            #expect(error.description == "IMAP server scripted sent an unexpected response: a response exceeded 65536 bytes (maximumResponseSize), so the connection was closed instead of buffering more")
        }
        await #expect(throws: IMAPError.self) { try await server.client.noop() }
    }

    @Test("a command's untagged answers are bounded like one response: endless LIST lines fail the connection")
    func endlessListFailsTheConnection() async throws {
        let server = try await ScriptedServer.start(maximumResponseSize: 64 * 1024)
        try await server.login(capabilities: "IMAP4rev1")
        async let listed = server.client.list()
        _ = try await server.received()
        for index in 0..<2_000 {
            try? await server.send("* LIST (\\HasNoChildren) \"/\" \"Folder number \(index) with a long name\"")
        }
        try? await server.send("M2 OK done")
        do {
            let folders = try await listed
            Issue.record("LIST returned \(folders.count) folders")
        } catch let error as IMAPError {
            #expect(error.description == "IMAP server scripted sent an unexpected response: the responses to LIST \"*\" exceeded 65536 bytes (maximumResponseSize), so the connection was closed instead of keeping more")
        }
    }

    @Test("FETCH items a server splits and never completes are held to the same bound")
    func incompleteFetchItemsAreBounded() async throws {
        let server = try await ScriptedServer.start(maximumResponseSize: 64 * 1024)
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 1_000))
        _ = try await server.received()
        // Bodies without FLAGS, INTERNALDATE and RFC822.SIZE: each waits for the rest of its message, which never comes.
        let body = String(repeating: "b", count: 1_000)
        for uid in 1...100 {
            try? await server.send(bytes: Array("* \(uid) FETCH (UID \(uid) BODY[] {1000}\r\n\(body))\r\n".utf8))
        }
        try? await server.send("M3 OK done")
        do {
            for try await message in stream { Issue.record("UID \(message.uid) was delivered incomplete") }
            Issue.record("the fetch completed holding 100 KB of incomplete items")
        } catch let error as IMAPError {
            #expect(error.description.contains("the responses to UID FETCH 1:1000 exceeded 65536 bytes"))
        }
    }

    @Test("a body literal larger than maxBodySize is dropped as it arrives and reported by its announced size; the rest of the stream arrives")
    func oversizedBodyIsOmitted() async throws {
        // The cap (raised to 1 MiB and a bit for this fetch) would end the connection if the 3 MB were buffered.
        let server = try await ScriptedServer.start(maximumResponseSize: 64 * 1024)
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 9), maxBodySize: 1_000)
        _ = try await server.received()
        // RFC822.SIZE says 200 bytes; the literal is 3 MB.
        try await server.send(bytes: Array("* 1 FETCH (UID 3 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 200 BODY[] {3000000}\r\n".utf8))
        for _ in 0..<30 { try await server.send(bytes: [UInt8](repeating: 0x61, count: 100_000)) }
        try await server.send(")",
                              "* 2 FETCH (UID 9 FLAGS (\\Seen) INTERNALDATE \"02-Feb-2020 10:00:00 +0100\" RFC822.SIZE 5 BODY[] {5}\r\nHello)",
                              "M3 OK done")
        var messages: [FetchedMessage] = []
        for try await message in stream { messages.append(message) }
        #expect(messages.map(\.uid) == [3, 9])
        #expect(messages[0].body == nil)
        #expect(messages[0].omittedBodySize == 3_000_000)
        #expect(messages[1].body == Array("Hello".utf8))
        #expect(messages[1].omittedBodySize == nil)
        // The connection is still in step.
        async let noop: Void = server.client.noop()
        #expect(try await server.received() == "M4 NOOP\r\n")
        try await server.send("M4 OK done")
        try await noop
    }

    @Test("the framer drops an omitted literal's bytes as they arrive instead of buffering them")
    func omittedLiteralIsNotBuffered() throws {
        let limit = BodyLiteralLimit()
        limit.current = 1_000
        let counter = ByteCounter()
        var framer = ResponseFramer(bodyLimit: limit, counter: counter)
        var buffer = ByteBuffer(string: "* 1 FETCH (UID 3 BODY[] {3000000}\r\n")
        #expect(try framer.nextFrame(&buffer) == nil)
        for _ in 0..<29 {
            buffer.writeBytes([UInt8](repeating: 0x61, count: 100_000))
            #expect(try framer.nextFrame(&buffer) == nil)
            #expect(buffer.readableBytes == 0, "nothing of the literal is kept")
        }
        buffer.writeBytes([UInt8](repeating: 0x61, count: 100_000))
        buffer.writeString(" FLAGS (\\Seen))\r\n")
        let frame = try #require(try framer.nextFrame(&buffer))
        let fetch = try #require(fetchData(ResponseParser.parse(frame)))
        #expect(fetch.uid == 3)
        #expect(fetch.flags == ["\\Seen"])
        #expect(fetch.body == nil)
        #expect(fetch.omittedBodySize == 3_000_000)
        #expect(counter.literalBytes == 3_000_000, "skipped bytes still count as progress")
        // Only a FETCH response carries a message body: a longer literal elsewhere is kept.
        buffer.writeString("* LIST () \"/\" {1006}\r\n" + String(repeating: "F", count: 1_006) + "\r\n")
        let list = try #require(try framer.nextFrame(&buffer))
        guard case .untagged(.list(let entry)) = ResponseParser.parse(list) else {
            Issue.record("not a LIST response")
            return
        }
        #expect(entry.rawName.count == 1_006)
    }
}
