import NIOCore
import Testing
@testable import MailMigPOP3

/// STAT, LIST and UIDL (RFC 1939 §5, §7).
@Suite("POP3 listing")
struct ListingTests {
    @Test("STAT gives the count and the total size")
    func statistics() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let stat = server.client.statistics()
        #expect(try await server.received() == "STAT\r\n")
        try await server.send("+OK 2 320")
        #expect(try await stat == POP3Statistics(count: 2, size: 320))
    }

    @Test("listing merges LIST's sizes with UIDL's unique-ids by message number")
    func listing() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let all = server.client.listing()
        #expect(try await server.received() == "LIST\r\n")
        try await server.send("+OK 3 messages:", "1 120", "2 200 extra", "3 5", ".")
        #expect(try await server.received() == "UIDL\r\n")
        try await server.send("+OK", "1 0000000100000001", "3 00000003000000aa", "2 whqtswO00WBw418f9t5JxYwZ", ".")
        #expect(try await all == [
            POP3MessageInfo(number: 1, size: 120, uniqueID: "0000000100000001"),
            POP3MessageInfo(number: 2, size: 200, uniqueID: "whqtswO00WBw418f9t5JxYwZ"),
            POP3MessageInfo(number: 3, size: 5, uniqueID: "00000003000000aa"),
        ])
    }

    @Test("an empty maildrop lists nothing")
    func empty() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let list = server.client.list()
        _ = try await server.received()
        try await server.send("+OK 0 messages:", ".")
        #expect(try await list.isEmpty)
    }

    @Test("a LIST line that is not a number and a size is a protocol violation naming LIST")
    func malformed() async throws {
        let server = try await ScriptedPOP3Server.start()
        let list = Task { try await server.client.list() }
        _ = try await server.received()
        try await server.send("+OK", "1 twelve", ".")
        let error = try await #require(throws: POP3Error.self) { try await list.value }
        #expect(error.description == "POP3 server scripted answered LIST in a way this client cannot accept: not a number and a size: 1 twelve")
    }

    @Test("a unique-id with a character outside 0x21–0x7E is refused")
    func badUniqueID() {
        #expect(throws: ListingParser.Malformed.self) { try ListingParser.uniqueIDs(Array("1 caf\u{e9}\r\n".utf8)) }
        #expect(throws: ListingParser.Malformed.self) { try ListingParser.uniqueIDs(Array("1 \(String(repeating: "a", count: 71))\r\n".utf8)) }
    }
}
