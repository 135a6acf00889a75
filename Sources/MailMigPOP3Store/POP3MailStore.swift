import Foundation
import MailMigCore
import MailMigPOP3

/// The source side of a migration over POP3 (RFC 1939): a user's maildrop, read as one folder and
/// never written.
///
/// Each session logs in as one mailbox, lists the maildrop once (LIST and UIDL), reads headers with
/// TOP and messages with RETR, and ends with QUIT; no command marks anything for deletion. Honours
/// the server's connection limit and retries a failed connection with backoff before giving up with
/// an error that names server and mailbox. A session that fails is never used again: the engine's
/// retry asks for a new one.
public struct POP3MailStore: MailStore {
    /// Which side this connects to (a POP3 server is only ever a source).
    public let side: MailSide
    /// The plan's settings for that side.
    public let settings: MailServer
    let baseDirectory: URL
    let environment: [String: String]
    let limiter: ConnectionLimiter
    /// The pause before the second connection attempt; each further one waits four times longer.
    var firstRetryPause: Double = 0.5

    /// Registers this kind under its plan key `pop3`: the one line the composition root adds.
    public static func register(in registry: inout MailStoreRegistry) {
        registry.register("pop3") { side, server, context in
            guard case .pop3 = server.access else { return nil }
            return POP3MailStore(side: side, server: server, baseDirectory: context.baseDirectory, environment: context.environment)
        }
    }

    /// Creates a store.
    public init(side: MailSide, server: MailServer, baseDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.side = side
        self.settings = server
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.limiter = ConnectionLimiter(limit: server.connections)
    }

    /// The server's host, as errors name it.
    public var server: String { settings.access.label }

    /// The plan-form path of the one folder the maildrop is read as (`source.pop3_folder`, `INBOX` by default).
    public var folder: String {
        if case .pop3(_, let folder) = settings.access { return folder }
        return "INBOX"
    }

    /// Connects and logs in as `mailbox`, lists the maildrop, runs `body`, and ends with QUIT; retries
    /// connecting up to 3 times.
    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        do {
            return try await limiter.withSession(open: { try await open(mailbox) }, close: { await $0.end() }, body)
        } catch {
            // A failure to open is a `MailError` already, which this keeps as it is; the state's failures
            // in `body` are not this server's and pass unchanged.
            throw MailError.wrapping(POP3ErrorClassifier.classify(error), side: side, server: server, mailbox: mailbox.source.description, folder: nil)
        }
    }

    /// Opens a session without the limiter (the caller holds a slot): connects, logs in and lists,
    /// trying again after a transient failure.
    func open(_ mailbox: MailboxMapping) async throws -> POP3StoreSession {
        let credentials = try resolver.credentials(for: mailbox)
        // A server quoting the AUTH line back sends the secret in this form.
        Self.wireForms(of: credentials).forEach(SecretRedaction.register)
        var pause = firstRetryPause
        for attempt in 1...3 {
            do {
                return try await connect(mailbox, credentials)
            } catch let failure as MailError {
                guard failure.isTransient, attempt < 3 else { throw failure }
                // A server's announced LOGIN-DELAY is waited out when it is longer, up to the cap.
                try await Task.sleep(nanoseconds: UInt64(max(pause, min(MailStoreError.longestRetryPause, failure.retryAfter ?? 0)) * 1e9))
                pause *= 4
            }
        }
        throw MailError(side: side, server: server, mailbox: mailbox.source.description, reason: "could not connect")
    }

    /// One attempt: connect, log in, list; every failure as a `MailError` (naming the folder when the
    /// listing failed).
    private func connect(_ mailbox: MailboxMapping, _ credentials: MailboxCredentials) async throws -> POP3StoreSession {
        let name = mailbox.source.description
        let client: POP3Client
        do {
            client = try await POP3Client.connect(configuration)
        } catch {
            throw MailError(POP3ErrorClassifier.classify(error), side: side, server: server, mailbox: name, folder: nil)
        }
        let capabilities = await client.capabilities
        do {
            try await client.login(try pop3Credentials(credentials, offered: capabilities))
        } catch {
            await client.close()
            throw MailError(POP3ErrorClassifier.classify(error, loginDelay: capabilities?.loginDelay),
                            side: side, server: server, mailbox: name, folder: nil)
        }
        do {
            return try await POP3StoreSession.start(client: client, side: side, folder: folder, passTime: Date())
        } catch {
            await client.close()
            throw MailError(POP3ErrorClassifier.classify(error), side: side, server: server, mailbox: name, folder: folder)
        }
    }
}
