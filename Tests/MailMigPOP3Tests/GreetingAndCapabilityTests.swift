import Testing
@testable import MailMigPOP3

/// The greeting's APOP timestamp and what CAPA announces (RFC 1939 §4, RFC 2449 §5–6).
@Suite("POP3 greeting and capabilities")
struct GreetingAndCapabilityTests {
    @Test("the greeting keeps the APOP timestamp, brackets included; a greeting without one offers no APOP")
    func greeting() async throws {
        let server = try await ScriptedPOP3Server.start()
        #expect(await server.client.greeting.apopTimestamp == "<1896.697170952@dbc.mtview.ca.us>")
        #expect(POP3Greeting(text: "Dovecot (Debian) ready.").apopTimestamp == nil)
        #expect(POP3Greeting(text: "ready <no-at-sign>").apopTimestamp == nil)
    }

    @Test("a greeting with -ERR is refused with the server's text")
    func refusedGreeting() async throws {
        await #expect(throws: POP3Error.self) {
            _ = try await ScriptedPOP3Server.start(greeting: "-ERR [SYS/TEMP] too many connections")
        }
        do {
            _ = try await ScriptedPOP3Server.start(greeting: "-ERR [SYS/TEMP] too many connections")
        } catch let error as POP3Error {
            #expect(error.kind == .transient)
            #expect(error.description == "POP3 server scripted refused greeting [SYS/TEMP]: too many connections")
        }
    }

    @Test("CAPA lists every RFC 2449 capability with its arguments")
    func capabilities() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let caps = server.client.refreshCapabilities()
        try await server.answerCAPA(["TOP", "uidl", "USER", "SASL PLAIN LOGIN xoauth2", "PIPELINING", "STLS", "RESP-CODES",
                                     "AUTH-RESP-CODE", "LOGIN-DELAY 900", "EXPIRE 0", "IMPLEMENTATION Shlemazle-Plotz-v302"])
        let found = try #require(try await caps)
        #expect(found.supportsTOP && found.supportsUIDL && found.supportsUSER && found.supportsPipelining)
        #expect(found.supportsSTLS && found.supportsResponseCodes && found.supportsAuthResponseCode)
        #expect(found.saslMechanisms == ["PLAIN", "LOGIN", "XOAUTH2"])
        #expect(found.loginDelay == 900)
        #expect(found.expiry == .days(0))
        #expect(found.entries["IMPLEMENTATION"] == ["Shlemazle-Plotz-v302"])
        #expect(POP3Capabilities(lines: ["EXPIRE NEVER"]).expiry == .never)
        #expect(POP3Capabilities(lines: ["EXPIRE 30 USER"]).expiry == .days(30))
    }

    @Test("a server without CAPA answers -ERR and has no capabilities list")
    func noCAPA() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let caps = server.client.refreshCapabilities()
        #expect(try await server.received() == "CAPA\r\n")
        try await server.send("-ERR unknown command")
        #expect(try await caps == nil)
    }
}
