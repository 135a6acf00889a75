import Foundation
import MailMigCore
import MailMigOAuth2

/// The OAuth 2.0 access tokens of one side's logins (`login.style: oauth2`), for every network store
/// that logs in with them (IMAP, CalDAV/CardDAV): asked for at the token endpoint (or the plan's
/// command) when a session needs one, kept in memory, replaced before they expire and once more after
/// the server refuses one.
public final class OAuth2Tokens: Sendable {
    /// The plan's `login.oauth2`.
    public let settings: OAuth2Login
    let baseDirectory: URL
    let environment: [String: String]
    let cache: AccessTokenCache

    /// Creates the tokens of one side; secrets are read relative to `baseDirectory` and from `environment`.
    public init(settings: OAuth2Login, baseDirectory: URL, environment: [String: String]) {
        self.settings = settings
        self.baseDirectory = baseDirectory
        self.environment = environment
        // The cache key says which mailbox a token is for; the fetch is handed the placeholders for it.
        let placeholders = PlaceholderBook()
        self.placeholders = placeholders
        cache = AccessTokenCache { [settings, baseDirectory, environment] key in
            try await Self.fetch(settings, values: placeholders.values(for: key), baseDirectory: baseDirectory, environment: environment)
        }
    }

    private let placeholders: PlaceholderBook

    /// The token for a mailbox whose placeholders are `values`.
    public func token(for values: [String: String], renew: Bool) async throws -> String {
        let key = Self.key(settings, values: values)
        placeholders.remember(values, for: key)
        let token = try await cache.token(for: key, renew: renew)
        // Whatever a server echoes of it is hidden from logs and reports.
        SecretRedaction.register(token)
        return token
    }

    /// How long a token command may run, in seconds.
    static let commandTimeout: TimeInterval = 60

    /// One token per application, or per mailbox when the grant names the mailbox: a subject, a
    /// command, or secret references with placeholders (a refresh token per mailbox,
    /// `env:RT_{localpart}`). The key holds the references as the plan writes them, never a secret.
    static func key(_ settings: OAuth2Login, values: [String: String]) -> String {
        switch settings.grant {
        case .clientCredentials(_, _, let secret, _):
            return secret.substituting(values).description
        case .refreshToken(_, _, let secret, let refreshToken, _):
            return [secret?.substituting(values).description ?? "", refreshToken.substituting(values).description].joined(separator: "\u{0}")
        case .jwtBearer(_, let subject, _, _): return subject.map { Template.fill($0, with: values) } ?? ""
        case .command(let words): return words.map { Template.fill($0, with: values) }.joined(separator: "\u{0}")
        }
    }

    static func fetch(_ settings: OAuth2Login, values: [String: String], baseDirectory: URL, environment: [String: String]) async throws -> AccessToken {
        func secret(_ reference: SecretReference) throws -> String {
            try reference.substituting(values).resolve(baseDirectory: baseDirectory, environment: environment)
        }
        switch settings.grant {
        case .clientCredentials(let url, let clientID, let clientSecret, let scope):
            let grant = TokenGrant.clientCredentials(clientID: clientID, clientSecret: try secret(clientSecret), scope: scope)
            return try await endpoint(url).requestToken(grant)
        case .refreshToken(let url, let clientID, let clientSecret, let refreshToken, let scope):
            let grant = TokenGrant.refreshToken(clientID: clientID, clientSecret: try clientSecret.map(secret), refreshToken: try secret(refreshToken),
                                                scope: scope)
            return try await endpoint(url).requestToken(grant)
        case .jwtBearer(let keyFile, let subject, let scope, let tokenURL):
            let key = try ServiceAccountKey(jsonFile: baseDirectory.resolvingPlanPath(keyFile))
            guard let url = tokenURL ?? key.tokenURL else {
                throw OAuth2Error(source: "the key file \(keyFile)", reason: "it names no token_uri; give login.oauth2.jwt_bearer.token_url", isTransient: false)
            }
            let grant = TokenGrant.jwtBearer(key: key, subject: subject.map { Template.fill($0, with: values) }, scope: scope)
            return try await endpoint(url).requestToken(grant)
        case .command(let words):
            let command = words.map { Template.fill($0, with: values) }
            let source = "the command `\(command.first ?? "")`"
            let started = Date()
            let outcome: CommandRunner.Outcome
            do {
                outcome = try await CommandRunner.run(command, in: baseDirectory, environment: environment, timeout: commandTimeout)
            } catch {
                throw OAuth2Error(source: source, reason: "it cannot be started: \(error.reason)", isTransient: false)
            }
            // Its standard error may be quoted; its output is the token, and never is.
            guard outcome.succeeded else {
                throw OAuth2Error(source: source, reason: outcome.failure(timeout: commandTimeout, errorsOnly: true), isTransient: false)
            }
            return try CommandToken.parse(outcome.output, issuedAt: started, source: source)
        }
    }

    /// The token endpoint at `url`; `http` only on this machine's loopback.
    static func endpoint(_ url: String) throws -> TokenEndpoint {
        try TokenEndpoint(url: url, plainHTTPAllowed: URLComponents(string: url)?.host.map(LoopbackHost.contains) ?? false)
    }
}

/// The placeholders of the mailboxes whose tokens the cache is asked for, by cache key.
private final class PlaceholderBook: @unchecked Sendable {
    private let lock = NSLock()
    private var byKey: [String: [String: String]] = [:]

    func remember(_ values: [String: String], for key: String) { lock.withLock { byKey[key] = values } }
    func values(for key: String) -> [String: String] { lock.withLock { byKey[key] ?? [:] } }
}
