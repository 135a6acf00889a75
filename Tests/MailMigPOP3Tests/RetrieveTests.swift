import NIOCore
import Testing
@testable import MailMigPOP3

/// RETR and TOP return the message byte for byte: dot-unstuffed, line ends as sent (RFC 1939 §3).
@Suite("POP3 retrieve")
struct RetrieveTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("lines starting with a dot lose the stuffed dot; a bare LF and a lone CR are kept as sent")
    func dotUnstuffing() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let message = server.client.retrieve(1, maximumSize: 1000)
        #expect(try await server.received() == "RETR 1\r\n")
        try await server.send(bytes: Self.bytes(
            "+OK 120 octets\r\nSubject: dots\r\n\r\n..\r\n...leading\r\n.x\r\nbare\nLF\n.kept\r\nlone\rCR\r\n\r\n.\r\n"))
        #expect(try await message == Self.bytes("Subject: dots\r\n\r\n.\r\n..leading\r\nx\r\nbare\nLF\n.kept\r\nlone\rCR\r\n\r\n"))
    }

    @Test("the terminator is found when every byte arrives in a read of its own")
    func byteByByte() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let message = server.client.retrieve(2, maximumSize: 1000)
        _ = try await server.received()
        for byte in Self.bytes("+OK\r\nA: b\r\n\r\n..\r\nbody\r\n.\r\n") { try await server.send(bytes: [byte]) }
        #expect(try await message == Self.bytes("A: b\r\n\r\n.\r\nbody\r\n"))
    }

    @Test("a line longer than the line limit is data, read in slices; a dot inside it is not unstuffed")
    func longLine() async throws {
        let server = try await ScriptedPOP3Server.start(maximumLineLength: 512)
        let long = String(repeating: "x", count: 511) + "." + String(repeating: "y", count: 1200)
        async let message = server.client.retrieve(3, maximumSize: 10_000)
        _ = try await server.received()
        try await server.send(bytes: Self.bytes("+OK\r\n\(long)\r\n..z\r\n.\r\n"))
        #expect(try await message == Self.bytes("\(long)\r\n.z\r\n"))
    }

    @Test("an empty message is empty")
    func empty() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let message = server.client.retrieve(4, maximumSize: 10)
        _ = try await server.received()
        try await server.send("+OK 0 octets", ".")
        #expect(try await message == [])
    }

    @Test("TOP n 0 asks for the headers only")
    func headers() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let header = server.client.headers(5)
        #expect(try await server.received() == "TOP 5 0\r\n")
        try await server.send("+OK", "Subject: x", "", ".")
        #expect(try await header == Self.bytes("Subject: x\r\n\r\n"))
    }

    @Test("RETR of a message that is gone is -ERR, permanent, and the session goes on")
    func noSuchMessage() async throws {
        let server = try await ScriptedPOP3Server.start()
        let message = Task { try await server.client.retrieve(9, maximumSize: 10) }
        _ = try await server.received()
        try await server.send("-ERR There's no message 9.")
        let error = try await #require(throws: POP3Error.self) { try await message.value }
        #expect(error.kind == .permanent)
        async let noop: Void = server.client.noop()
        #expect(try await server.received() == "NOOP\r\n")
        try await server.send("+OK")
        try await noop
    }

    @Test("a CR and its LF split between two slices still end the line")
    func crLFAcrossSegments() throws {
        var reader = MultiLineReader(limit: 100)
        #expect(try reader.add(Self.bytes("abc\r"), endsLine: false) == false)
        #expect(try reader.add(Self.bytes("\n"), endsLine: true) == false)
        #expect(try reader.add(Self.bytes("..d\r\n"), endsLine: true) == false)
        #expect(try reader.add(Self.bytes(".\r\n"), endsLine: true) == true)
        #expect(reader.bytes == Self.bytes("abc\r\n.d\r\n"))
    }

    @Test("after a bare LF the next line is not a line start: its dot is data, and .CRLF there does not end the answer")
    func bareLineFeedIsNotALineEnd() throws {
        var reader = MultiLineReader(limit: 100)
        #expect(try reader.add(Self.bytes("a\n"), endsLine: true) == false)
        #expect(try reader.add(Self.bytes(".\r\n"), endsLine: true) == false)
        #expect(try reader.add(Self.bytes(".\r\n"), endsLine: true) == true)
        #expect(reader.bytes == Self.bytes("a\n.\r\n"))
    }
}
