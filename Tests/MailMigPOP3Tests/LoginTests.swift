import Foundation
import NIOCore
import Testing
@testable import MailMigPOP3

/// USER/PASS, APOP and AUTH PLAIN on the wire (RFC 1939 §7, RFC 5034).
@Suite("POP3 login")
struct LoginTests {
    @Test("USER/PASS sends both lines, then asks CAPA again")
    func userPass() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let done: Void = server.client.login(.user(name: "alice*admin", password: "s3cret"))
        #expect(try await server.received() == "USER alice*admin\r\n")
        try await server.send("+OK")
        #expect(try await server.received() == "PASS s3cret\r\n")
        try await server.send("+OK Logged in.")
        try await server.answerCAPA(["UIDL", "EXPIRE NEVER"])
        try await done
        #expect(await server.client.isAuthenticated)
        #expect(await server.client.capabilities?.expiry == .never)
    }

    @Test("a refused PASS is the login-refused kind and its error never holds the password")
    func refusedPass() async throws {
        let server = try await ScriptedPOP3Server.start()
        let done = Task { try await server.client.login(.user(name: "alice", password: "hunter2")) }
        _ = try await server.received()
        try await server.send("+OK")
        _ = try await server.received()
        try await server.send("-ERR [AUTH] Authentication failed.")
        let error = try await #require(throws: POP3Error.self) { try await done.value }
        #expect(error.kind == .loginRefused)
        #expect(error.description == "POP3 server scripted refused PASS [AUTH]: Authentication failed.")
        #expect(!error.description.contains("hunter2"))
        #expect(await server.client.isAuthenticated == false)
    }

    @Test("AUTH PLAIN with an authorization identity sends authzid NUL authcid NUL password as the initial response")
    func plainWithAuthorizationIdentity() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let done: Void = server.client.login(.plain(user: "admin", password: "secret-admin", authorizationIdentity: "alice"))
        // base64("alice\0admin\0secret-admin")
        #expect(try await server.received() == "AUTH PLAIN YWxpY2UAYWRtaW4Ac2VjcmV0LWFkbWlu\r\n")
        try await server.send("+OK Logged in.")
        try await server.answerCAPA(["UIDL"])
        try await done
    }

    @Test("AUTH PLAIN too long for one command line waits for the empty challenge, then sends the response")
    func plainContinuation() async throws {
        let server = try await ScriptedPOP3Server.start()
        let password = String(repeating: "p", count: 300)
        async let done: Void = server.client.login(.plain(user: "bob", password: password))
        #expect(try await server.received() == "AUTH PLAIN\r\n")
        try await server.send("+ ")
        let expected = Data("\u{0}bob\u{0}\(password)".utf8).base64EncodedString()
        #expect(try await server.received() == expected + "\r\n")
        try await server.send("+OK Logged in.")
        try await server.answerCAPA([])
        try await done
    }

    @Test("AUTH PLAIN is not tried when CAPA's SASL list lacks it")
    func plainNotOffered() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let caps = server.client.refreshCapabilities()
        try await server.answerCAPA(["SASL XOAUTH2"])
        _ = try await caps
        let error = try await #require(throws: POP3Error.self) {
            try await server.client.login(.plain(user: "bob", password: "x"))
        }
        guard case .unsupported(_, "SASL PLAIN", _) = error else { Issue.record("\(error)"); return }
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("the APOP digest of RFC 1939 §7's example")
    func apopDigest() {
        #expect(Authentication.apopDigest(timestamp: "<1896.697170952@dbc.mtview.ca.us>", secret: "tanstaaf")
            == "c4c9334bac560ecc979e58001b3e22fb")
    }

    @Test("APOP sends the name and the digest of the greeting's timestamp")
    func apop() async throws {
        let server = try await ScriptedPOP3Server.start()
        async let done: Void = server.client.login(.apop(name: "mrose", secret: "tanstaaf"))
        #expect(try await server.received() == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n")
        try await server.send("+OK maildrop has 1 message (369 octets)")
        try await server.answerCAPA([])
        try await done
    }

    @Test("APOP is refused before sending anything when the greeting has no timestamp")
    func apopWithoutTimestamp() async throws {
        let server = try await ScriptedPOP3Server.start(greeting: "+OK Dovecot ready.")
        let error = try await #require(throws: POP3Error.self) {
            try await server.client.login(.apop(name: "mrose", secret: "tanstaaf"))
        }
        guard case .unsupported(_, "APOP", _) = error else { Issue.record("\(error)"); return }
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("a line break in a name or password is refused before anything is sent, without echoing it")
    func lineBreakInArgument() async throws {
        let server = try await ScriptedPOP3Server.start()
        let error = try await #require(throws: POP3Error.self) {
            try await server.client.login(.user(name: "alice\r\nDELE 1", password: "pw"))
        }
        #expect(error.description == "USER was not sent to POP3 server scripted: an argument holds a line break")
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("credentials describe themselves without the secret")
    func descriptions() {
        #expect(POP3Credentials.user(name: "a", password: "pw1").description == "USER/PASS as a")
        #expect(POP3Credentials.plain(user: "admin", password: "pw2", authorizationIdentity: "a").description == "AUTH PLAIN as admin for a")
        #expect(POP3Credentials.plain(user: "admin", password: "pw2", authorizationIdentity: "a").mailboxOwner == "a")
        #expect(POP3Credentials.apop(name: "m", secret: "pw3").description == "APOP as m")
    }
}
