import Foundation
import MailMigIMAP
import MailMigPOP3
import Testing

/// The POP3 library against Dovecot's POP3: messages appended over IMAP are listed and read back
/// byte for byte, every login path and TLS mode works, and nothing is ever deleted.
@Suite("POP3 against Dovecot", .serialized,
       .enabled(if: TestEnvironment.isEnabled), .enabled(if: POP3TestServer.isConfigured,
       "the running test servers do not serve POP3 (no MAILMIG_TEST_POP3_SOURCE_PORT): restart them with scripts/testenv/dovecot.sh start"))
struct POP3IntegrationTests {
    /// Real messages: several with lines that start with a dot, one with NUL bytes and no final line end.
    static func corpusMessages() throws -> [(name: String, bytes: [UInt8])] {
        let corpus = try MailTestServers.realCorpus()
        let names = ["spamscope/mail_outlook_1.eml", "spamscope/mail_test_5.eml", "spamscope/mail_test_7.eml",
                     "mimekit/benchmarks__startrek.eml", "mimekit/partial__rfc2046.eml", "spamscope/mail_test_1.eml"]
        let messages: [(name: String, bytes: [UInt8])] = try names.map { name in
            (name, IMAPIntegration.IMAPMessageIntegrationTests.crlf([UInt8](try Data(contentsOf: corpus.appendingPathComponent(name)))))
        }
        let dotted = messages.filter { message in
            ListingLines.startingWithDot(message.bytes) > 0
        }
        #expect(dotted.count >= 3, "the chosen messages should have lines starting with a dot")
        #expect(messages.contains { $0.bytes.contains(0) && $0.bytes.suffix(2) != [13, 10] },
                "one message should hold NUL bytes and lack a final CRLF")
        return messages
    }

    /// Appends the messages to a new user's INBOX over IMAP; returns the user and each message's UID and UIDVALIDITY.
    static func loadedUser(_ messages: [[UInt8]]) async throws -> (user: String, results: [AppendResult]) {
        let user = MailTestServers.uniqueUser("pop3")
        try MailTestServers.addUser(user, on: .source)
        let imap = try await MailTestServers.client(user, on: .source)
        let results = try await imap.append(messages.map { AppendMessage(bytes: $0) }, to: "INBOX")
        try await imap.logout()
        return (user, results)
    }

    /// The UIDs INBOX holds, read over IMAP.
    static func inboxUIDs(_ user: String) async throws -> [UInt32] {
        let imap = try await MailTestServers.client(user, on: .source)
        _ = try await imap.examine("INBOX")
        let uids = try await imap.search(.all)
        try await imap.logout()
        return uids
    }

    @Test("USER/PASS as user*admin over STLS: LIST, UIDL and RETR give back what IMAP appended, byte for byte; nothing is deleted")
    func readsWhatIMAPAppended() async throws {
        let messages = try Self.corpusMessages()
        let (user, results) = try await Self.loadedUser(messages.map(\.bytes))
        defer { MailTestServers.removeUser(user, on: .source) }

        let pop3 = try await POP3TestServer.session(user, tls: .startTLS)
        #expect(await pop3.capabilities?.supportsUIDL == true)
        let listing = try await pop3.listing()
        #expect(listing.map(\.number) == Array(1...messages.count))
        #expect(try await pop3.statistics() == POP3Statistics(count: messages.count, size: messages.map(\.bytes.count).reduce(0, +)))
        for (index, info) in listing.enumerated() {
            let expected = messages[index].bytes
            #expect(info.size == expected.count, "LIST size of \(messages[index].name)")
            // Dovecot's default UIDL: the IMAP UID and UIDVALIDITY, eight hex digits each.
            let uid = try #require(results[index].uid), validity = try #require(results[index].uidValidity)
            #expect(info.uniqueID?.lowercased() == String(format: "%08x%08x", uid, validity))
            let served = try await pop3.retrieve(info.number, maximumSize: info.size + 1024)
            // A message without a final CRLF gets one from the server (RFC 1939 §3).
            let terminated = expected.suffix(2) == [13, 10] ? expected : expected + [13, 10]
            #expect(served == terminated, "RETR of \(messages[index].name) differs")
            let header = try await pop3.headers(info.number)
            #expect(served.starts(with: header), "TOP 0 of \(messages[index].name) is not the start of the message")
        }
        try await pop3.quit()

        // A second session sees the same maildrop, and IMAP still has every message.
        let again = try await POP3TestServer.session(user, tls: .startTLS)
        #expect(try await again.statistics().count == messages.count)
        try await again.quit()
        #expect(try await Self.inboxUIDs(user) == results.compactMap(\.uid))
    }

    @Test("AUTH PLAIN with authzid = the user and authcid = the admin, over implicit TLS")
    func plainMasterLogin() async throws {
        let messages = [Array("Subject: one\r\n\r\n.hidden dot\r\n".utf8), Array("Subject: two\r\n\r\nbody".utf8)]
        let (user, _) = try await Self.loadedUser(messages)
        defer { MailTestServers.removeUser(user, on: .source) }
        let pop3 = try await POP3Client.connect(try POP3TestServer.configuration(tls: .implicit))
        try await pop3.login(.plain(user: try MailTestServers.adminUser(), password: try MailTestServers.adminPassword(),
                                    authorizationIdentity: user))
        #expect(try await pop3.retrieve(1, maximumSize: 100) == messages[0])
        #expect(try await pop3.retrieve(2, maximumSize: 100) == messages[1] + [13, 10])
        try await pop3.quit()
        #expect(try await Self.inboxUIDs(user).count == 2)
    }

    @Test("a wrong password is refused as a login, naming the command and never the password")
    func wrongPassword() async throws {
        let pop3 = try await POP3Client.connect(try POP3TestServer.configuration(tls: .startTLS))
        let error = try await #require(throws: POP3Error.self) {
            try await pop3.login(.user(name: "alice", password: "not-the-password"))
        }
        #expect(error.kind == .loginRefused)
        #expect(error.description.contains("PASS"))
        #expect(!error.description.contains("not-the-password"))
        await pop3.close()
    }

    @Test("STLS asked of the implicit-TLS port: no greeting comes; the error is final and says which setting to change")
    func startTLSOnTheImplicitPort() async throws {
        var configuration = try POP3TestServer.configuration(tls: .startTLS, commandTimeout: 2)
        configuration.port = try TestEnvironment.requireInt("MAILMIG_TEST_POP3_SOURCE_TLS_PORT")
        let started = ContinuousClock.now
        let error = try await #require(throws: POP3Error.self) { _ = try await POP3Client.connect(configuration) }
        guard case .timeout(_, "greeting", _) = error else { Issue.record("\(error)"); return }
        #expect(error.kind == .permanent, "waiting again would only wait again")
        #expect(error.description.contains("tls: implicit"), "\(error)")
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a certificate from an untrusted CA is refused, naming the certificate")
    func untrustedCertificate() async throws {
        let selfSigned = try TestEnvironment.require("MAILMIG_TEST_IMAP_SELFSIGNED_CERT")
        for mode in [POP3Configuration.TLSMode.implicit, .startTLS] {
            let error = try await #require(throws: POP3Error.self) {
                _ = try await POP3Client.connect(try POP3TestServer.configuration(tls: mode, trust: selfSigned))
            }
            guard case .tls(_, let subject, _) = error else { Issue.record("\(mode): \(error)"); continue }
            #expect(subject == "CN=localhost", "\(mode)")
        }
    }
}

/// Counting lines that begin with a dot (the ones POP3 byte-stuffs).
enum ListingLines {
    static func startingWithDot(_ bytes: [UInt8]) -> Int {
        var count = bytes.first == UInt8(ascii: ".") ? 1 : 0
        for index in bytes.indices.dropLast() where bytes[index] == 0x0A && bytes[index + 1] == UInt8(ascii: ".") { count += 1 }
        return count
    }
}
