import IMAPTestSupport
import NIOCore
import Testing
@testable import MailMigIMAP

/// A new connection's CAPABILITY (after STARTTLS, or after a greeting that lists none) is sent
/// without waiting for its answer; a password LOGIN goes out behind it.
@Suite("Login behind an unanswered CAPABILITY", .timeLimit(.minutes(1)))
struct PipelinedLoginTests {
    /// A client whose connection has sent CAPABILITY (tag M1) and not had its answer, as after STARTTLS.
    private func askingCapabilities(tls: IMAPConfiguration.TLSMode = .implicit) async throws -> ScriptedServer {
        let server = try await ScriptedServer.start(greeting: "* OK ready", tls: tls)
        try await server.client.askCapabilities()
        #expect(try await server.received() == "M1 CAPABILITY\r\n")
        return server
    }

    /// Expects `login` to fail as the client's refusal of LOGIN under LOGINDISABLED.
    private func expectLoginDisabled(_ login: Task<Void, any Error>) async {
        let error = await #expect(throws: IMAPError.self) { try await login.value }
        guard case .unsupported(_, let capability, _)? = error else {
            Issue.record("expected the LOGINDISABLED refusal, got \(String(describing: error))")
            return
        }
        #expect(capability.contains("LOGINDISABLED"))
    }

    @Test("LOGIN leaves before CAPABILITY is answered; the login's own capabilities are the ones kept")
    func loginGoesOutBehindCapability() async throws {
        let server = try await askingCapabilities()
        let client = server.client
        #expect(await client.capabilities.isEmpty, "nothing is known until the answer comes")
        let login = Task { try await client.login(.login(user: "alice", password: "pw")) }
        // The test has not answered CAPABILITY yet: the LOGIN arriving now is the round trip saved.
        #expect(try await server.received() == "M2 LOGIN \"alice\" \"pw\"\r\n")
        try await server.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN", "M1 OK done", "M2 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] Logged in")
        try await login.value
        #expect(await client.isAuthenticated)
        #expect(await client.capabilities == ["IMAP4REV1", "IDLE", "UIDPLUS"])
    }

    @Test("a LOGIN refused by a server that announces LOGINDISABLED after TLS says so, not that the password is wrong")
    func loginDisabledAfterTLS() async throws {
        let server = try await askingCapabilities()
        let client = server.client
        let login = Task { try await client.login(.login(user: "alice", password: "pw")) }
        _ = try await server.received()
        try await server.send("* CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN", "M1 OK done", "M2 NO [PRIVACYREQUIRED] not allowed")
        await expectLoginDisabled(login)
        #expect(await !client.isAuthenticated)
    }

    @Test("without TLS the password waits for the capabilities, and LOGINDISABLED stops it before it is sent")
    func noClearTextPassword() async throws {
        let server = try await askingCapabilities(tls: .none)
        let client = server.client
        let login = Task { try await client.login(.login(user: "alice", password: "pw")) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil, "the password went out before the capabilities were known")
        try await server.send("* CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS", "M1 OK done")
        await expectLoginDisabled(login)
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil, "LOGIN was sent")
    }

    @Test("a busy server's answer to LOGIN stays its own, LOGINDISABLED or not")
    func busyAnswerKept() {
        let busy = IMAPError.no(server: "s", command: "LOGIN", text: "try later", code: .other(name: "UNAVAILABLE", arguments: nil))
        #expect(!IMAPClient.refusesPlainLogin(busy))
        #expect(!IMAPClient.refusesPlainLogin(IMAPError.connectionLost(server: "s", detail: "gone")))
        #expect(IMAPClient.refusesPlainLogin(IMAPError.no(server: "s", command: "LOGIN", text: "no", code: nil)))
        #expect(IMAPClient.refusesPlainLogin(IMAPError.bad(server: "s", command: "LOGIN", text: "no", code: .other(name: "PRIVACYREQUIRED", arguments: nil))))
    }

    @Test("a wrong password is the server's NO, as before")
    func wrongPassword() async throws {
        let server = try await askingCapabilities()
        let client = server.client
        let login = Task { try await client.login(.login(user: "alice", password: "wrong")) }
        _ = try await server.received()
        try await server.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN", "M1 OK done", "M2 NO [AUTHENTICATIONFAILED] Authentication failed.")
        let error = await #expect(throws: IMAPError.self) { try await login.value }
        guard case .no? = error else {
            Issue.record("expected the server's NO, got \(String(describing: error))")
            return
        }
        #expect(error?.responseCode == .other(name: "AUTHENTICATIONFAILED", arguments: nil))
    }

    @Test("AUTHENTICATE waits for the capabilities, which decide how it is sent (SASL-IR)")
    func authenticateWaits() async throws {
        let server = try await askingCapabilities()
        let client = server.client
        let login = Task { try await client.login(.plain(user: "admin", password: "pw", authorizationIdentity: "alice")) }
        // Given time to go out, AUTHENTICATE still waits for the answer.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil, "AUTHENTICATE went out before the capabilities were known")
        try await server.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR", "M1 OK done")
        let line = try await server.received()
        let initial = IMAPCredentials.plainInitialResponse(user: "admin", password: "pw", authorizationIdentity: "alice")
        #expect(line == "M2 AUTHENTICATE PLAIN \(initial)\r\n", "with SASL-IR known, the initial response goes in the command")
        try await server.send("M2 OK [CAPABILITY IMAP4rev1] Logged in")
        try await login.value
        #expect(await client.isAuthenticated)
    }

    @Test("with nothing asked, settledCapabilities returns what the greeting announced")
    func nothingPending() async throws {
        let server = try await ScriptedServer.start()
        #expect(try await server.client.settledCapabilities().contains("SASL-IR"))
    }
}
