import Foundation
import NIOCore

/// Bounds the bytes the client has handed to the connection that have not reached the socket yet.
///
/// The async writer's own backpressure only starts once the channel reports itself unwritable, which
/// happens on the event loop after the writes queued so far have run; a task writing a large literal
/// from a spool file outruns that and would queue the whole message in memory (as plaintext and as
/// TLS ciphertext). The client therefore counts what it writes (`handOver`) and waits (`waitForRoom`)
/// while more than `limit` bytes are outstanding; this handler, placed below the writer, counts each
/// write off when its promise completes, which with TLS is when its ciphertext went to the socket.
final class OutboundWindow: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    // Counted down on the event loop, up and waited on by the client's tasks: every access takes the lock.
    private let lock = NSLock()
    private var outstanding = 0
    private var closed = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Bytes that may be outstanding before a writer waits.
    let limit: Int

    /// A window of `limit` bytes (1 MiB by default).
    init(limit: Int = 1024 * 1024) { self.limit = limit }

    /// Bytes written and not yet sent.
    var pending: Int { lock.withLock { outstanding } }

    /// Counts `bytes` about to be written.
    func handOver(_ bytes: Int) {
        lock.withLock { outstanding += bytes }
    }

    /// Returns once at most `limit` bytes are outstanding, or the connection is closed.
    func waitForRoom() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let ready = lock.withLock { () -> Bool in
                if closed || outstanding <= limit { return true }
                waiters.append(waiter)
                return false
            }
            if ready { waiter.resume() }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data).readableBytes
        let done = promise ?? context.eventLoop.makePromise()
        done.futureResult.whenComplete { [self] _ in sent(bytes) }
        context.write(data, promise: done)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        release()
        context.close(mode: mode, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    /// Counts `bytes` off (sent, or failed with the connection) and lets writers on when there is room.
    private func sent(_ bytes: Int) {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            outstanding -= bytes
            guard outstanding <= limit else { return [] }
            defer { waiters.removeAll() }
            return waiters
        }
        ready.forEach { $0.resume() }
    }

    /// Lets every writer on for good: the connection is closing.
    func release() {
        let ready = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            closed = true
            defer { waiters.removeAll() }
            return waiters
        }
        ready.forEach { $0.resume() }
    }
}
