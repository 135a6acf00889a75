import Logging
import NIOCore
import NIOSSL

/// One IMAP connection: send commands (several may be in flight), read responses, track session state.
///
/// Create it with `connect(_:)`, log in, then use the command methods. Responses are read by a
/// background task; untagged data is credited to the oldest command still waiting, which is how
/// servers answer pipelined commands.
public actor IMAPClient {
    /// The configuration this client was created with.
    public nonisolated let configuration: IMAPConfiguration
    /// Capabilities (upper-cased) as last announced; refreshed after STARTTLS and login.
    public internal(set) var capabilities: Set<String> = []
    /// Extensions the server confirmed in ENABLED.
    public internal(set) var enabled: Set<String> = []
    /// The mailbox selected with SELECT or EXAMINE, with its current counters.
    public internal(set) var selected: SelectedMailbox?
    /// Whether the session is logged in.
    public internal(set) var isAuthenticated = false

    let logger: Logger
    let channel: Channel
    private var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var writerWaiters: [CheckedContinuation<Void, Never>] = []
    private var tagCounter = 0
    private var pending: [PendingCommand] = []
    private var greeting: CheckedContinuation<StatusResponseLine, any Error>?
    private var receivedGreeting: StatusResponseLine?
    private var continuationWaiter: CheckedContinuation<String, any Error>?
    private var continuationOwner: PendingCommand?
    private var sendLocked = false
    private var sendLockWaiters: [CheckedContinuation<Void, Never>] = []
    private var failure: IMAPError?
    private var lastActivity = NIODeadline.now()
    private var readerWaitsForConsumer = false
    private var byeText: String?

    /// Whether mailbox names travel as UTF-8 (UTF8=ACCEPT enabled) instead of modified UTF-7.
    public var utf8Enabled: Bool { enabled.contains("UTF8=ACCEPT") }

    init(configuration: IMAPConfiguration, channel: Channel, logger: Logger) {
        self.configuration = configuration
        self.channel = channel
        self.logger = logger
    }

    deinit {
        // A client dropped without LOGOUT must not keep its socket open.
        channel.close(promise: nil)
    }

    var server: String { configuration.label }

    /// Bytes read from the server so far (after TLS decryption).
    public var bytesReceived: Int {
        get async {
            (try? await channel.pipeline.handler(type: ByteCounter.self).get().total) ?? 0
        }
    }

    // MARK: Connecting

    /// Connects, reads the greeting and, for `starttls`, upgrades the connection; no login yet.
    public static func connect(
        _ configuration: IMAPConfiguration,
        logger: Logger = Logger(label: "mailmig.imap")
    ) async throws -> IMAPClient {
        do {
            return try await connectOnce(configuration, logger: logger)
        } catch IMAPError.tls(let server, nil, let reason) where configuration.trust != .doNotVerify {
            let subject = await TLSCertificateProbe.subject(of: configuration)
            throw IMAPError.tls(server: server, subject: subject, reason: reason)
        }
    }

    static func connectOnce(_ configuration: IMAPConfiguration, logger: Logger) async throws -> IMAPClient {
        let asyncChannel: ChannelSetup.AsyncChannel
        do {
            asyncChannel = try await ChannelSetup.connect(configuration)
        } catch let error as NIOSSLError {
            throw IMAPError.tls(server: configuration.label, subject: nil, reason: TLSFailure.reason(error))
        } catch {
            throw IMAPError.connectFailed(server: configuration.label, detail: "\(error)")
        }
        let client = IMAPClient(configuration: configuration, channel: asyncChannel.channel, logger: logger)
        await client.start(asyncChannel)
        try await client.awaitGreeting()
        if configuration.tls == .startTLS {
            try await client.startTLS()
        } else if await client.capabilities.isEmpty {
            // Literal and login choices depend on capabilities; not every greeting lists them.
            try await client.refreshCapabilities()
        }
        return client
    }

    /// Wraps an already connected channel (used by tests with an in-memory channel).
    static func attach(
        _ asyncChannel: ChannelSetup.AsyncChannel,
        configuration: IMAPConfiguration,
        logger: Logger = Logger(label: "mailmig.imap")
    ) async throws -> IMAPClient {
        let client = IMAPClient(configuration: configuration, channel: asyncChannel.channel, logger: logger)
        await client.start(asyncChannel)
        try await client.awaitGreeting()
        return client
    }

    private func start(_ asyncChannel: ChannelSetup.AsyncChannel) async {
        Task { [weak self] in
            do {
                try await asyncChannel.executeThenClose { inbound, outbound in
                    await self?.attach(writer: outbound)
                    for try await response in inbound {
                        guard let self else { return }
                        await self.receive(response)
                    }
                }
                await self?.connectionEnded(error: nil)
            } catch {
                await self?.connectionEnded(error: error)
            }
        }
        startWatchdog()
        while writer == nil, failure == nil {
            await withCheckedContinuation { writerWaiters.append($0) }
        }
    }

    private func attach(writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.writer = writer
        let waiters = writerWaiters
        writerWaiters.removeAll()
        waiters.forEach { $0.resume() }
    }

    private func awaitGreeting() async throws {
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

    private func startTLS() async throws {
        _ = try await execute(Command("STARTTLS"))
        let context: NIOSSLContext
        do {
            context = try ChannelSetup.makeTLSContext(configuration)
        } catch {
            throw IMAPError.tls(server: server, subject: nil, reason: "\(error)")
        }
        let host = configuration.host
        try await channel.eventLoop.submit { [channel] in
            let handler = try ChannelSetup.makeTLSHandler(context, host: host)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
        // Capabilities may change once the connection is protected (RFC 3501 §6.2.1).
        capabilities = []
        _ = try await refreshCapabilities()
    }

    // MARK: Sending

    /// Sends a command and returns a handle to await; several may be sent before awaiting any.
    func send(_ command: Command, fetchQueue: FetchQueue<FetchResponse>? = nil) async throws -> PendingCommand {
        try await acquireSendLock()
        defer { releaseSendLock() }
        if let failure { throw failure }
        guard let writer else { throw IMAPError.connectionLost(server: server, detail: "not connected") }
        tagCounter += 1
        let tag = "M\(tagCounter)"
        let entry = PendingCommand(tag: tag, name: command.name, kind: command.kind, fetchQueue: fetchQueue)
        pending.append(entry)
        lastActivity = .now()
        logger.trace("sending command", metadata: ["server": "\(server)", "tag": "\(tag)", "command": "\(command.name)"])
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
                        try await writer.write(buffer)
                        buffer.clear()
                        do {
                            _ = try await waitForContinuation(for: entry)
                        } catch is CommandCompletedEarly {
                            // The server refused the literal; `wait` reports its NO or BAD.
                            return entry
                        }
                    }
                    buffer.writeBytes(bytes)
                }
            }
            buffer.writeString("\r\n")
            try await writer.write(buffer)
            // A large literal can take long to send; the server's silence counts from here.
            lastActivity = .now()
        } catch let error as IMAPError {
            remove(entry)
            throw error
        } catch {
            remove(entry)
            throw await causeOfWriteFailure(error)
        }
        return entry
    }

    /// A failed write usually means the connection is gone; the reader then reports why (e.g. a
    /// failed TLS handshake after STARTTLS), which says more than "I/O on closed channel".
    private func causeOfWriteFailure(_ error: any Error) async -> IMAPError {
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
            try await writer.write(buffer)
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

    private func acquireSendLock() async throws {
        while sendLocked {
            await withCheckedContinuation { sendLockWaiters.append($0) }
        }
        sendLocked = true
    }

    private func releaseSendLock() {
        sendLocked = false
        if !sendLockWaiters.isEmpty { sendLockWaiters.removeFirst().resume() }
    }

    private func remove(_ entry: PendingCommand) {
        pending.removeAll { $0 === entry }
    }

    // MARK: Receiving

    private func receive(_ response: IMAPResponse) async {
        lastActivity = .now()
        switch response {
        case .continuation(let text):
            if let waiter = continuationWaiter {
                continuationWaiter = nil
                waiter.resume(returning: text)
            } else {
                logger.debug("unexpected continuation request", metadata: ["server": "\(server)"])
            }
        case .tagged(let tag, let line):
            if case .capability(let caps)? = line.code { setCapabilities(caps) }
            guard let index = pending.firstIndex(where: { $0.tag == tag }) else {
                logger.debug("response for unknown tag", metadata: ["server": "\(server)", "tag": "\(tag)"])
                return
            }
            let entry = pending.remove(at: index)
            if let queue = entry.fetchQueue {
                switch line.status {
                case .ok: await queue.finish()
                case .bad:
                    await queue.finish(throwing: IMAPError.bad(server: server, command: entry.name, text: line.text, code: line.code))
                default:
                    await queue.finish(throwing: IMAPError.no(server: server, command: entry.name, text: line.text, code: line.code))
                }
            }
            entry.complete(.success(CommandResult(line: line, untagged: entry.untagged)))
            if continuationOwner === entry, let waiter = continuationWaiter {
                continuationWaiter = nil
                waiter.resume(throwing: CommandCompletedEarly())
            }
        case .untagged(let data):
            await receiveUntagged(data)
        case .unparsable(let text, let reason):
            logger.warning("unparsable response", metadata: ["server": "\(server)", "reason": "\(reason)", "line": "\(text)"])
            if let head = pending.first, let queue = head.fetchQueue, text.uppercased().contains(" FETCH ") {
                await queue.finish(throwing: IMAPError.protocolViolation(server: server, detail: "\(reason) in \"\(text)\""))
            }
        }
    }

    private func receiveUntagged(_ data: UntaggedResponse) async {
        if receivedGreeting == nil, pending.isEmpty, case .condition(let line) = data {
            receivedGreeting = line
            greeting?.resume(returning: line)
            greeting = nil
            return
        }
        updateState(with: data)
        if case .esearch(let response) = data, let tag = response.tag,
           let owner = pending.first(where: { $0.tag == tag }) {
            owner.untagged.append(data)
            return
        }
        if case .fetch(let fetch) = data, let uid = fetch.uid,
           let owner = pending.first(where: { $0.fetchQueue != nil && $0.kind.covers(uid) }),
           let queue = owner.fetchQueue {
            // Servers may split one message's items over several FETCH responses; results are
            // assembled per UID (newer items win) and handed over once complete. Flag updates for a message already
            // delivered (from STORE or other sessions) never complete and are dropped at the end.
            var merged = fetch
            if let earlier = owner.partialFetches.removeValue(forKey: uid) { merged.merge(earlier) }
            guard owner.kind.accepts(.fetch(merged)) else {
                owner.partialFetches[uid] = merged
                return
            }
            readerWaitsForConsumer = true
            await queue.send(merged)
            readerWaitsForConsumer = false
            lastActivity = .now()
            return
        }
        guard let owner = pending.first(where: { $0.kind.accepts(data) }) else { return }
        owner.untagged.append(data)
    }

    private func updateState(with data: UntaggedResponse) {
        switch data {
        case .capability(let caps):
            setCapabilities(caps)
        case .enabled(let names):
            enabled.formUnion(names.map { $0.uppercased() })
        case .exists(let count):
            selected?.exists = count
        case .expunge:
            if let count = selected?.exists, count > 0 { selected?.exists = count - 1 }
        case .condition(let line):
            if line.status == .bye { byeText = line.text }
            switch line.code {
            case .uidNext(let value)?: selected?.uidNext = value
            case .highestModSeq(let value)?: selected?.highestModSeq = value
            case .capability(let caps)?: setCapabilities(caps)
            default: break
            }
        case .fetch(let fetch):
            if let modSeq = fetch.modSeq, let highest = selected?.highestModSeq, modSeq > highest {
                selected?.highestModSeq = modSeq
            }
        default:
            break
        }
    }

    func setCapabilities(_ caps: [String]) {
        capabilities = Set(caps.map { $0.uppercased() })
    }

    private func connectionEnded(error: (any Error)?) async {
        let reason: IMAPError
        if let error {
            reason = Self.classify(error, server: server)
        } else if let byeText {
            reason = .bye(server: server, text: byeText)
        } else {
            reason = .connectionLost(server: server, detail: "the server closed the connection")
        }
        await fail(with: reason)
    }

    private func fail(with reason: IMAPError) async {
        if failure == nil { failure = reason }
        let waiting = pending
        pending.removeAll()
        for entry in waiting {
            await entry.fetchQueue?.finish(throwing: reason)
            entry.complete(.failure(reason))
        }
        greeting?.resume(throwing: reason)
        greeting = nil
        continuationWaiter?.resume(throwing: reason)
        continuationWaiter = nil
        let waiters = writerWaiters
        writerWaiters.removeAll()
        waiters.forEach { $0.resume() }
    }

    static func classify(_ error: any Error, server: String) -> IMAPError {
        if let imap = error as? IMAPError { return imap }
        if let ssl = error as? NIOSSLError { return .tls(server: server, subject: nil, reason: TLSFailure.reason(ssl)) }
        if let ssl = error as? NIOSSLExtraError { return .tls(server: server, subject: nil, reason: "\(ssl)") }
        if let ssl = error as? BoringSSLError { return .tls(server: server, subject: nil, reason: "\(ssl)") }
        if let framing = error as? IMAPFramingError { return .protocolViolation(server: server, detail: framing.description) }
        return .connectionLost(server: server, detail: "\(error)")
    }

    // MARK: Timeouts

    private func startWatchdog() {
        let interval = max(0.05, min(1.0, configuration.readTimeout / 4))
        Task { [weak self] in
            while true {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                guard let self, await self.checkTimeout() else { return }
            }
        }
    }

    /// Fails the connection when a command waits longer than the read timeout; false once closed.
    private func checkTimeout() async -> Bool {
        guard failure == nil else { return false }
        let waiting = !pending.isEmpty || greeting != nil
        guard waiting, !readerWaitsForConsumer else { return true }
        let limit = TimeAmount.nanoseconds(Int64(configuration.readTimeout * 1_000_000_000))
        guard NIODeadline.now() - lastActivity > limit else { return true }
        let operation = pending.first?.name ?? "the greeting"
        await fail(with: .timeout(server: server, operation: operation, seconds: configuration.readTimeout))
        channel.close(promise: nil)
        return false
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

/// A command completed while the client waited for a continuation request.
struct CommandCompletedEarly: Error {}

/// A command on the wire, waiting for its tagged completion.
final class PendingCommand {
    let tag: String
    let name: String
    let kind: CommandKind
    let fetchQueue: FetchQueue<FetchResponse>?
    var untagged: [UntaggedResponse] = []
    /// FETCH items received so far for messages not yet complete, by UID.
    var partialFetches: [UInt32: FetchResponse] = [:]
    var waiter: CheckedContinuation<CommandResult, any Error>?
    var outcome: Result<CommandResult, any Error>?

    init(tag: String, name: String, kind: CommandKind, fetchQueue: FetchQueue<FetchResponse>?) {
        self.tag = tag
        self.name = name
        self.kind = kind
        self.fetchQueue = fetchQueue
    }

    func complete(_ result: Result<CommandResult, any Error>) {
        if let waiter {
            self.waiter = nil
            waiter.resume(with: result)
        } else {
            outcome = result
        }
    }
}
