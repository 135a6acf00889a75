import IMAPTestSupport
import MailMigSpool
import NIOCore
import Testing
@testable import MailMigIMAP

@Suite("Message bodies larger than the spool threshold")
struct SpooledLiteralTests {
    static func sample(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) } }

    @Test("a FETCH literal over the threshold goes to a spool file as it arrives; the buffer keeps none of it")
    func literalIsSpooledAsItArrives() throws {
        let counter = ByteCounter()
        var framer = ResponseFramer(counter: counter, spoolThreshold: 1_000)
        let body = Self.sample(3_000_000)
        var buffer = ByteBuffer(string: "* 1 FETCH (UID 3 BODY[] {3000000}\r\n")
        #expect(try framer.nextFrame(&buffer) == nil)
        for piece in 0..<29 {
            buffer.writeBytes(body[(piece * 100_000)..<((piece + 1) * 100_000)])
            #expect(try framer.nextFrame(&buffer) == nil)
            #expect(buffer.readableBytes == 0, "nothing of the literal is kept in memory")
        }
        buffer.writeBytes(body[2_900_000...])
        buffer.writeString(" FLAGS (\\Seen))\r\n")
        let frame = try #require(try framer.nextFrame(&buffer))
        #expect(frame.bytes.readableBytes < 100)
        let fetch = try #require(fetchData(ResponseParser.parse(frame)))
        #expect(fetch.uid == 3 && fetch.flags == ["\\Seen"])
        #expect(fetch.body == nil, "not held in memory")
        let content = try #require(fetch.bodyContent)
        #expect(content.spoolFile != nil && content.count == body.count)
        #expect(try content.bytes() == body)
        #expect(counter.literalBytes == 3_000_000, "spooled bytes count as progress")
        // Only a FETCH response carries a message body: a longer literal elsewhere is kept.
        buffer.writeString("* LIST () \"/\" {1006}\r\n" + String(repeating: "F", count: 1_006) + "\r\n")
        let list = try #require(try framer.nextFrame(&buffer))
        guard case .untagged(.list(let entry)) = ResponseParser.parse(list) else {
            Issue.record("not a LIST response")
            return
        }
        #expect(entry.rawName.count == 1_006)
    }

    @Test("spooled and kept literals in one response, cut at every size, read back exactly")
    func mixedLiteralsWhateverTheChunking() throws {
        let big = Self.sample(50)
        var bytes = Array("* 4 FETCH (UID 9 BODY[HEADER] {5}\r\nab\r\nc BODY[] {50}\r\n".utf8) + big
        bytes += Array(" BINARY[] ~{51}\r\n".utf8) + [0] + big + Array(" FLAGS ())\r\n".utf8)
        bytes += Array("A1 OK done\r\n".utf8)
        for chunk in [1, 2, 3, 7, 49, 1000] {
            var framer = ResponseFramer(spoolThreshold: 10)
            var buffer = ByteBuffer()
            var frames: [ResponseFrame] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                buffer.writeBytes(bytes[offset..<end])
                offset = end
                while let frame = try framer.nextFrame(&buffer) { frames.append(frame) }
            }
            #expect(frames.count == 2, "chunk size \(chunk)")
            let fetch = try #require(fetchData(ResponseParser.parse(frames[0])))
            #expect(fetch.sections["HEADER"] == Array("ab\r\nc".utf8))
            #expect(fetch.spooledSections.keys.sorted() == ["", "BINARY:"])
            #expect(try fetch.content(of: "")?.bytes() == big)
            #expect(try fetch.content(of: "BINARY:")?.bytes() == [0] + big)
            #expect(fetch.flags == [])
        }
    }

    @Test("a spooled message goes out again as an APPEND literal, byte for byte, in slices")
    func spooledMessageIsAppendedExactly() async throws {
        let server = try await ScriptedServer.start(spoolThreshold: 1_000)
        try await server.login(capabilities: "IMAP4rev1 LITERAL+ UIDPLUS")
        try await server.selectInbox(tag: "M2")
        let body = Self.sample(700_000)
        let stream = try await server.client.fetch(.range(1, 1), body: true)
        _ = try await server.received()
        try await server.send(bytes: Array("* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 700000 BODY[] {700000}\r\n".utf8))
        try await server.send(bytes: body)
        try await server.send(")", "M3 OK done")
        var fetched: [FetchedMessage] = []
        for try await message in stream { fetched.append(message) }
        let message = try #require(fetched.first)
        #expect(message.body == nil && message.spooledBody?.count == 700_000)
        let content = try #require(message.content)
        async let result = server.client.append(AppendMessage(content: content, containsNUL: false), to: "INBOX")
        let prefix = Array("M4 APPEND \"INBOX\" {700000+}\r\n".utf8)
        var sent: [UInt8] = []
        while sent.count < prefix.count + body.count + 2 {
            sent += try await server.receivedBytes()
        }
        #expect(Array(sent.prefix(prefix.count)) == prefix)
        #expect(Array(sent[prefix.count..<(prefix.count + body.count)]) == body)
        #expect(Array(sent.suffix(2)) == [0x0D, 0x0A])
        try await server.send("M4 OK [APPENDUID 5 1] done")
        #expect(try await result == AppendResult(uidValidity: 5, uid: 1))
    }

    @Test("a spooled BODY[] with 0x80 where BINARY[] has NUL is taken from BINARY[]; any other difference keeps BODY[]")
    func exactBodyComparesSpooledSections() throws {
        var body = Self.sample(MessageBytes.chunkSize + 100)
        for index in body.indices where body[index] == 0 || body[index] == 0x80 { body[index] = 1 }
        var withNul = body
        withNul[MessageBytes.chunkSize + 3] = 0
        var shown = body
        shown[MessageBytes.chunkSize + 3] = 0x80
        func response(_ bodySection: [UInt8], _ binary: [UInt8]) throws -> FetchResponse {
            var response = FetchResponse(sequenceNumber: 1)
            for (key, bytes) in ["": bodySection, "BINARY:": binary] {
                let file = try SpoolFile()
                try file.append(bytes)
                response.spooledSections[key] = file
            }
            return response
        }
        #expect(try FetchStream.exactBody(response(shown, withNul))?.bytes() == withNul)
        var decoded = withNul
        decoded[5] ^= 0x40
        #expect(try FetchStream.exactBody(response(shown, decoded))?.bytes() == shown)
    }
}

