import Foundation
import MailMigPOP3

/// The POP3 side of the shared source Dovecot (scripts/testenv/dovecot.sh): the same mail store as
/// its IMAP side, so mail appended over IMAP is read over POP3.
enum POP3TestServer {
    /// Set by dovecot.sh once the instances serve POP3; an older running instance lacks it.
    static let portVariable = "MAILMIG_TEST_POP3_SOURCE_PORT"

    /// Whether the running test servers serve POP3.
    static var isConfigured: Bool { ProcessInfo.processInfo.environment[portVariable]?.isEmpty == false }

    /// The source instance's POP3 endpoint: the plain port (upgraded with STLS) or the implicit-TLS one.
    static func configuration(tls: POP3Configuration.TLSMode, trust: String? = nil, commandTimeout: Double = 30) throws -> POP3Configuration {
        let port = try TestEnvironment.requireInt(tls == .implicit ? "MAILMIG_TEST_POP3_SOURCE_TLS_PORT" : portVariable)
        return POP3Configuration(host: try MailTestServers.host(.source), port: port, tls: tls,
                                 trust: .caFile(try trust ?? MailTestServers.caFile()), connectTimeout: 10,
                                 commandTimeout: commandTimeout, label: "pop3-source")
    }

    /// A session logged in as `user` through the master user (`user*admin`) with USER/PASS.
    static func session(_ user: String, tls: POP3Configuration.TLSMode = .startTLS) async throws -> POP3Client {
        let client = try await POP3Client.connect(try configuration(tls: tls))
        try await client.login(.user(name: "\(user)*\(try MailTestServers.adminUser())", password: try MailTestServers.adminPassword()))
        return client
    }
}
