import NIOCore
import Testing
@testable import MailMigPOP3

/// Ending a session never removes mail.
@Suite("POP3 quit")
struct QuitTests {
    @Test("QUIT is sent and the connection closed")
    func quit() async throws {
        let server = try await ScriptedPOP3Server.start()
        try await server.login(capabilities: ["UIDL"])
        async let done: Void = server.client.quit()
        #expect(try await server.received() == "QUIT\r\n")
        try await server.send("+OK Logging out.")
        try await done
        await #expect(throws: POP3Error.self) { try await server.client.noop() }
    }

    @Test("with EXPIRE 0 the session ends without QUIT, so the server never removes what was retrieved")
    func expireZero() async throws {
        let server = try await ScriptedPOP3Server.start()
        try await server.login(capabilities: ["UIDL", "EXPIRE 0"])
        try await server.client.quit()
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
        await #expect(throws: POP3Error.self) { try await server.client.noop() }
    }
}
