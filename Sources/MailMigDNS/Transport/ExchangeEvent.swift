import NIOCore

/// Something an exchange with a server waits for.
///
/// Replies, timers and channel errors all arrive on one stream so a single loop can handle
/// retries and timeouts without racing tasks against each other.
enum ExchangeEvent: Sendable {
    case received([UInt8])
    case timedOut(attempt: Int)
    case closed
    case failed(any Error)
}

/// Delivers UDP datagrams and channel events to an exchange's event stream.
final class DatagramEventHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let events: AsyncStream<ExchangeEvent>.Continuation

    init(events: AsyncStream<ExchangeEvent>.Continuation) {
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        events.yield(.received(Array(buffer: envelope.data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        events.yield(.failed(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        events.yield(.closed)
    }
}

/// Splits a TCP byte stream into DNS messages (each preceded by a two-byte length) for an exchange.
final class StreamEventHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let events: AsyncStream<ExchangeEvent>.Continuation
    private var pending: ByteBuffer?

    init(events: AsyncStream<ExchangeEvent>.Continuation) {
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if pending == nil {
            pending = incoming
        } else {
            pending?.writeBuffer(&incoming)
        }
        while var buffer = pending, let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length) {
            buffer.moveReaderIndex(forwardBy: 2)
            if let message = buffer.readBytes(length: Int(length)) {
                events.yield(.received(message))
            }
            pending = buffer.readableBytes > 0 ? buffer : nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        events.yield(.failed(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        events.yield(.closed)
    }
}
