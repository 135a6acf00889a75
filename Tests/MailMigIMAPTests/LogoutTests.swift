import Foundation
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

/// LOGOUT ends a session whose work is done: it must not cost a command timeout.
@Suite("LOGOUT")
struct LogoutTests {
    @Test("a server that never answers LOGOUT holds the client for the short wait only, not the read timeout")
    func unansweredLogoutIsCutShort() async throws {
        let server = try await ScriptedServer.start(readTimeout: 120)
        try await server.login(capabilities: "IMAP4rev1")
        let started = Date()
        async let done: Void = server.client.logout(waitingAtMost: 0.5)
        #expect(try await server.received() == "M2 LOGOUT\r\n")
        // The server says nothing more, ever.
        try await done
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("an answered LOGOUT completes at once")
    func answeredLogout() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        let started = Date()
        async let done: Void = server.client.logout(waitingAtMost: 30)
        _ = try await server.received()
        try await server.send("* BYE logging out", "M2 OK Logout completed")
        try await done
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
