import NIOCore
import Testing
import MailMigTLS
@testable import MailMigPOP3

/// STLS (RFC 2595 §4): required means required, and nothing read before TLS is believed.
@Suite("POP3 STLS")
struct STLSTests {
    @Test("STLS required but not in CAPA: refused without sending it, never a plain-text session")
    func notOffered() async throws {
        let server = try await ScriptedPOP3Server.start(startTLSGuard: StartTLSGuard())
        async let caps = server.client.refreshCapabilities()
        try await server.answerCAPA(["UIDL", "USER"])
        _ = try await caps
        let error = try await #require(throws: POP3Error.self) { try await server.client.startTLS() }
        guard case .startTLSUnavailable = error else { Issue.record("\(error)"); return }
        #expect(error.kind == .permanent)
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("STLS answered with -ERR is refused, the server's reason kept")
    func refused() async throws {
        let server = try await ScriptedPOP3Server.start(startTLSGuard: StartTLSGuard())
        let started = Task { try await server.client.startTLS() }
        #expect(try await server.received() == "STLS\r\n")
        try await server.send("-ERR TLS not available")
        let error = try await #require(throws: POP3Error.self) { try await started.value }
        #expect(error.description == "POP3 server scripted cannot protect the connection with STLS (it answered STLS with -ERR TLS not available); not continuing in plain text")
    }

    @Test("a line sent after STLS's +OK before the handshake is an injection: the session ends")
    func injection() async throws {
        let server = try await ScriptedPOP3Server.start(trust: .doNotVerify, startTLSGuard: StartTLSGuard())
        let started = Task { try await server.client.startTLS() }
        #expect(try await server.received() == "STLS\r\n")
        try await server.send(bytes: Array("+OK Begin TLS negotiation\r\n+OK injected capabilities\r\n".utf8))
        let error = try await #require(throws: POP3Error.self) { try await started.value }
        guard case .protocolViolation(_, "STLS", let detail) = error else { Issue.record("\(error)"); return }
        #expect(detail.contains("injection"))
    }
}
