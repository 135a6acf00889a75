import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends one encoded DNS message to a server over UDP or TCP and returns the matching reply's bytes.
struct DNSTransport: Sendable {
    var group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    /// How long to wait for each attempt.
    var timeout: Duration
    /// How many times a UDP query is sent before giving up.
    var attempts: Int

    /// Sends over UDP, resending after each timeout; returns the first reply that `isReply` accepts.
    func exchangeUDP(_ request: [UInt8], server: DNSServer, operation: String,
                     isReply: @escaping @Sendable ([UInt8]) -> Bool) async throws -> [UInt8] {
        let address = try resolve(server, operation: operation)
        let (events, continuation) = AsyncStream.makeStream(of: ExchangeEvent.self)
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DatagramEventHandler(events: continuation))
                    }
                }
                .connect(to: address).get()
        } catch {
            throw mapError(error, server: server, operation: operation)
        }
        defer {
            continuation.finish()
            channel.close(promise: nil)
        }
        var attempt = 1
        var timer = try await send(request, on: channel, framed: false, attempt: attempt, events: continuation,
                                   server: server, operation: operation)
        defer { timer?.cancel() }
        for await event in events {
            switch event {
            case .received(let bytes):
                if isReply(bytes) { return bytes }
            case .timedOut(let expired) where expired == attempt:
                guard attempt < attempts else {
                    throw DNSError(.timeout(attempts: attempts, seconds: seconds), server: server, operation: operation)
                }
                attempt += 1
                timer = try await send(request, on: channel, framed: false, attempt: attempt, events: continuation,
                                       server: server, operation: operation)
            case .timedOut:
                continue
            case .closed:
                throw DNSError(.connectionClosed, server: server, operation: operation)
            case .failed(let error):
                throw mapError(error, server: server, operation: operation)
            }
        }
        throw CancellationError()
    }

    /// Sends over one TCP connection and returns the first reply that `isReply` accepts.
    func exchangeTCP(_ request: [UInt8], server: DNSServer, operation: String,
                     isReply: @escaping @Sendable ([UInt8]) -> Bool) async throws -> [UInt8] {
        let address = try resolve(server, operation: operation)
        let (events, continuation) = AsyncStream.makeStream(of: ExchangeEvent.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeAmount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(StreamEventHandler(events: continuation))
                    }
                }
                .connect(to: address).get()
        } catch {
            throw mapError(error, server: server, operation: operation)
        }
        defer {
            continuation.finish()
            channel.close(promise: nil)
        }
        let timer = try await send(request, on: channel, framed: true, attempt: 1, events: continuation,
                                   server: server, operation: operation)
        defer { timer?.cancel() }
        for await event in events {
            switch event {
            case .received(let bytes):
                if isReply(bytes) { return bytes }
            case .timedOut:
                throw DNSError(.timeout(attempts: 1, seconds: seconds), server: server, operation: operation)
            case .closed:
                throw DNSError(.connectionClosed, server: server, operation: operation)
            case .failed(let error):
                throw mapError(error, server: server, operation: operation)
            }
        }
        throw CancellationError()
    }

    /// Writes the request and schedules this attempt's timeout event.
    private func send(_ request: [UInt8], on channel: any Channel, framed: Bool, attempt: Int,
                      events: AsyncStream<ExchangeEvent>.Continuation,
                      server: DNSServer, operation: String) async throws -> Scheduled<Void>? {
        var buffer = channel.allocator.buffer(capacity: request.count + 2)
        if framed { buffer.writeInteger(UInt16(clamping: request.count)) }
        buffer.writeBytes(request)
        do {
            try await channel.writeAndFlush(buffer)
        } catch {
            throw mapError(error, server: server, operation: operation)
        }
        return channel.eventLoop.scheduleTask(in: timeAmount) {
            events.yield(.timedOut(attempt: attempt))
        }
    }

    private var seconds: Double {
        let parts = timeout.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    private var timeAmount: TimeAmount {
        let parts = timeout.components
        return .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }

    private func resolve(_ server: DNSServer, operation: String) throws -> SocketAddress {
        do {
            if let address = try? SocketAddress(ipAddress: server.host, port: server.port) { return address }
            return try SocketAddress.makeAddressResolvingHost(server.host, port: server.port)
        } catch {
            throw DNSError(.network("cannot resolve \(server.host): \(error)"), server: server, operation: operation)
        }
    }

    private func mapError(_ error: any Error, server: DNSServer, operation: String) -> any Error {
        if error is DNSError || error is CancellationError { return error }
        if Self.isConnectionRefused(error) {
            return DNSError(.connectionRefused, server: server, operation: operation)
        }
        if let channelError = error as? ChannelError, channelError == .connectTimeout(timeAmount) {
            return DNSError(.timeout(attempts: 1, seconds: seconds), server: server, operation: operation)
        }
        if let channelError = error as? ChannelError, channelError == .eof || channelError == .ioOnClosedChannel {
            return DNSError(.connectionClosed, server: server, operation: operation)
        }
        return DNSError(.network(String(describing: error)), server: server, operation: operation)
    }

    private static func isConnectionRefused(_ error: any Error) -> Bool {
        if let ioError = error as? IOError { return ioError.errnoCode == ECONNREFUSED }
        if let connectionError = error as? NIOConnectionError {
            return connectionError.connectionErrors.contains { isConnectionRefused($0.error) }
        }
        return false
    }
}
