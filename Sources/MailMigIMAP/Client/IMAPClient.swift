import Logging
import NIOCore
import NIOSSL
import MailMigConcurrency
import MailMigSpool
import MailMigTLS

/// One IMAP connection: send commands (several may be in flight), read responses, track session state.
///
/// Create it with `connect(_:)`, log in, then use the command methods. Responses are read by a
/// background task; untagged data goes to the oldest waiting command that expects that kind of
/// data (FETCH results by UID, ESEARCH by tag), since servers interleave pipelined answers.
public actor IMAPClient {
    /// The configuration this client was created with.
    public nonisolated let configuration: IMAPConfiguration
    /// Capabilities (upper-cased) as last announced; refreshed after STARTTLS and login.
    ///
    /// Empty until a CAPABILITY sent by a `connect(_:awaitingCapabilities:)` with `false` is
    /// answered: `settledCapabilities()` waits for it, and `login` does.
    public internal(set) var capabilities: Set<String> = []
    /// Extensions the server confirmed in ENABLED.
    public internal(set) var enabled: Set<String> = []
    /// The mailbox selected with SELECT or EXAMINE, with its current counters.
    public internal(set) var selected: SelectedMailbox?
    /// Whether the session is logged in.
    public internal(set) var isAuthenticated = false

    let logger: Logger
    let channel: Channel
    /// The connection's local port, which names it in the trace log as it does in the server's own logs.
    let connection: Int
    /// What the handlers reading the connection share with the client: byte counts, the body limit.
    let shared: InboundShared
    var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    var writerWaiters: [CheckedContinuation<Void, Never>] = []
    var tagCounter = 0
    var pending: [PendingCommand] = []
    var greeting: CheckedContinuation<StatusResponseLine, any Error>?
    var receivedGreeting: StatusResponseLine?
    var continuationWaiter: CheckedContinuation<String, any Error>?
    var continuationOwner: PendingCommand?
    var sendLocked = false
    var sendLockWaiters: [CheckedContinuation<Void, Never>] = []
    var failure: IMAPError?
    /// The last time the client wrote, or resumed reading after waiting for a consumer; bytes read
    /// are timed by `shared.counter`.
    var lastActivity = NIODeadline.now()
    /// When an unanswered greeting times out.
    var greetingDeadline = NIODeadline.distantFuture
    /// Literal bytes already credited to the deadlines of waiting commands.
    var literalBytesCredited = 0
    /// When the watchdog last looked at the clocks.
    var lastWatchdogLook = NIODeadline.now()
    var readerWaitsForConsumer = false
    var byeText: String?
    /// The CAPABILITY sent after TLS (or after a greeting that listed none) and not yet awaited.
    var capabilityQuery: Task<Void, any Error>?

    /// Whether mailbox names travel as UTF-8 (UTF8=ACCEPT enabled) instead of modified UTF-7.
    public var utf8Enabled: Bool { enabled.contains("UTF8=ACCEPT") }

    init(configuration: IMAPConfiguration, channel: Channel, logger: Logger, shared: InboundShared) {
        self.configuration = configuration
        self.channel = channel
        self.connection = channel.localAddress?.port ?? 0
        self.logger = logger
        self.shared = shared
    }

    deinit {
        // A client dropped without LOGOUT must not keep its socket open.
        channel.close(promise: nil)
    }

    var server: String { configuration.label }

    var startTLSGuard: StartTLSGuard? { shared.startTLSGuard }

    /// Bytes read from the server so far (after TLS decryption).
    public var bytesReceived: Int {
        get async { shared.counter.total }
    }

    // MARK: Connecting

    /// Connects, reads the greeting and, for `starttls`, upgrades the connection; no login yet.
    ///
    /// With `awaitingCapabilities` false, the CAPABILITY the connection needs (after STARTTLS, or
    /// after a greeting that lists none) is sent and not waited for: on a TLS connection a password
    /// `login` goes out behind it, which saves a round trip per connection. `capabilities` is empty
    /// until the answer arrives; `settledCapabilities()` waits for it.
    public static func connect(
        _ configuration: IMAPConfiguration,
        awaitingCapabilities: Bool = true,
        logger: Logger = Logger(label: "mailmig.imap")
    ) async throws -> IMAPClient {
        let client: IMAPClient
        do {
            client = try await connectOnce(configuration, logger: logger)
        } catch {
            throw await described(error, configuration: configuration)
        }
        if awaitingCapabilities {
            do {
                // After STARTTLS, a failed handshake shows here, described already.
                _ = try await client.settledCapabilities()
            } catch {
                await client.close()
                throw error
            }
        }
        return client
    }

    /// A TLS failure with the certificate the server showed and the names it holds (a second,
    /// unverified handshake asks); other errors as they are.
    static func described(_ error: any Error, configuration: IMAPConfiguration) async -> any Error {
        guard case IMAPError.tls(let server, nil, let reason) = error, configuration.trust != .doNotVerify else { return error }
        let (subject, names) = await TLSCertificateProbe.describe(configuration)
        return IMAPError.tls(server: server, subject: subject, reason: TLSFailure.reason(reason, host: configuration.host, certificateNames: names))
    }

    static func connectOnce(_ configuration: IMAPConfiguration, logger: Logger) async throws -> IMAPClient {
        let asyncChannel: ChannelSetup.AsyncChannel
        let shared = InboundShared(startTLS: configuration.tls == .startTLS)
        do {
            asyncChannel = try await ChannelSetup.connect(configuration, shared: shared)
        } catch {
            if let reason = TLSFailure.reason(of: error) { throw IMAPError.tls(server: configuration.label, subject: nil, reason: reason) }
            throw IMAPError.connectFailed(server: configuration.label, detail: "\(error)")
        }
        let client = IMAPClient(configuration: configuration, channel: asyncChannel.channel, logger: logger, shared: shared)
        await client.start(asyncChannel)
        do {
            try await client.awaitGreeting()
            if configuration.tls == .startTLS {
                try await client.startTLS()
            } else if await client.capabilities.isEmpty {
                // Literal and login choices depend on capabilities; not every greeting lists them.
                try await client.askCapabilities()
            }
        } catch {
            // A refused certificate or a bad greeting must not leave the socket open.
            await client.close()
            throw error
        }
        return client
    }

    /// Wraps an already connected channel (used by tests with an in-memory channel).
    static func attach(
        _ asyncChannel: ChannelSetup.AsyncChannel,
        configuration: IMAPConfiguration,
        shared: InboundShared,
        logger: Logger = Logger(label: "mailmig.imap")
    ) async throws -> IMAPClient {
        let client = IMAPClient(configuration: configuration, channel: asyncChannel.channel, logger: logger, shared: shared)
        await client.start(asyncChannel)
        try await client.awaitGreeting()
        return client
    }

    func start(_ asyncChannel: ChannelSetup.AsyncChannel) async {
        Task { [weak self] in
            do {
                try await asyncChannel.executeThenClose { inbound, outbound in
                    await self?.attach(writer: outbound)
                    for try await framed in inbound {
                        guard let self else { return }
                        await self.receive(framed.response, size: framed.size)
                    }
                }
                await self?.connectionEnded(error: nil)
            } catch {
                await self?.connectionEnded(error: error)
            }
        }
        greetingDeadline = .now() + Self.seconds(configuration.readTimeout)
        startWatchdog()
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
        let line: StatusResponseLine
        if let receivedGreeting {
            line = receivedGreeting
        } else {
            if let failure { throw failure }
            line = try await withCheckedThrowingContinuation { greeting = $0 }
        }
        switch line.status {
        case .bye: throw IMAPError.bye(server: server, text: line.text)
        case .preauth: isAuthenticated = true
        default: break
        }
        if case .capability(let caps)? = line.code { setCapabilities(caps) }
    }

    func startTLS() async throws {
        startTLSGuard?.arm()
        let context: NIOSSLContext
        do {
            _ = try await execute(Command("STARTTLS"))
            context = try TLSClient.makeContext(trust: configuration.trust)
        } catch {
            _ = startTLSGuard?.release()
            throw Self.classify(error, server: server)
        }
        if try await TLSClient.upgrade(channel, context: context, host: configuration.host, guard: startTLSGuard) {
            let reason = IMAPError.protocolViolation(
                server: server, detail: "data followed the STARTTLS answer before TLS began (possible injection); connection closed")
            await fail(with: reason)
            try? await channel.close()
            throw reason
        }
        // Capabilities may change once the connection is protected (RFC 3501 §6.2.1).
        try await askCapabilities()
    }

    // MARK: Sending

    /// Literals larger than this are written in slices of this size.
    static let literalSlice = 256 * 1024

    /// Sends a command and returns a handle to await; several may be sent before awaiting any.
    ///
    /// A FETCH with `maxBodySize` has larger body literals skipped unread (see `BodyLiteralLimit`).
    func send(_ command: Command, fetchQueue: BoundedQueue<FetchResponse>? = nil, maxBodySize: Int? = nil) async throws -> PendingCommand {
        try await acquireSendLock()
        defer { releaseSendLock() }
        if let failure { throw failure }
        guard let writer else { throw IMAPError.connectionLost(server: server, detail: "not connected") }
        tagCounter += 1
        let tag = "M\(tagCounter)"
        let entry = PendingCommand(tag: tag, name: command.name, kind: command.kind, fetchQueue: fetchQueue, maxBodySize: maxBodySize)
        entry.budget = Self.seconds(configuration.readTimeout + Double(command.literalBytes) / Double(configuration.minimumTransferRate))
        entry.startClock(literalBytes: shared.counter.literalBytes)
        pending.append(entry)
        updateBodyLimit()
        lastActivity = .now()
        logger.trace("sending command", metadata: ["server": "\(server)", "connection": "\(connection)", "tag": "\(tag)", "command": "\(command.name)"])
        var buffer = channel.allocator.buffer(capacity: 256)
        buffer.writeString(tag)
        buffer.writeString(" ")
        let nonSyncAllowed = capabilities.contains("LITERAL+")
        let smallNonSyncAllowed = capabilities.contains("LITERAL-")
        do {
            for part in command.parts {
                switch part {
                case .text(let bytes):
                    buffer.writeBytes(bytes)
                case .literal(let bytes, let binary):
                    let nonSync = nonSyncAllowed || (smallNonSyncAllowed && bytes.count <= 4096)
                    buffer.writeString("\(binary ? "~" : ""){\(bytes.count)\(nonSync ? "+" : "")}\r\n")
                    if !nonSync {
                        try await write(buffer, to: writer)
                        buffer.clear()
                        do {
                            _ = try await waitForContinuation(for: entry)
                        } catch is CommandCompletedEarly {
                            // The server refused the literal; `wait` reports its NO or BAD.
                            return entry
                        }
                    }
                    if bytes.count > Self.literalSlice {
                        // A large message goes out in slices, so neither this buffer nor TLS's encrypted
                        // copy ever holds the whole of it; each write waits while the outbound window is full.
                        try await write(buffer, to: writer)
                        buffer.clear()
                        // A spooled message is read from its file one slice at a time.
                        var offset = 0
                        while offset < bytes.count {
                            let piece = try bytes.slice(from: offset, count: Self.literalSlice)
                            guard !piece.isEmpty else {
                                throw SpoolError.endedEarly(directory: bytes.spoolFile?.directory ?? "")
                            }
                            let end = offset + piece.count
                            var slice = channel.allocator.buffer(capacity: piece.count)
                            slice.writeBytes(piece)
                            try await write(slice, to: writer)
                            // Message bytes leaving are progress: the server is reading.
                            lastActivity = .now()
                            offset = end
                        }
                    } else {
                        buffer.writeBytes(try bytes.slice(from: 0, count: bytes.count))
                        // A MULTIAPPEND of many small messages goes out as it is built, not as one buffer
                        // of the whole chunk (and another of its ciphertext).
                        if buffer.readableBytes >= Self.literalSlice {
                            try await write(buffer, to: writer)
                            buffer = channel.allocator.buffer(capacity: 256)
                        }
                    }
                }
            }
            buffer.writeString("\r\n")
            try await write(buffer, to: writer)
            // A large literal can take long to send; the server's silence counts from here.
            lastActivity = .now()
        } catch let error as IMAPError {
            remove(entry)
            throw error
        } catch let error as SpoolError {
            // Part of a literal may be on the wire, and the server waits for the rest: the connection
            // cannot go on, and closing it is the only way to abandon the command.
            remove(entry)
            let reason = IMAPError.localStorage(server: server, detail: error.description)
            await fail(with: reason)
            channel.close(promise: nil)
            throw reason
        } catch {
            remove(entry)
            throw await causeOfWriteFailure(error)
        }
        return entry
    }

    /// Writes `buffer`, first waiting while more than the outbound window (1 MiB) is written but not
    /// yet sent, so a large literal never piles up in memory ahead of the socket.
    func write(_ buffer: ByteBuffer, to writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        await shared.outbound.waitForRoom()
        shared.outbound.handOver(buffer.readableBytes)
        try await writer.write(buffer)
    }

    /// A failed write usually means the connection is gone; the reader then reports why (e.g. a
    /// failed TLS handshake after STARTTLS), which says more than "I/O on closed channel".
    func causeOfWriteFailure(_ error: any Error) async -> IMAPError {
        for _ in 0..<20 where failure == nil {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return failure ?? .connectionLost(server: server, detail: "\(error)")
    }

    /// Sends raw bytes outside a command (AUTHENTICATE responses); the send lock must be held by the caller's command.
    func sendContinuationData(_ text: String) async throws {
        guard let writer else { throw IMAPError.connectionLost(server: server, detail: "not connected") }
        var buffer = channel.allocator.buffer(capacity: text.utf8.count + 2)
        buffer.writeString(text)
        buffer.writeString("\r\n")
        do {
            try await write(buffer, to: writer)
        } catch {
            throw await causeOfWriteFailure(error)
        }
    }

    /// The next continuation request for `entry`; throws `CommandCompletedEarly` if it completes instead.
    func waitForContinuation(for entry: PendingCommand) async throws -> String {
        if let failure { throw failure }
        if entry.outcome != nil { throw CommandCompletedEarly() }
        continuationOwner = entry
        defer { continuationOwner = nil }
        return try await withCheckedThrowingContinuation { continuationWaiter = $0 }
    }

    /// Waits for a sent command to complete; NO and BAD become errors.
    func wait(_ entry: PendingCommand) async throws -> CommandResult {
        let result: CommandResult
        if let outcome = entry.outcome {
            result = try outcome.get()
        } else {
            result = try await withCheckedThrowingContinuation { entry.waiter = $0 }
        }
        switch result.line.status {
        case .ok: return result
        case .no: throw IMAPError.no(server: server, command: entry.name, text: result.line.text, code: result.line.code)
        case .bad: throw IMAPError.bad(server: server, command: entry.name, text: result.line.text, code: result.line.code)
        default:
            throw IMAPError.protocolViolation(server: server, detail: "\(entry.name) completed with \(result.line.status.rawValue)")
        }
    }

    /// Sends a command and waits for it.
    func execute(_ command: Command) async throws -> CommandResult {
        try await wait(send(command))
    }

    func acquireSendLock() async throws {
        while sendLocked {
            await withCheckedContinuation { sendLockWaiters.append($0) }
        }
        sendLocked = true
    }

    func releaseSendLock() {
        sendLocked = false
        if !sendLockWaiters.isEmpty { sendLockWaiters.removeFirst().resume() }
    }

    func remove(_ entry: PendingCommand) {
        pending.removeAll { $0 === entry }
        updateBodyLimit()
    }

    /// The body limit the framer applies: the largest of the FETCHes in flight, none while any FETCH
    /// without a limit is (a body it needs must never be skipped).
    func updateBodyLimit() {
        let fetches = pending.filter { $0.fetchQueue != nil }
        let limits = fetches.compactMap(\.maxBodySize)
        shared.bodyLimit.current = fetches.isEmpty || limits.count < fetches.count ? nil : limits.max()
    }

    static func seconds(_ value: Double) -> TimeAmount {
        .nanoseconds(Int64(min(value, 1e9) * 1_000_000_000))
    }

    // MARK: Closing

    /// Closes the connection without LOGOUT.
    public func close() async {
        if failure == nil {
            await fail(with: .connectionLost(server: server, detail: "closed by the client"))
        }
        try? await channel.close()
    }
}
