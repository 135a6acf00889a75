import Foundation
import NIOCore

/// Counts the bytes read from the server (after TLS), for throughput figures, flow-control checks and
/// the timeouts: when the last byte arrived, and how many bytes were literal data (message bytes).
final class ByteCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    // The handler and the framer run on the event loop; the client reads from elsewhere, so every access takes the lock.
    private let lock = NSLock()
    private var count = 0
    private var literalCount = 0
    private var lastRead = NIODeadline.now()

    /// Bytes read so far.
    var total: Int { lock.withLock { count } }

    /// Bytes of literals read so far (skipped ones included): the progress a command moving messages makes.
    var literalBytes: Int { lock.withLock { literalCount } }

    /// When the last byte arrived (the connection's start before any).
    var lastByte: NIODeadline { lock.withLock { lastRead } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytes
        let now = NIODeadline.now()
        lock.withLock {
            count += bytes
            lastRead = now
        }
        context.fireChannelRead(data)
    }

    /// Called by the framer for literal bytes as they arrive, before their response is complete.
    func countLiteral(_ bytes: Int) {
        lock.withLock { literalCount += bytes }
    }
}
