import Foundation
import Logging
import MailMigCore
import MailMigIMAP
import MailMigOAuth2
import MailMigOAuth2Login

/// The mail store of one side of a migration over IMAP: logged-in sessions for one mailbox at a time.
///
/// Knows the plan's login styles (master user, authorization identity, per-mailbox), resolves the
/// secrets at the moment of connecting, honours the server's connection limit, and retries a failed
/// connection with backoff before giving up with an error that names server and mailbox.
public struct IMAPMailStore: MailStore {
    /// Which side this connects to.
    public let side: MailSide
    /// The plan's settings for that side.
    public let settings: MailServer
    let baseDirectory: URL
    let environment: [String: String]
    let limiter: ConnectionLimiter
    /// The access tokens of an `oauth2` login, in memory for the life of the store.
    let tokens: OAuth2Tokens?

    /// Registers this kind under its plan key `imap`: the one line the composition root adds.
    public static func register(in registry: inout MailStoreRegistry) {
        registry.register("imap") { side, server, context in
            guard case .imap = server.access else { return nil }
            return IMAPMailStore(side: side, server: server, baseDirectory: context.baseDirectory, environment: context.environment)
        }
    }

    /// The server's host, as errors name it.
    public var server: String { settings.access.label }

    /// Creates a store.
    public init(side: MailSide, server: MailServer, baseDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.side = side
        self.settings = server
        self.baseDirectory = baseDirectory
        self.environment = environment
        let label = "\(side.rawValue) \(server.access.label)"
        self.limiter = ConnectionLimiter(limit: server.connections, recoverAfter: Double(server.throttling.recoverAfter),
                                         onChange: { Self.log($0, server: label) })
        tokens = server.login?.oauth2.map { OAuth2Tokens(settings: $0, baseDirectory: baseDirectory, environment: environment) }
    }

    /// One line in the log per change of the connection window (`target outlook.office365.com: throttled, connections 8 → 4`).
    static func log(_ change: ConnectionLimiter.WindowChange, server: String) {
        let what = change.throttled ? "throttled, connections \(change.from) → \(change.to)" : "no throttling lately, connections \(change.from) → \(change.to)"
        Logger(label: "mailmig.pacing").notice("\(server): \(what)", metadata: ["window": "\(change.to)", "at": "\(String(format: "%.3f", change.at))"])
    }

    /// The IMAP client settings for this server.
    public var configuration: IMAPConfiguration {
        let endpoint = settings.access.endpoint ?? ServerEndpoint(host: server, port: 993, tls: .implicit, verifyCertificates: true)
        let tls: IMAPConfiguration.TLSMode = switch endpoint.tls {
        case .implicit: .implicit
        case .starttls: .startTLS
        case .none: .none
        }
        let trust: IMAPConfiguration.Trust = switch endpoint.certificateTrust(baseDirectory: baseDirectory) {
        case .systemRoots: .systemRoots
        case .caFile(let path): .caFile(path)
        case .doNotVerify: .doNotVerify
        }
        return IMAPConfiguration(host: endpoint.host, port: endpoint.port, tls: tls, trust: trust, label: "\(side.rawValue) \(endpoint.host)")
    }

    /// Reads the plan's login styles for this side.
    var resolver: MailboxLoginResolver {
        MailboxLoginResolver(side: side, server: settings, baseDirectory: baseDirectory, environment: environment)
    }

    /// The login name of a mailbox on this side.
    public func loginName(for mailbox: MailboxMapping) -> String { resolver.loginName(for: mailbox) }

