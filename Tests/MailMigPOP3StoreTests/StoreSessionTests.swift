import Foundation
import MailMigCore
import MailMigPOP3
import Testing
@testable import MailMigPOP3Store

/// Logging in by the plan's styles, ending without deleting, refusing writes, retrying a busy server.
@Suite("POP3 store: sessions")
struct StoreSessionTests {
    static func server(_ change: @Sendable (inout ScriptedPOP3Server.Script) -> Void = { _ in }) async throws -> ScriptedPOP3Server {
        var script = ScriptedPOP3Server.Script()
        script.messages = [.init(StoreFixture.sample(1), id: "u1"), .init(StoreFixture.sample(2), id: "u2")]
        change(&script)
        return try await ScriptedPOP3Server.start(script)
    }

    @Test("per-mailbox: USER with the user format, PASS with the mailbox's password; a whole session ends with QUIT and no DELE")
    func perMailbox() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        _ = try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { session in
            _ = try await session.openFolder("INBOX", forWriting: false)
            for try await _ in try await session.messages(try await session.messageUIDs(.all)) {}
            return try await session.metadata(.all).count
        }
        #expect(server.record.lines.prefix(3) == ["CAPA", "USER alice@acme.test", "PASS pop-secret"])
        #expect(server.commands.last == "QUIT")
        #expect(!server.commands.contains("DELE"))
        #expect(Set(server.commands).isSubset(of: ["CAPA", "USER", "PASS", "LIST", "UIDL", "TOP", "RETR", "QUIT"]))
    }

    @Test("a session whose body fails still ends with QUIT, and the failure names server and mailbox")
    func quitAfterFailure() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: MailError.self) {
            try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { session in
                _ = try await session.openFolder("Elsewhere", forWriting: false)
            }
        }
        #expect(error?.kind == .noSuchFolder)
        #expect(error?.description.hasPrefix("source server 127.0.0.1, mailbox alice@acme.test: ") == true)
        #expect(server.commands.last == "QUIT")
    }

    @Test("master-user: USER mailbox*admin with the admin's password")
    func masterUser() async throws {
        let server = try await Self.server { $0.accounts = ["alice*admin": "admin-secret"] }
        defer { Task { await server.stop() } }
        let login = LoginSettings(admin: Credential(user: "admin", password: .environment("ADMIN_PASSWORD")), style: .masterUser,
                                  userFormat: "{localpart}", masterSeparator: "*")
        let store = StoreFixture.store(server, login: login, environment: ["ADMIN_PASSWORD": "admin-secret"])
        try await store.withSession(for: StoreFixture.mailbox) { _ in }
        #expect(server.record.lines.prefix(3) == ["CAPA", "USER alice*admin", "PASS admin-secret"])
    }

    @Test("authzid: AUTH PLAIN as the admin for the mailbox, the exact base64 on the wire")
    func authorizationIdentity() async throws {
        let server = try await Self.server { $0.accounts = ["admin": "admin-secret"] }
        defer { Task { await server.stop() } }
        let login = LoginSettings(admin: Credential(user: "admin", password: .environment("ADMIN_PASSWORD")), style: .authzid,
                                  userFormat: "{address}", masterSeparator: "*")
        let store = StoreFixture.store(server, login: login, environment: ["ADMIN_PASSWORD": "admin-secret"])
        try await store.withSession(for: StoreFixture.mailbox) { _ in }
        let response = Data("alice@acme.test\0admin\0admin-secret".utf8).base64EncodedString()
        #expect(server.record.lines.contains("AUTH PLAIN \(response)"))
        #expect(server.record.authorizationIdentity == "alice@acme.test")
        #expect(!server.commands.contains("USER"))
    }

    @Test("a password login uses AUTH PLAIN where CAPA offers SASL PLAIN and not USER")
    func plainWithoutUSER() async throws {
        let server = try await Self.server { $0.capabilities = ["TOP", "UIDL", "SASL PLAIN"] }
        defer { Task { await server.stop() } }
        try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { _ in }
        let response = Data("\0alice@acme.test\0pop-secret".utf8).base64EncodedString()
        #expect(server.record.lines.contains("AUTH PLAIN \(response)"))
        #expect(SecretRedaction.redact("-ERR bad AUTH PLAIN \(response)") == "-ERR bad AUTH PLAIN [redacted]")
    }

    @Test("the plan's login styles map to POP3 credentials; an OAuth 2 token fails with a sentence saying why")
    func credentialMapping() throws {
        let store = POP3MailStore(side: .source, server: StoreFixture.server(port: 110), baseDirectory: URL(fileURLWithPath: "/"))
        #expect("\(try store.pop3Credentials(.password(user: "a", password: "p"), offered: nil))" == "USER/PASS as a")
        #expect("\(try store.pop3Credentials(.authorizationIdentity(admin: "ad", password: "p", mailbox: "a"), offered: nil))"
            == "AUTH PLAIN as ad for a")
        let error = #expect(throws: MailStoreError.self) { try store.pop3Credentials(.oauth2(user: "a", token: "t"), offered: nil) }
        #expect(error?.kind == .failed)
        #expect(error?.reason.contains("OAuth 2") == true)
    }

    @Test("a refused password is a refused login, not retried")
    func loginRefused() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let store = StoreFixture.store(server, environment: ["POP3_TEST_PASSWORD": "wrong-password"])
        let error = await #expect(throws: MailError.self) { try await store.withSession(for: StoreFixture.mailbox) { _ in } }
        #expect(error?.kind == .loginRefused)
        #expect(server.record.connections == 1)
        #expect(error?.description.contains("wrong-password") == false)
    }

    @Test("a maildrop locked by another session ([IN-USE]) is tried again on a new connection")
    func inUseRetried() async throws {
        let server = try await Self.server { $0.loginsInUse = 2 }
        defer { Task { await server.stop() } }
        let count = try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { session in
            try await session.messageUIDs(.all).count
        }
        #expect(count == 2)
        #expect(server.record.connections == 3)
    }

    @Test("a maildrop locked on every attempt fails as transient, so the engine may try the pass again later")
    func inUseGivenUp() async throws {
        let server = try await Self.server { $0.loginsInUse = 10 }
        defer { Task { await server.stop() } }
        let error = await #expect(throws: MailError.self) { try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { _ in } }
        #expect(error?.kind == .transient)
        #expect(server.record.connections == 3)
    }

    @Test("no server at the port: transient, after three attempts")
    func noServer() async throws {
        let server = try await Self.server()
        let port = server.port
        await server.stop()
        var store = POP3MailStore(side: .source, server: StoreFixture.server(port: port), baseDirectory: URL(fileURLWithPath: "/"),
                                  environment: ["POP3_TEST_PASSWORD": StoreFixture.password])
        store.firstRetryPause = 0.01
        let error = await #expect(throws: MailError.self) { try await store.withSession(for: StoreFixture.mailbox) { _ in } }
        #expect(error?.kind == .transient)
    }

    @Test("every write is refused: a maildrop is read only")
    func writesRefused() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let refusals = try await StoreFixture.store(server).withSession(for: StoreFixture.mailbox) { session in
            var reasons: [String] = []
            let writes: [@Sendable () async throws -> Void] = [
                { try await session.createFolder("New") },
                { try await session.subscribe("INBOX") },
                { _ = try await session.append([OutgoingMessage(body: Array("x\r\n".utf8), flags: [], internalDate: nil)], to: "INBOX") },
                { try await session.replaceFlags(of: [.name("u1")], with: ["\\Seen"]) },
                { _ = try await session.openFolder("INBOX", forWriting: true) },
            ]
            for write in writes {
                do {
                    try await write()
                } catch let error as MailStoreError where error.kind == .failed {
                    reasons.append(error.reason)
                }
            }
            return reasons
        }
        #expect(refusals == Array(repeating: "a POP3 maildrop cannot be written", count: 5))
        #expect(!server.commands.contains("DELE"))
    }

    @Test("the registry makes a POP3 store for a pop3 side only")
    func registry() {
        var registry = MailStoreRegistry()
        POP3MailStore.register(in: &registry)
        let context = AdapterContext(baseDirectory: URL(fileURLWithPath: "/"), environment: [:])
        #expect(registry.kinds == ["pop3"])
        #expect(registry.store(side: .source, server: StoreFixture.server(port: 995), context: context) is POP3MailStore)
        let imap = MailServer(access: .imap(ServerEndpoint(host: "imap.test", port: 993, tls: .implicit, verifyCertificates: true)),
                              login: nil, connections: 1, location: StoreFixture.location)
        #expect(registry.store(side: .source, server: imap, context: context) == nil)
    }

    @Test("the endpoint's TLS and trust become the client's configuration, labelled by side and host")
    func configuration() {
        func configuration(_ endpoint: ServerEndpoint) -> POP3Configuration {
            var server = StoreFixture.server(port: 1)
            server.access = .pop3(endpoint, folder: "INBOX")
            return POP3MailStore(side: .source, server: server, baseDirectory: URL(fileURLWithPath: "/plans")).configuration
        }
        let implicit = configuration(ServerEndpoint(host: "pop.acme.test", port: 995, tls: .implicit, caFile: "ca.pem", verifyCertificates: true))
        #expect(implicit.tls == .implicit && implicit.trust == .caFile("/plans/ca.pem") && implicit.label == "source pop.acme.test")
        let stls = configuration(ServerEndpoint(host: "pop.acme.test", port: 110, tls: .starttls, verifyCertificates: false))
        #expect(stls.tls == .startTLS && stls.trust == .doNotVerify && stls.port == 110)
        #expect(configuration(ServerEndpoint(host: "h", port: 110, tls: .none, verifyCertificates: true)).trust == .systemRoots)
    }
}
