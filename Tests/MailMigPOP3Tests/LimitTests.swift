import NIOCore
import Testing
@testable import MailMigPOP3

/// Bounded memory: a status line and a multi-line answer each have a cap, and exceeding it is an
/// error, never growth.
@Suite("POP3 limits")
struct LimitTests {
    @Test("RETR larger than the caller's cap fails with responseTooLarge and closes the connection")
    func retrieveOverCap() async throws {
        let server = try await ScriptedPOP3Server.start()
        let message = Task { try await server.client.retrieve(1, maximumSize: 100) }
        _ = try await server.received()
        try await server.send(bytes: Array("+OK\r\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 60) + [13, 10]
            + Array(repeating: UInt8(ascii: "b"), count: 60) + [13, 10])
        let error = try await #require(throws: POP3Error.self) { try await message.value }
        guard case .responseTooLarge(_, "RETR", 100) = error else { Issue.record("\(error)"); return }
        #expect(error.kind == .permanent)
        // The rest of that answer may still be coming: the session is over.
        await #expect(throws: POP3Error.self) { try await server.client.noop() }
    }

    @Test("a status line longer than the line limit fails with lineTooLong")
    func statusLineTooLong() async throws {
        let server = try await ScriptedPOP3Server.start(maximumLineLength: 512)
        let stat = Task { try await server.client.statistics() }
        _ = try await server.received()
        try await server.send(bytes: Array("+OK ".utf8) + Array(repeating: UInt8(ascii: "9"), count: 600))
        let error = try await #require(throws: POP3Error.self) { try await stat.value }
        guard case .lineTooLong(_, "STAT", 512) = error else { Issue.record("\(error)"); return }
    }

    @Test("a UIDL answer larger than the listing cap fails with responseTooLarge")
    func listingOverCap() async throws {
        let server = try await ScriptedPOP3Server.start(maximumListingSize: 1000)
        let ids = Task { try await server.client.uniqueIDs() }
        _ = try await server.received()
        try await server.send("+OK")
        for number in 1...100 { try await server.send("\(number) 0000000\(number)00000001") }
        let error = try await #require(throws: POP3Error.self) { try await ids.value }
        guard case .responseTooLarge(_, "UIDL", 1000) = error else { Issue.record("\(error)"); return }
    }
}
