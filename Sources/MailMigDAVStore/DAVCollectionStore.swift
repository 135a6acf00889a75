import Foundation
import MailMigCore
import MailMigDAV
import MailMigOAuth2Login
import MailMigTLS

/// Contacts and calendars on a CardDAV (RFC 6352) and CalDAV (RFC 4791) server: the `dav:` endpoint
/// of a side, logged in per mailbox with the side's `login:`.
public struct DAVCollectionStore: CollectionStore {
    public let side: MailSide
    public let server: String
    let endpoint: DAVEndpoint
    let url: URL
    let logins: MailboxLoginResolver
    let trust: TLSTrust
    /// The access tokens of an `oauth2` login, in memory for the life of the store.
    let tokens: OAuth2Tokens?

    /// Registers the store for sides with a `dav:` endpoint.
    public static func register(in registry: inout CollectionStoreRegistry) {
        registry.register("dav") { side, server, context in
            guard let endpoint = server.dav, let url = URL(string: endpoint.url) else { return nil }
            return DAVCollectionStore(side: side, server: server, endpoint: endpoint, url: url, context: context)
        }
    }

    init(side: MailSide, server: MailServer, endpoint: DAVEndpoint, url: URL, context: AdapterContext) {
        self.side = side
        var origin = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        origin.path = ""
        origin.query = nil
        origin.user = nil
        origin.password = nil
        self.server = "\(origin.url?.absoluteString ?? endpoint.url) (CalDAV/CardDAV)"
        self.endpoint = endpoint
        self.url = url
        self.logins = MailboxLoginResolver(side: side, login: server.login ?? LoginSettings(style: .perMailbox, userFormat: "{address}", masterSeparator: "*"),
                                           server: url.host ?? endpoint.url, baseDirectory: context.baseDirectory, environment: context.environment)
        tokens = server.login?.oauth2.map { OAuth2Tokens(settings: $0, baseDirectory: context.baseDirectory, environment: context.environment) }
        if !endpoint.verifyCertificates {
            trust = .doNotVerify
        } else if let caFile = endpoint.caFile {
            trust = .caFile(context.baseDirectory.resolvingPlanPath(caFile).path)
        } else {
            trust = .systemRoots
        }
    }

    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any CollectionStoreSession) async throws -> T) async throws -> T {
        let address = (side == .source ? mailbox.source : mailbox.target).description
        let authorization: DAVAuthorization
        switch try logins.credentials(for: mailbox) {
        case .password(let user, let password):
            authorization = .basic(user: user, password: password)
        case .oauth2(_, let token):
            authorization = .bearer { _ in token }
        case .authorizationIdentity:
            throw MailError(side: side, server: server, mailbox: address,
                            reason: "login style authzid has no equivalent over HTTP: use per-mailbox passwords, a master user or OAuth 2 tokens for the dav server")
        case .oauth2Grant(_, _, let values):
            guard let tokens else { throw MailError(side: side, server: server, mailbox: address, reason: "the plan gives no login.oauth2 settings") }
            authorization = .bearer { renew in try await tokens.token(for: values, renew: renew) }
        }
        let client: DAVClient
        do {
            client = try DAVClient(url: url, authorization: authorization, trust: trust)
        } catch {
            let file: String = if case .caFile(let path) = trust { " from the CA file \(path)" } else { "" }
            throw MailError(side: side, server: server, mailbox: address, reason: "cannot set up TLS\(file): \(error)")
        }
        let session = DAVSession(client: client, side: side, server: server, mailbox: address)
        do {
            let principal = endpoint.principalFormat.map { Template.fill($0, with: logins.placeholders(for: mailbox)) }
            try await session.discover(contextPath: url.path.isEmpty ? "/" : url.path, principal: principal)
            let value = try await body(session)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
