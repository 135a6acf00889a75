import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import MailMigDNS

/// A scripted DNS server on 127.0.0.1 for transport tests: UDP and TCP on the same port.
///
/// `respond` gets the number of the request (from 1, counted per protocol) and its bytes, and
/// returns the messages to send back; an empty list means "stay silent", and over TCP an empty
/// message closes the connection.
final class FakeDNSServer: Sendable {
    typealias Responder = @Sendable (_ count: Int, _ request: [UInt8]) -> [[UInt8]]

    let port: Int
    private let udpChannel: any Channel
    private let tcpChannel: any Channel
    private let udpCount: NIOLockedValueBox<Int>
    private let tcpCount: NIOLockedValueBox<Int>

    init(udp: @escaping Responder, tcp: @escaping Responder = { _, _ in [] }) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let udpCount = NIOLockedValueBox(0)
        let tcpCount = NIOLockedValueBox(0)
        tcpChannel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StreamResponder(count: tcpCount, respond: tcp))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = tcpChannel.localAddress?.port ?? 0
        udpChannel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramResponder(count: udpCount, respond: udp))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        self.udpCount = udpCount
        self.tcpCount = tcpCount
    }

    var server: DNSServer { DNSServer(host: "127.0.0.1", port: port) }
    var udpRequests: Int { udpCount.withLockedValue { $0 } }
    var tcpRequests: Int { tcpCount.withLockedValue { $0 } }

    func stop() async {
        try? await udpChannel.close()
        try? await tcpChannel.close()
    }

    /// A response to `request` with the given answers and flags.
    static func reply(to request: [UInt8], rcode: ResponseCode = .noError, truncated: Bool = false,
                      answers: [ResourceRecord] = [], id: UInt16? = nil) -> [UInt8] {
        guard var message = try? DNSMessage.decode(request) else { return [] }
        message.isResponse = true
        message.isAuthoritative = true
        message.isTruncated = truncated
        message.rcode = rcode
        message.answers = answers
        message.edns = nil
        message.tsig = nil
        if let id { message.id = id }
        return message.encode()
    }
}

private final class DatagramResponder: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let count: NIOLockedValueBox<Int>
    let respond: FakeDNSServer.Responder

    init(count: NIOLockedValueBox<Int>, respond: @escaping FakeDNSServer.Responder) {
        self.count = count
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let number = count.withLockedValue { value in
            value += 1
            return value
        }
        for reply in respond(number, Array(buffer: envelope.data)) {
            let buffer = context.channel.allocator.buffer(bytes: reply)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
                                  promise: nil)
        }
    }
}

private final class StreamResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let count: NIOLockedValueBox<Int>
    let respond: FakeDNSServer.Responder
    private var pending: [UInt8] = []

    init(count: NIOLockedValueBox<Int>, respond: @escaping FakeDNSServer.Responder) {
        self.count = count
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += Array(buffer: unwrapInboundIn(data))
        while pending.count >= 2, pending.count >= 2 + (Int(pending[0]) << 8 | Int(pending[1])) {
            let length = Int(pending[0]) << 8 | Int(pending[1])
            let request = Array(pending[2..<2 + length])
            pending.removeFirst(2 + length)
            let number = count.withLockedValue { value in
                value += 1
                return value
            }
            for reply in respond(number, request) {
                if reply.isEmpty {
                    context.close(promise: nil)
                    return
                }
                var buffer = context.channel.allocator.buffer(capacity: reply.count + 2)
                buffer.writeInteger(UInt16(reply.count))
                buffer.writeBytes(reply)
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            }
        }
    }
}
