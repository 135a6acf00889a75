import Foundation
import MailMigCore
@testable import MailMigPOP3Store

/// Stores, mailboxes and messages the store's tests share.
enum StoreFixture {
    static let alice = "alice@acme.test"
    static let password = "pop-secret"
    static let location = SourceLocation(file: "test.yaml", line: 1, column: 1)

    /// Alice, the same address on both sides.
    static var mailbox: MailboxMapping {
        let address = EmailAddress(alice)!
        return MailboxMapping(source: address, target: address, tags: [], location: location)
    }

    /// The plan's side for a POP3 server at this port, without TLS.
    static func server(port: Int, folder: String = "INBOX", login: LoginSettings? = nil) -> MailServer {
        MailServer(access: .pop3(ServerEndpoint(host: "127.0.0.1", port: port, tls: .none, verifyCertificates: true), folder: folder),
                   login: login ?? LoginSettings(style: .perMailbox, userFormat: "{address}", password: .environment("POP3_TEST_PASSWORD"),
                                                 masterSeparator: "*"),
                   connections: 2, location: location)
    }

    /// A store for the scripted server, every mailbox logging in with its address and `password`.
    static func store(_ server: ScriptedPOP3Server, folder: String = "INBOX", login: LoginSettings? = nil,
                      environment: [String: String] = ["POP3_TEST_PASSWORD": password]) -> POP3MailStore {
        var store = POP3MailStore(side: .source, server: Self.server(port: server.port, folder: folder, login: login),
                                  baseDirectory: FileManager.default.temporaryDirectory, environment: environment)
        store.firstRetryPause = 0.01
        return store
    }

    /// A message of plain text with the given header lines, CRLF line ends.
    static func message(_ headers: [String], body: String = "Hello.") -> String {
        (headers + ["", body]).joined(separator: "\r\n") + "\r\n"
    }

    /// A message with a Message-ID and a Received date of day `day` of July 2024.
    static func sample(_ number: Int, day: Int = 1) -> String {
        message([
            "Received: from mx.acme.test by pop.acme.test; Mon, \(day) Jul 2024 10:00:\(number < 10 ? "0" : "")\(number) +0200",
            "Date: Sun, 30 Jun 2024 08:00:00 +0000",
            "Message-ID: <m\(number)@acme.test>",
            "Subject: message \(number)",
        ], body: "Body of message \(number).")
    }
}
