import NIOCore
import Testing
@testable import MailMigIMAP

@Suite("Response framer")
struct ResponseFramerTests {
    @Test func splitsLinesAndLiteralsWhateverTheChunking() throws {
        var bytes = Array("* 1 FETCH (UID 7 BODY[] {13}\r\nline1\r\nline2\r UID 7)\r\n* 2 EXISTS\r\nA1 OK done\r\n".utf8)
        bytes += Array("* 3 FETCH (BODY[] ~{3}\r\n".utf8) + [0, 1, 2] + Array(")\r\n".utf8)
        for chunk in [1, 2, 3, 5, 13, 1000] {
            let responses = try frameAll(bytes, chunkSize: chunk)
            #expect(responses.count == 4, "chunk size \(chunk)")
            #expect(fetchData(responses[0])?.body == Array("line1\r\nline2\r".utf8))
            #expect(untagged(responses[1]) == .exists(2))
            #expect(fetchData(responses[3])?.body == [0, 1, 2])
        }
    }

    @Test func literalWithBracesInsideIsNotRescanned() throws {
        // The literal's own content ends with "{5}" on a line: it must not be taken as a second literal.
        let bytes = Array("* 1 FETCH (BODY[] {9}\r\nabc {5}\r\n UID 1)\r\n".utf8)
        let responses = try frameAll(bytes, chunkSize: 4)
        #expect(responses.count == 1)
        #expect(fetchData(responses[0])?.body == Array("abc {5}\r\n".utf8))
        #expect(fetchData(responses[0])?.uid == 1)
    }

    @Test func refusesOversizedLiteral() {
        let bytes = Array("* 1 FETCH (BODY[] {5000}\r\n".utf8)
        #expect(throws: IMAPFramingError.self) { try frameAll(bytes, limit: 4096) }
        let absurd = Array("* 1 FETCH (BODY[] {99999999999999999999999}\r\n".utf8)
        #expect(throws: IMAPFramingError.self) { try frameAll(absurd) }
    }

    @Test func refusesEndlessLine() {
        var framer = ResponseFramer(maximumLineLength: 100)
        var buffer = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 500))
        #expect(throws: IMAPFramingError.self) { _ = try framer.nextFrame(&buffer) }
    }

    @Test func waitsForIncompleteLiteral() throws {
        var framer = ResponseFramer()
        var buffer = ByteBuffer(string: "* 1 FETCH (BODY[] {10}\r\n12345")
        #expect(try framer.nextFrame(&buffer) == nil)
        buffer.writeString("67890)\r\n")
        let frame = try #require(try framer.nextFrame(&buffer))
        #expect(fetchData(ResponseParser.parse(frame))?.body == Array("1234567890".utf8))
        #expect(buffer.readableBytes == 0)
    }
}