extension SpooledLiteralTests {
    @Test("only message sections are spooled: another large literal in a FETCH stays bound by the response limit")
    func otherLiteralsAreNotSpooled() throws {
        var framer = ResponseFramer(maximumResponseSize: 64 * 1024, spoolThreshold: 1_000)
        var buffer = ByteBuffer(string: "* 1 FETCH (UID 3 X-EXTRA {100000000}\r\n")
        #expect(throws: IMAPFramingError.self) { _ = try framer.nextFrame(&buffer) }
        for line in ["* 1 FETCH (BODY[] {5000}", "* 1 FETCH (UID 1 BODY[1.MIME]<0> ~{5000}", "* 1 FETCH (RFC822 {5000+}", "* 2 FETCH (binary[] {5000}"] {
            let view = ByteBuffer(string: line + "\r\n").readableBytesView
            #expect(ResponseFramer.announcesMessageSection(view, lineStartOffset: 0, newlineOffset: line.utf8.count + 1), "\(line)")
        }
        for line in ["* 1 FETCH (X-EXTRA {5000}", "* 1 FETCH (ENVELOPE (\"x\" {5000}", "{5000}", "* 1 FETCH (RFC822.SIZE {5000}"] {
            let view = ByteBuffer(string: line + "\r\n").readableBytesView
            #expect(!ResponseFramer.announcesMessageSection(view, lineStartOffset: 0, newlineOffset: line.utf8.count + 1), "\(line)")
        }
    }
}
