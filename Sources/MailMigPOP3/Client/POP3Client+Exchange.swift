import NIOCore
import NIOSSL
import MailMigTLS

/// One command and its answer, as the reader fills it in.
final class Exchange {
    /// A complete answer: the status line and, for a multi-line answer, its unstuffed data.
    struct Reply {
        var status: StatusLine
        var data: [UInt8] = []
    }

    let id: Int
    /// The command's name, never its arguments (they may be secrets).
    let name: String
    /// The most data bytes of a multi-line answer; nil for a single-line answer.
    let dataLimit: Int?
    var status: StatusLine?
    var reader: MultiLineReader?
    var deadline: CommandDeadline
    var outcome: Result<Reply, POP3Error>?
    var waiter: CheckedContinuation<Reply, any Error>?
    var watchdog: Task<Void, Never>?

    init(id: Int, name: String, dataLimit: Int?, deadline: CommandDeadline) {
        self.id = id
        self.name = name
        self.dataLimit = dataLimit
        self.deadline = deadline
    }
}

/// Sending a command, reading its answer, keeping to its deadline, failing on connection loss.
extension POP3Client {
    /// Sends `line` (nil: only read, for the greeting) and waits for the complete answer.
    ///
    /// With `dataLimit`, a `+OK` is followed by multi-line data of at most that many bytes.
    /// `-ERR` is returned, not thrown; the caller decides what it means.
    func exchange(_ line: String?, name: String, dataLimit: Int? = nil) async throws -> Exchange.Reply {
        while busy {
            await withCheckedContinuation { busyWaiters.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !busyWaiters.isEmpty { busyWaiters.removeFirst().resume() }
        }
        if let failure { throw failure }
        guard let writer else { throw POP3Error.connectionLost(server: server, command: name, detail: "not connected") }
        if let line, line.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            throw POP3Error.lineBreakInArgument(server: server, command: name)
        }
        exchangeCounter += 1
        let exchange = Exchange(id: exchangeCounter, name: name, dataLimit: dataLimit,
                                deadline: CommandDeadline(start: .now(), timeout: configuration.commandTimeout,
                                                          minimumTransferRate: configuration.minimumTransferRate))
        current = exchange
        defer { if current === exchange { current = nil } }
        startWatchdog(for: exchange)
        if let line {
            logger.trace("sending command", metadata: ["server": "\(server)", "command": "\(name)"])
            var buffer = channel.allocator.buffer(capacity: line.utf8.count + 2)
            buffer.writeString(line)
            buffer.writeString("\r\n")
            do {
                try await writer.write(buffer)
            } catch {
                // A write fails because the connection is gone. Why it went (a TLS handshake that refused
                // the server's certificate after STLS, say) is what the reader learns as the inbound side
                // ends, and says more than "I/O on closed channel": once the channel is closed, the
                // reader's end finishes this exchange with it (and the watchdog bounds the wait).
                if let failure { finish(exchange, .failure(failure)) } else { channel.close(promise: nil) }
            }
        }
        let pending = early
        early.removeAll()
        earlyBytes = 0
        for segment in pending where exchange.outcome == nil { receive(segment) }
        if let outcome = exchange.outcome { return try outcome.get() }
        return try await withCheckedThrowingContinuation { exchange.waiter = $0 }
    }

    /// Feeds one segment to the waiting command.
    func receive(_ segment: POP3Segment) {
        guard let exchange = current, exchange.outcome == nil else {
            // POP3 servers speak only when asked; a little is the greeting arriving early.
            earlyBytes += segment.bytes.readableBytes
            early.append(segment)
            if earlyBytes > configuration.maximumLineLength {
                fail(with: .protocolViolation(server: server, command: "nothing", detail: "the server sent data nobody asked for"))
            }
            return
        }
        exchange.deadline.progress(bytes: segment.bytes.readableBytes)
        let bytes = segment.bytes.readableBytesView
        if exchange.status == nil {
            guard segment.endsLine else {
                fail(with: .lineTooLong(server: server, command: exchange.name, limit: configuration.maximumLineLength))
                return
            }
            guard let status = StatusLine.parse(bytes) else {
                let shown = String(decoding: bytes.prefix(80), as: UTF8.self)
                fail(with: .protocolViolation(server: server, command: exchange.name, detail: "not a status line: \(shown)"))
                return
            }
            exchange.status = status
            if case .ok = status, let limit = exchange.dataLimit {
                exchange.reader = MultiLineReader(limit: limit)
            } else {
                finish(exchange, .success(Exchange.Reply(status: status)))
            }
            return
        }
        do {
            if try exchange.reader?.add(bytes, endsLine: segment.endsLine) == true, let status = exchange.status {
                finish(exchange, .success(Exchange.Reply(status: status, data: exchange.reader?.bytes ?? [])))
            }
        } catch {
            fail(with: .responseTooLarge(server: server, command: exchange.name, limit: exchange.dataLimit ?? 0))
        }
    }

