import Foundation
import MailMigCore
import MailMigIMAP

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

    /// Registers this kind under its plan key `imap`: the one line the composition root adds.
    public static func register(in registry: inout MailStoreRegistry) {
        registry.register("imap") { side, server, context in
            IMAPMailStore(side: side, server: server, baseDirectory: context.baseDirectory, environment: context.environment)
        }
    }

    /// The server's host, as errors name it.
    public var server: String { settings.imap.host }

    /// Creates a store.
    public init(side: MailSide, server: MailServer, baseDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.side = side
        self.settings = server
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.limiter = ConnectionLimiter(limit: server.connections)
    }

    /// The IMAP client settings for this server.
    public var configuration: IMAPConfiguration {
        let endpoint = settings.imap
        let tls: IMAPConfiguration.TLSMode = switch endpoint.tls {
        case .implicit: .implicit
        case .starttls: .startTLS
        case .none: .none
        }
        let trust: IMAPConfiguration.Trust
        if !endpoint.verifyCertificates {
            trust = .doNotVerify
        } else if let caFile = endpoint.caFile {
            trust = .caFile(baseDirectory.resolvingPlanPath(caFile).path)
        } else {
            trust = .systemRoots
        }
        return IMAPConfiguration(host: endpoint.host, port: endpoint.port, tls: tls, trust: trust, label: "\(side.rawValue) \(endpoint.host)")
    }

    /// The address this side uses for a mailbox.
    public func address(of mailbox: MailboxMapping) -> EmailAddress { side == .source ? mailbox.source : mailbox.target }

    /// The login name of a mailbox on this side: the per-mailbox `user:` or the server's `user_format`.
    public func loginName(for mailbox: MailboxMapping) -> String {
        let override = side == .source ? mailbox.sourceLogin?.user : mailbox.targetLogin?.user
        return override ?? Template.fill(settings.login.userFormat, with: placeholders(for: mailbox))
    }

    func placeholders(for mailbox: MailboxMapping) -> [String: String] {
        var values = Template.mailboxValues(source: mailbox.source, target: mailbox.target)
        let own = address(of: mailbox)
        values["address"] = own.description
        values["localpart"] = own.localPart
        values["domain"] = own.domain
        return values
    }

    /// The credentials of a mailbox; reads the secrets now.
    public func credentials(for mailbox: MailboxMapping) throws -> IMAPCredentials {
        let login = loginName(for: mailbox)
        let styles = self.settings.login
        func secret(_ reference: SecretReference) throws -> String {
            do {
                return try reference.substituting(placeholders(for: mailbox)).resolve(baseDirectory: baseDirectory, environment: environment)
            } catch {
                throw MailError(side: side, server: server, mailbox: mailbox.source.description, reason: "\(error)")
            }
        }
        switch styles.style {
        case .masterUser, .authzid:
            guard let admin = styles.admin else {
                throw MailError(side: side, server: server, mailbox: mailbox.source.description, reason: "the plan gives no admin login")
            }
            if let token = admin.oauth2Token {
                return .xoauth2(user: login, accessToken: try secret(token))
            }
            guard let reference = admin.password else {
                throw MailError(side: side, server: server, mailbox: mailbox.source.description, reason: "the admin login has no password")
            }
            let password = try secret(reference)
            if styles.style == .masterUser {
                return .login(user: "\(login)\(styles.masterSeparator)\(admin.user)", password: password)
            }
            return .plain(user: admin.user, password: password, authorizationIdentity: login)
        case .perMailbox:
            let own = side == .source ? mailbox.sourceLogin?.password : mailbox.targetLogin?.password
            guard let reference = own ?? styles.password else {
                throw MailError(side: side, server: server, mailbox: mailbox.source.description, reason: "no password for this mailbox")
            }
            return .login(user: login, password: try secret(reference))
        }
    }

    /// Connects and logs in as `mailbox`, runs `body`, and logs out; retries connecting up to 3 times.
    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        await limiter.acquire()
        let session: IMAPStoreSession
        do {
            session = try await open(mailbox)
        } catch {
            await limiter.release()
            throw error
        }
        do {
            let result = try await body(session)
            await session.close()
            await limiter.release()
            return result
        } catch {
            await session.close()
            await limiter.release()
            throw MailError(IMAPErrorClassifier.classify(error), side: side, server: server, mailbox: mailbox.source.description, folder: nil)
        }
    }

    /// Opens a session without the limiter (the caller holds a slot).
    func open(_ mailbox: MailboxMapping) async throws -> IMAPStoreSession {
        let credentials = try credentials(for: mailbox)
        // A server quoting the LOGIN or AUTHENTICATE line back sends the secret in these forms.
        credentials.wireForms.forEach(SecretRedaction.register)
        var delay: UInt64 = 500_000_000
        var lastError: MailError?
        for attempt in 1...3 {
            do {
                let client = try await IMAPClient.connect(configuration)
                do {
                    try await client.login(credentials)
                    return try await IMAPStoreSession.start(client: client, side: side, mailbox: mailbox.source.description)
                } catch {
                    await client.close()
                    throw error
                }
            } catch {
                let wrapped = MailError(IMAPErrorClassifier.classify(error), side: side, server: server, mailbox: mailbox.source.description, folder: nil)
                guard wrapped.isTransient, attempt < 3 else { throw wrapped }
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
