import Foundation
import NIOCore

/// Counts the bytes read from the server (after TLS), for throughput figures and flow-control checks.
final class ByteCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    // The handler runs on the event loop; readers elsewhere take the lock.
    private let lock = NSLock()
    private var count = 0

    var total: Int { lock.withLock { count } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytes
        lock.withLock { count += bytes }
        context.fireChannelRead(data)
    }
}
