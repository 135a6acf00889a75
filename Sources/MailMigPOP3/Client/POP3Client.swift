import Logging
import NIOCore
import NIOSSL
import MailMigTLS

/// One POP3 session (RFC 1939): connect, log in, list and read messages, quit.
///
/// Commands run one at a time, each waiting for its complete answer. The library has no DELE: it
/// can read a maildrop but cannot mark anything for deletion. Create a client with `connect(_:)`,
/// log in with `login(_:)`, then use `listing()` and `retrieve(_:maximumSize:)`; end with `quit()`.
public actor POP3Client {
    /// The configuration this client was created with.
    public nonisolated let configuration: POP3Configuration
    /// The server's greeting.
    public internal(set) var greeting = POP3Greeting(text: "")
    /// What CAPA announced last (refreshed after STLS and login); nil when the server has no CAPA.
    public internal(set) var capabilities: POP3Capabilities?
    /// Whether the session is logged in (TRANSACTION state).
    public internal(set) var isAuthenticated = false

    let logger: Logger
    let channel: Channel
    let startTLSGuard: StartTLSGuard?
    var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    var writerWaiters: [CheckedContinuation<Void, Never>] = []
    /// The command whose answer is being read.
    var current: Exchange?
    /// Segments that arrived while no command waited (the greeting, before it is awaited).
    var early: [POP3Segment] = []
    var earlyBytes = 0
    var busy = false
    var busyWaiters: [CheckedContinuation<Void, Never>] = []
    var exchangeCounter = 0
    var failure: POP3Error?

    init(configuration: POP3Configuration, channel: Channel, logger: Logger, startTLSGuard: StartTLSGuard? = nil) {
        self.configuration = configuration
        self.channel = channel
        self.logger = logger
        self.startTLSGuard = startTLSGuard
    }

    deinit {
        // A client dropped without QUIT must not keep its socket open.
        channel.close(promise: nil)
    }

    var server: String { configuration.label }

    // MARK: Connecting

    /// Connects, reads the greeting, asks CAPA and, for `startTLS`, upgrades the connection; no login yet.
    public static func connect(
        _ configuration: POP3Configuration,
        logger: Logger = Logger(label: "mailmig.pop3")
    ) async throws -> POP3Client {
        do {
            return try await connectOnce(configuration, logger: logger)
        } catch POP3Error.tls(let server, nil, let reason) where configuration.trust != .doNotVerify {
            let (subject, names) = await describeCertificate(configuration)
            throw POP3Error.tls(server: server, subject: subject,
                                reason: TLSFailure.reason(reason, host: configuration.host, certificateNames: names))
        }
    }

    static func connectOnce(_ configuration: POP3Configuration, logger: Logger) async throws -> POP3Client {
        let asyncChannel: ChannelSetup.AsyncChannel
        let startTLSGuard = configuration.tls == .startTLS ? StartTLSGuard() : nil
        do {
            asyncChannel = try await ChannelSetup.connect(configuration, startTLSGuard: startTLSGuard)
        } catch {
            if let reason = TLSFailure.reason(of: error) { throw POP3Error.tls(server: configuration.label, subject: nil, reason: reason) }
            throw POP3Error.connectFailed(server: configuration.label, detail: "\(error)")
        }
        let client = POP3Client(configuration: configuration, channel: asyncChannel.channel, logger: logger,
                                startTLSGuard: startTLSGuard)
        await client.start(asyncChannel)
        do {
            try await client.awaitGreeting()
            try await client.refreshCapabilities()
            if configuration.tls == .startTLS { try await client.startTLS() }
        } catch {
            // A refused certificate or a bad greeting must not leave the socket open.
            await client.close()
            throw error
        }
        return client
    }

    /// Wraps an already connected channel and reads the greeting (tests use an in-memory channel).
    static func attach(
        _ asyncChannel: ChannelSetup.AsyncChannel,
        configuration: POP3Configuration,
        startTLSGuard: StartTLSGuard? = nil,
        logger: Logger = Logger(label: "mailmig.pop3")
    ) async throws -> POP3Client {
        let client = POP3Client(configuration: configuration, channel: asyncChannel.channel, logger: logger,
                                startTLSGuard: startTLSGuard)
        await client.start(asyncChannel)
        try await client.awaitGreeting()
        return client
    }

    /// The subject and names of the certificate the server presents, read without trusting it.
    static func describeCertificate(_ configuration: POP3Configuration) async -> (subject: String?, names: [String]) {
        var probe = configuration
        probe.trust = .doNotVerify
        probe.connectTimeout = min(configuration.connectTimeout, 10)
        probe.commandTimeout = min(configuration.commandTimeout, 10)
        guard let client = try? await connectOnce(probe, logger: Logger(label: "mailmig.pop3.probe")),
              let certificate = try? await client.channel.nioSSL_peerCertificate().get() else { return (nil, []) }
        await client.close()
        return TLSCertificateDescription.describe(certificate)
    }

    func start(_ asyncChannel: ChannelSetup.AsyncChannel) async {
        Task { [weak self] in
            do {
                try await asyncChannel.executeThenClose { inbound, outbound in
                    await self?.attach(writer: outbound)
                    for try await segment in inbound {
                        guard let self else { return }
                        await self.receive(segment)
                    }
                }
                await self?.connectionEnded(error: nil)
            } catch {
                await self?.connectionEnded(error: error)
            }
        }
        while writer == nil, failure == nil {
            await withCheckedContinuation { writerWaiters.append($0) }
        }
    }

    func attach(writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.writer = writer
        let waiters = writerWaiters
        writerWaiters.removeAll()
        waiters.forEach { $0.resume() }
    }

    func awaitGreeting() async throws {
        let reply = try await exchange(nil, name: POP3Error.greeting)
        guard case .ok(let text) = reply.status else { throw Self.refusal(reply.status, server: server, command: POP3Error.greeting) }
        greeting = POP3Greeting(text: text)
    }

    // MARK: Closing

    /// Closes the connection without QUIT: the server never enters its UPDATE state, so nothing is
    /// removed from the maildrop (RFC 1939 §6).
    public func close() async {
        if failure == nil {
            fail(with: .connectionLost(server: server, command: current?.name ?? "nothing", detail: "closed by the client"))
        }
        try? await channel.close()
    }
}