    func finish(_ exchange: Exchange, _ outcome: Result<Exchange.Reply, POP3Error>) {
        guard exchange.outcome == nil else { return }
        exchange.outcome = outcome
        exchange.reader = nil
        exchange.watchdog?.cancel()
        exchange.watchdog = nil
        if let waiter = exchange.waiter {
            exchange.waiter = nil
            waiter.resume(with: outcome.mapError { $0 as any Error })
        }
    }

    /// Ends the session: the waiting command fails with `error`, later ones with it too, and the
    /// connection closes (the rest of a multi-line answer may still be on its way).
    func fail(with error: POP3Error) {
        if failure == nil { failure = error }
        if let current { finish(current, .failure(error)) }
        channel.close(promise: nil)
    }

    func connectionEnded(error: (any Error)?) {
        let command = current?.name ?? "nothing"
        let reason: POP3Error
        if let error, let tls = TLSFailure.reason(of: error) {
            reason = .tls(server: server, subject: nil, reason: tls)
        } else if let error {
            reason = .connectionLost(server: server, command: command, detail: TLSFailure.connectionDetail(of: error))
        } else {
            reason = .connectionLost(server: server, command: command, detail: "the server closed the connection")
        }
        fail(with: reason)
        let waiters = writerWaiters
        writerWaiters.removeAll()
        waiters.forEach { $0.resume() }
    }

    // MARK: Deadline

    /// Fails the exchange once its deadline passes; the deadline moves on as bytes arrive.
    func startWatchdog(for exchange: Exchange) {
        let id = exchange.id
        exchange.watchdog = Task { [weak self] in
            while !Task.isCancelled {
                guard let self, let remaining = await self.remainingTime(of: id) else { return }
                if remaining <= .zero {
                    await self.expire(id)
                    return
                }
                try? await Task.sleep(nanoseconds: UInt64(remaining.nanoseconds))
            }
        }
    }

    /// Time left for the exchange `id`; nil once it is over.
    func remainingTime(of id: Int) -> TimeAmount? {
        guard let current, current.id == id, current.outcome == nil else { return nil }
        return current.deadline.remaining(at: .now())
    }

    func expire(_ id: Int) {
        guard let current, current.id == id, current.outcome == nil else { return }
        fail(with: .timeout(server: server, command: current.name, seconds: configuration.commandTimeout))
    }

    /// The error for an answer that is not `+OK`.
    static func refusal(_ status: StatusLine, server: String, command: String) -> POP3Error {
        switch status {
        case .err(let code, let text): return .err(server: server, command: command, code: code, text: text)
        case .continuation: return .protocolViolation(server: server, command: command, detail: "a SASL continuation where none was expected")
        case .ok(let text): return .protocolViolation(server: server, command: command, detail: "unexpected +OK \(text)")
        }
    }

    /// Runs a command and returns the text of its `+OK`; `-ERR` and anything else throw.
    func command(_ line: String, name: String) async throws -> String {
        let reply = try await exchange(line, name: name)
        guard case .ok(let text) = reply.status else { throw Self.refusal(reply.status, server: server, command: name) }
        return text
    }

    /// Runs a command with a multi-line answer and returns its data; `-ERR` and anything else throw.
    func multiLineCommand(_ line: String, name: String, limit: Int) async throws -> [UInt8] {
        let reply = try await exchange(line, name: name, dataLimit: limit)
        guard case .ok = reply.status else { throw Self.refusal(reply.status, server: server, command: name) }
        return reply.data
    }
}
