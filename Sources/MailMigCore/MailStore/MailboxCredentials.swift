import Foundation

/// The login of one mailbox on one side, with its secret read: what a network store sends, in the
/// store's protocol (IMAP LOGIN or AUTHENTICATE, POP3 USER/PASS or AUTH).
///
/// Descriptions never contain the secret.
public enum MailboxCredentials: Sendable, CustomStringConvertible {
    /// A user name and password: the mailbox's own, or `{mailbox}{separator}{admin}` for a master user.
    case password(user: String, password: String)
    /// SASL PLAIN (RFC 4616) as `admin`, acting for `mailbox` (the authorization identity).
    case authorizationIdentity(admin: String, password: String, mailbox: String)
    /// An OAuth 2 bearer token for `user` (XOAUTH2).
    case oauth2(user: String, token: String)
    /// A login as `user` with a token the store gets from `settings` when it connects; `placeholders`
    /// are the mailbox's, for a grant whose subject or command names the mailbox.
    case oauth2Grant(user: String, settings: OAuth2Login, placeholders: [String: String])

    /// The mechanism and identities, without the secret.
    public var description: String {
        switch self {
        case .password(let user, _): "password login as \(user)"
        case .authorizationIdentity(let admin, _, let mailbox): "PLAIN as \(admin) for \(mailbox)"
        case .oauth2(let user, _): "OAuth 2 token for \(user)"
        case .oauth2Grant(let user, let settings, _): "OAuth 2 token for \(user) (\(settings.summary))"
        }
    }
}

/// Turns a side's `login:` settings and a mailbox into that mailbox's credentials: the plan's login
/// styles (master user, authorization identity, per-mailbox) for every network store alike.
public struct MailboxLoginResolver: Sendable {
    /// Which side.
    public let side: MailSide
    /// The side's login settings.
    public let login: LoginSettings
    /// The server as errors name it.
    public let server: String
    let baseDirectory: URL
    let environment: [String: String]

    /// Creates a resolver; secrets are read relative to `baseDirectory` and from `environment`.
    public init(side: MailSide, login: LoginSettings, server: String, baseDirectory: URL, environment: [String: String]) {
        self.side = side
        self.login = login
        self.server = server
        self.baseDirectory = baseDirectory
        self.environment = environment
    }

    /// Creates the resolver of one side of a plan; a side without `login:` (a local store) logs in
    /// per mailbox as its address, which only a network store would ask for.
    public init(side: MailSide, server: MailServer, baseDirectory: URL, environment: [String: String]) {
        self.init(side: side, login: server.login ?? LoginSettings(style: .perMailbox, userFormat: "{address}", masterSeparator: "*"),
                  server: server.access.label, baseDirectory: baseDirectory, environment: environment)
    }

    /// The address this side uses for a mailbox.
    public func address(of mailbox: MailboxMapping) -> EmailAddress { side == .source ? mailbox.source : mailbox.target }

    /// The login name of a mailbox on this side: the per-mailbox `user:` or the server's `user_format`.
    public func loginName(for mailbox: MailboxMapping) -> String {
        let override = side == .source ? mailbox.sourceLogin?.user : mailbox.targetLogin?.user
        return override ?? Template.fill(login.userFormat, with: placeholders(for: mailbox))
    }

    /// The placeholders of a mailbox on this side: `{address}`, `{localpart}` and `{domain}` are this side's.
    public func placeholders(for mailbox: MailboxMapping) -> [String: String] {
        var values = Template.mailboxValues(source: mailbox.source, target: mailbox.target)
        let own = address(of: mailbox)
        values["address"] = own.description
        values["localpart"] = own.localPart
        values["domain"] = own.domain
        return values
    }

    /// The credentials of a mailbox; reads the secrets now. Throws a `MailError` naming the mailbox
    /// when a secret cannot be read or the plan gives none.
    public func credentials(for mailbox: MailboxMapping) throws -> MailboxCredentials {
        let name = loginName(for: mailbox)
        func failure(_ reason: String) -> MailError {
            MailError(side: side, server: server, mailbox: mailbox.source.description, reason: reason)
        }
        func secret(_ reference: SecretReference) throws -> String {
            do {
                return try reference.substituting(placeholders(for: mailbox)).resolve(baseDirectory: baseDirectory, environment: environment)
            } catch {
                throw failure("\(error)")
            }
        }
        switch login.style {
        case .masterUser, .authzid:
            guard let admin = login.admin else { throw failure("the plan gives no admin login") }
            if let token = admin.oauth2Token {
                return .oauth2(user: name, token: try secret(token))
            }
            guard let reference = admin.password else { throw failure("the admin login has no password") }
            let password = try secret(reference)
            if login.style == .masterUser {
                return .password(user: "\(name)\(login.masterSeparator)\(admin.user)", password: password)
            }
            return .authorizationIdentity(admin: admin.user, password: password, mailbox: name)
        case .perMailbox:
            let own = side == .source ? mailbox.sourceLogin?.password : mailbox.targetLogin?.password
            guard let reference = own ?? login.password else { throw failure("no password for this mailbox") }
            return .password(user: name, password: try secret(reference))
        case .oauth2:
            guard let settings = login.oauth2 else { throw failure("the plan gives no login.oauth2 settings") }
            var values = placeholders(for: mailbox)
            values["login"] = name
            return .oauth2Grant(user: name, settings: settings, placeholders: values)
        }
    }
}
