import MailMigCore
import Testing
@testable import MailMigPOP3Store

/// Metadata, Message-IDs and bytes: what the engine reads from the maildrop.
@Suite("POP3 store: reading messages")
struct StoreReadingTests {
    static func read<T: Sendable>(_ server: ScriptedPOP3Server, _ body: @Sendable (any MailStoreSession) async throws -> T) async throws -> T {
        try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            return try await body(session)
        }
    }

    static func all(_ stream: MessageStream) async throws -> [StoredMessage] {
        var messages: [StoredMessage] = []
        for try await message in stream { messages.append(message) }
        return messages
    }

    @Test("RETR's bytes arrive exactly: lines of dots, 8-bit bytes, NUL, a bare LF; in message-number order")
    func exactBytes() async throws {
        let tricky: [UInt8] = Array("Subject: dots\r\nMessage-ID: <d@acme.test>\r\n\r\n.\r\n..\r\n.leading dot\r\nbare\nLF\r\n".utf8)
            + [0xC3, 0xA9, 0xFF, 0x00, 0x0D, 0x0A] + Array("end\r\n".utf8)
        var script = ScriptedPOP3Server.Script()
        script.messages = [.init(bytes: tricky, id: "b-second"), .init(StoreFixture.sample(1), id: "a-first")]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let messages = try await Self.read(server) { try await Self.all(try await $0.messages([.name("a-first"), .name("b-second")])) }
        #expect(messages.map(\.uid) == [.name("b-second"), .name("a-first")])
        #expect(messages.first?.body.loaded == tricky)
        #expect(messages.last?.body.loaded == Array(StoreFixture.sample(1).utf8))
        #expect(messages.allSatisfy { $0.flags.isEmpty && $0.omittedSize == nil })
    }

    @Test("a message stored without a final line end arrives with the CRLF the server adds to end it")
    func finalLineEnd() async throws {
        var script = ScriptedPOP3Server.Script()
        script.messages = [.init("Subject: x\r\n\r\nno final line end", id: "u1")]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let messages = try await Self.read(server) { try await Self.all(try await $0.messages([.name("u1")])) }
        #expect(messages.map(\.body.loaded) == [Array("Subject: x\r\n\r\nno final line end\r\n".utf8)])
    }

    @Test("metadata: LIST's size, the date by the rule (Received, Date, the pass time), no flags; TOP once per message")
    func metadata() async throws {
        var script = ScriptedPOP3Server.Script()
        script.messages = [
            .init(StoreFixture.sample(1, day: 3), id: "received"),
            .init(StoreFixture.message(["Date: Fri, 5 Jul 2024 09:30:00 +0200", "Message-ID: <d@acme.test>"]), id: "dated", listedSize: 500),
            .init(StoreFixture.message(["Subject: no date at all"]), id: "undated"),
            .init(StoreFixture.message(["Subject: none either"]), id: "undated-too"),
        ]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let (metadata, again, ids, stream) = try await Self.read(server) { session in
            (try await session.metadata(.all), try await session.metadata(.uids([.name("undated"), .name("nope")])),
             try await session.messageIDs(.all), try await Self.all(try await session.messages([.name("undated")])))
        }
        #expect(metadata.map(\.uid) == [.name("received"), .name("dated"), .name("undated"), .name("undated-too")])
        #expect(metadata.map(\.size) == [StoreFixture.sample(1, day: 3).utf8.count, 500, script.messages[2].bytes.count, script.messages[3].bytes.count])
        #expect(metadata[0].internalDate?.text == "03-Jul-2024 10:00:01 +0200")
        #expect(metadata[1].internalDate?.text == "05-Jul-2024 09:30:00 +0200")
        // Without a date in the header: the time the session began, the same for every such message and every call.
        let passTime = try #require(metadata[2].internalDate)
        #expect(passTime.text.hasSuffix(" +0000") && passTime.instant != nil)
        #expect(metadata[3].internalDate == passTime && again.first?.internalDate == passTime && stream.first?.internalDate == passTime)
        #expect(again.map(\.uid) == [.name("undated")])
        #expect(metadata.allSatisfy { $0.flags.isEmpty })
        let expected: [MessageKey: String?] = [.name("received"): "<m1@acme.test>", .name("dated"): "<d@acme.test>",
                                               .name("undated"): nil, .name("undated-too"): nil]
        #expect(ids == expected)
        #expect(server.commands.filter { $0 == "TOP" }.count == 4, "TOP n 0 once per message, whatever is asked after")
        #expect(server.record.lines.contains("TOP 1 0"))
    }

    @Test("a date search reads the date rule's day as written, before the day asked for")
    func before() async throws {
        var script = ScriptedPOP3Server.Script()
        script.messages = [.init(StoreFixture.sample(1, day: 1), id: "jul1"), .init(StoreFixture.sample(2, day: 2), id: "jul2"),
                           .init(StoreFixture.message(["Subject: undated"]), id: "undated")]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let found = try await Self.read(server) { try await $0.messageUIDs(.before(CalendarDay(year: 2024, month: 7, day: 2))) }
        #expect(found == [.name("jul1")])
    }

    @Test("maxBodySize: a message LIST shows larger is not retrieved; one RETR shows larger arrives without its body")
    func omitted() async throws {
        var script = ScriptedPOP3Server.Script()
        let big = StoreFixture.message(["Subject: big", "Date: 5 Jul 2024 09:30 +0200"], body: String(repeating: "x", count: 400))
        script.messages = [.init(big, id: "listed-big"), .init(big, id: "claims-small", listedSize: 10), .init("Subject: s\r\n\r\nok\r\n", id: "small")]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let messages = try await Self.read(server) { session in
            try await Self.all(try await session.messages([.name("listed-big"), .name("claims-small"), .name("small")], maxBodySize: 100))
        }
        #expect(messages.map(\.uid) == [.name("listed-big"), .name("claims-small"), .name("small")])
        #expect(messages.map(\.omittedSize) == [big.utf8.count, big.utf8.count, nil])
        #expect(messages[0].body.isEmpty && messages[1].body.isEmpty && messages[2].body.loaded == Array("Subject: s\r\n\r\nok\r\n".utf8))
        #expect(messages[0].internalDate?.text == "05-Jul-2024 09:30:00 +0200")
        #expect(!server.record.lines.contains("RETR 1"), "a message LIST shows over the limit is never retrieved")
        #expect(server.record.lines.contains("RETR 2"))
    }

    @Test("without TOP the header is read by RETR; a message the server refuses is left out and the session goes on")
    func withoutTOP() async throws {
        var script = ScriptedPOP3Server.Script()
        script.capabilities = nil
        script.refusesTOP = true
        script.refusedNumbers = [2]
        script.messages = [.init(StoreFixture.sample(1), id: "one"), .init(StoreFixture.sample(2), id: "refused"), .init(StoreFixture.sample(3), id: "three")]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let (metadata, messages) = try await Self.read(server) { session in
            (try await session.metadata(.all), try await Self.all(try await session.messages(try await session.messageUIDs(.all))))
        }
        #expect(metadata.map(\.uid) == [.name("one"), .name("three")])
        #expect(metadata.first?.internalDate?.text == "01-Jul-2024 10:00:01 +0200")
        #expect(messages.map(\.uid) == [.name("one"), .name("three")])
        #expect(server.commands.filter { $0 == "TOP" }.count == 1, "a server that said nothing of TOP is asked once")
    }

    @Test("changes since a mod-sequence are refused: a maildrop tracks none")
    func noChanges() async throws {
        let server = try await ScriptedPOP3Server.start(ScriptedPOP3Server.Script())
        defer { Task { await server.stop() } }
        let error = await #expect(throws: MailError.self) {
            try await Self.read(server) { try await $0.metadata(.all, changedSince: 5) }
        }
        #expect(error?.kind == .failed)
    }
}
