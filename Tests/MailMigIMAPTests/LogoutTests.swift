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

/// A session whose work is done ends without waiting for the server's goodbye.
@Suite("LOGOUT in the background", .timeLimit(.minutes(1)))
struct BackgroundLogoutTests {
    @Test("startLogout returns once LOGOUT is sent; the answer is read and the connection closed afterwards")
    func returnsOnceSent() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        // Returns although the test has not answered: the caller's slot is free a round trip sooner.
        await server.client.startLogout(waitingAtMost: 30)
        #expect(try await server.received() == "M2 LOGOUT\r\n")
        try await server.send("* BYE logging out", "M2 OK Logout completed")
        // Closed once answered, long before the 30 s wait.
        let started = Date()
        while server.channel.isActive, Date().timeIntervalSince(started) < 10 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(!server.channel.isActive)
    }

    @Test("a server that never answers is cut off after the short wait")
    func unansweredIsClosed() async throws {
        let server = try await ScriptedServer.start(readTimeout: 120)
        try await server.login(capabilities: "IMAP4rev1")
        await server.client.startLogout(waitingAtMost: 0.3)
        _ = try await server.received()
        let started = Date()
        while server.channel.isActive, Date().timeIntervalSince(started) < 10 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(!server.channel.isActive)
    }
}