    /// The credentials of a mailbox in IMAP's terms; reads the secrets now. An `oauth2` login gets its
    /// token from the token endpoint (or the cache): `capabilities` (asked only then) choose its
    /// mechanism, `renew` replaces a token the server refused.
    public func credentials(for mailbox: MailboxMapping, capabilities: () async throws -> Set<String> = { [] },
                            renew: Bool = false) async throws -> IMAPCredentials {
        switch try resolver.credentials(for: mailbox) {
        case .password(let user, let password): return .login(user: user, password: password)
        case .authorizationIdentity(let admin, let password, let mailbox): return .plain(user: admin, password: password, authorizationIdentity: mailbox)
        case .oauth2(let user, let token): return .xoauth2(user: user, accessToken: token)
        case .oauth2Grant(let user, _, let values):
            guard let tokens else { throw MailStoreError(.failed, "the plan gives no login.oauth2 settings") }
            let endpoint = configuration
            do {
                return try await tokens.credentials(user: user, values: values, capabilities: try await capabilities(), host: endpoint.host, port: endpoint.port,
                                                    renew: renew)
            } catch let error as OAuth2Error {
                // The token endpoint has had its own retries: trying the login again would only spend
                // them again, for every mailbox, on an endpoint that is down.
                throw MailStoreError(.failed, error.description)
            }
        }
    }

    /// Connects and logs in as `mailbox`, runs `body`, and logs out; retries connecting up to 3 times.
    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        let meter = ThrottleMeter.current
        do {
            return try await limiter.withSession(open: { try await open(mailbox) }, close: { await $0.close() },
                                                 throttledWait: { meter?.add($0, side: side) }, body)
        } catch {
            // A failure to open is a `MailError` already, which this keeps as it is; the state's failures
            // in `body` are not this server's and pass unchanged.
            let wrapped = MailError.wrapping(IMAPErrorClassifier.classify(error), side: side, server: server, mailbox: mailbox.source.description, folder: nil)
            guard let failure = wrapped as? MailError else { throw wrapped }
            // Only this side's throttling paces this server: a target's answer passes through the source's session too.
            if failure.isThrottled, failure.side == side { await limiter.throttled(suggestedPause: failure.retryAfter) }
            throw failure
        }
    }

    /// Logs in on a connected client. An OAuth 2 token the server refuses (expired early, revoked and
    /// granted again) is replaced once, on the same connection, before the refusal counts.
    func login(_ client: IMAPClient, as mailbox: MailboxMapping) async throws {
        var renew = false
        while true {
            // A password LOGIN goes out behind the connection's unanswered CAPABILITY (`IMAPClient.login`).
            let credentials = try await credentials(for: mailbox, capabilities: { try await client.settledCapabilities() }, renew: renew)
            // A server quoting the LOGIN or AUTHENTICATE line back sends the secret in these forms.
            credentials.wireForms.forEach(SecretRedaction.register)
            do {
                try await client.login(credentials)
                return
            } catch let error as IMAPError where credentials.isBearerToken && !renew && IMAPErrorClassifier.refusesLogin(error) {
                renew = true
            }
        }
    }

    /// How the connections to this server adapted to throttling so far.
    public func pacing() async -> ConnectionLimiter.Summary? { await limiter.summary }

    /// Opens a session without the limiter (the caller holds a slot).
    func open(_ mailbox: MailboxMapping) async throws -> IMAPStoreSession {
        var delay: UInt64 = 500_000_000
        var lastError: MailError?
        for attempt in 1...3 {
            do {
                let client = try await IMAPClient.connect(configuration, awaitingCapabilities: false)
                do {
                    try await login(client, as: mailbox)
                    return try await IMAPStoreSession.start(client: client, side: side, mailbox: mailbox.source.description)
                } catch {
                    await client.close()
                    throw error
                }
            } catch {
                let wrapped = MailError(IMAPErrorClassifier.classify(error), side: side, server: server, mailbox: mailbox.source.description, folder: nil)
                // A throttled login is the engine's to pace (the caller shrinks the window and retries): not retried here.
                guard wrapped.isTransient, !wrapped.isThrottled, attempt < 3 else { throw wrapped }
                lastError = wrapped
                // A throttling server's suggested pause is honoured when it is longer, up to the cap.
                let suggested = UInt64(min(MailStoreError.longestRetryPause, wrapped.retryAfter ?? 0) * 1_000_000_000)
                try await Task.sleep(nanoseconds: max(delay, suggested))
                delay *= 4
            }
        }
        throw lastError ?? MailError(side: side, server: server, mailbox: mailbox.source.description, reason: "could not connect")
    }
}
