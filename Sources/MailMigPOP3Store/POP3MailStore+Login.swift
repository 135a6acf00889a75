import Foundation
import MailMigCore
import MailMigPOP3
import MailMigTLS

/// Where and how the store connects and logs in: the plan's endpoint and login styles in POP3's terms.
extension POP3MailStore {
    /// The POP3 client settings for this server.
    public var configuration: POP3Configuration {
        let endpoint = settings.access.endpoint ?? ServerEndpoint(host: server, port: 995, tls: .implicit, verifyCertificates: true)
        let tls: POP3Configuration.TLSMode = switch endpoint.tls {
        case .implicit: .implicit
        case .starttls: .startTLS
        case .none: .none
        }
        let trust: TLSTrust = switch endpoint.certificateTrust(baseDirectory: baseDirectory) {
        case .systemRoots: .systemRoots
        case .caFile(let path): .caFile(path)
        case .doNotVerify: .doNotVerify
        }
        return POP3Configuration(host: endpoint.host, port: endpoint.port, tls: tls, trust: trust, label: "\(side.rawValue) \(endpoint.host)")
    }

    /// Reads the plan's login styles for this side.
    var resolver: MailboxLoginResolver {
        MailboxLoginResolver(side: side, server: settings, baseDirectory: baseDirectory, environment: environment)
    }

    /// The login name of a mailbox on this side.
    public func loginName(for mailbox: MailboxMapping) -> String { resolver.loginName(for: mailbox) }

    /// The credentials of a mailbox in POP3's terms, for a server that announced `offered` in CAPA
    /// (nil: no CAPA); reads the secrets now.
    public func credentials(for mailbox: MailboxMapping, offered: POP3Capabilities? = nil) throws -> POP3Credentials {
        try pop3Credentials(try resolver.credentials(for: mailbox), offered: offered)
    }

    /// A password login is USER/PASS (RFC 1939 §7), or AUTH PLAIN where CAPA offers SASL PLAIN and does
    /// not list USER (RFC 2449 §6.8): a server that lists its capabilities says which it takes. APOP
    /// is never chosen: it proves the same password with MD5 of a greeting, adds nothing over TLS, and
    /// fails where the server keeps no clear-text password.
    /// An authorization identity is AUTH PLAIN with it (RFC 5034, as Dovecot's master users log in).
    /// An OAuth 2 token fails: this POP3 client sends no XOAUTH2.
    func pop3Credentials(_ credentials: MailboxCredentials, offered: POP3Capabilities?) throws -> POP3Credentials {
        switch credentials {
        case .password(let user, let password):
            if let offered, !offered.supportsUSER, offered.saslMechanisms.contains("PLAIN") {
                return .plain(user: user, password: password, authorizationIdentity: nil)
            }
            return .user(name: user, password: password)
        case .authorizationIdentity(let admin, let password, let mailbox):
            return .plain(user: admin, password: password, authorizationIdentity: mailbox)
        case .oauth2(let user, _), .oauth2Grant(let user, _, _):
            throw MailStoreError(.failed, "cannot log in as \(user) with an OAuth 2 token: this POP3 client logs in with a password "
                + "(USER/PASS or AUTH PLAIN)")
        }
    }

    /// The texts that carry a secret on the wire besides the secret itself: the base64 response of
    /// AUTH PLAIN (`authzid NUL user NUL password`, RFC 4616), which a server may quote back.
    static func wireForms(of credentials: MailboxCredentials) -> [String] {
        let (authorization, user, password): (String, String, String)
        switch credentials {
        case .password(let name, let secret): (authorization, user, password) = ("", name, secret)
        case .authorizationIdentity(let admin, let secret, let mailbox): (authorization, user, password) = (mailbox, admin, secret)
        case .oauth2, .oauth2Grant: return []
        }
        let message = Array(authorization.utf8) + [0] + Array(user.utf8) + [0] + Array(password.utf8)
        return [Data(message).base64EncodedString()]
    }
}
