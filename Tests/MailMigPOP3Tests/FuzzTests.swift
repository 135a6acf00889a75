import FuzzSupport
import NIOCore
import NIOEmbedded
import Testing
@testable import MailMigPOP3

/// Random and mutated server answers never crash the reader or make it hang.
@Suite("POP3 fuzz")
struct FuzzTests {
    static let seeds: [[UInt8]] = [
        "+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n",
        "+OK\r\n1 0000000100000001\r\n2 whqtswO00WBw418f9t5JxYwZ\r\n.\r\n",
        "+OK 120 octets\r\nSubject: x\r\n\r\n..dot\r\nbare\nLF\r\n.\r\n",
        "-ERR [SYS/TEMP] later\r\n",
        "+OK\r\nTOP\r\nSASL PLAIN\r\nEXPIRE 0\r\nLOGIN-DELAY 99999999999999999999\r\n.\r\n",
    ].map { Array($0.utf8) }

    /// Everything the client does with an answer, through the real framer: segments, status line,
    /// multi-line data, then LIST, UIDL and CAPA parsing. True when it was accepted.
    static func read(_ input: [UInt8]) throws -> Bool {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFramer(maximumLineLength: 512)))
        defer { _ = try? channel.finish() }
        try channel.writeInbound(ByteBuffer(bytes: input))
        var reader: MultiLineReader?
        var complete = false
        while let segment = try channel.readInbound(as: POP3Segment.self) {
            let bytes = segment.bytes.readableBytesView
            guard var current = reader else {
                guard segment.endsLine, case .ok? = StatusLine.parse(bytes) else { return false }
                reader = MultiLineReader(limit: 4096)
                continue
            }
            guard !complete else { break }
            do { complete = try current.add(bytes, endsLine: segment.endsLine) } catch { return false }
            reader = current
        }
        guard complete, let data = reader?.bytes else { return false }
        _ = POP3Capabilities(lines: ListingParser.lines(data)).expiry
        let sizes = try? ListingParser.sizes(data)
        let ids = try? ListingParser.uniqueIDs(data)
        return sizes != nil || ids != nil
    }

    @Test("mutated answers through framer, status line, unstuffing and listing parsers")
    func mutated() {
        var driver = FuzzDriver(name: "pop3", seeds: Self.seeds, alphabet: Array("+-.OKER[]/ \r\n0123456789".utf8))
        driver.run { input in (try? Self.read(input)) ?? false }
        #expect(driver.executions >= 256)
    }

    @Test("a client fed random bytes always finishes, with a listing or a POP3Error, within its deadline")
    func randomAnswers() async throws {
        var generator = FuzzDriver.Generator(state: FuzzDriver.seed)
        let started = ContinuousClock.now
        for round in 0..<12 {
            let server = try await ScriptedPOP3Server.start(commandTimeout: 0.2, maximumLineLength: 512, maximumListingSize: 4096)
            var input = (0..<Int.random(in: 0..<700, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 { input = Array("+OK\r\n".utf8) + input + Array("\r\n.\r\n".utf8) }
            async let listing = server.client.listing()
            _ = try await server.received()
            try await server.send(bytes: input)
            do {
                _ = try await listing
            } catch is POP3Error {
                // Refusing garbage is the point.
            }
            await server.client.close()
        }
        // Each round is bounded by its deadline; the total is generous for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(120))
    }
}
