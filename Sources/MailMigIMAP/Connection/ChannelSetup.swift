import NIOCore
import NIOPosix
import NIOSSL
import MailMigTLS

/// Opens TCP (and TLS) connections and installs the response framer.
enum ChannelSetup {
    typealias AsyncChannel = NIOAsyncChannel<IMAPResponse, ByteBuffer>

    /// The TLS context for a configuration; fails early on an unreadable CA file.
    static func makeTLSContext(_ configuration: IMAPConfiguration) throws -> NIOSSLContext {
        try TLSClient.makeContext(trust: configuration.trust)
    }

    static func makeTLSHandler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        try TLSClient.makeHandler(context, host: host)
    }

    /// Adds the framer and wraps the channel for async use; must run on the channel's event loop.
    static func wrapSynchronously(
        _ channel: Channel, configuration: IMAPConfiguration, startTLSGuard: StartTLSGuard? = nil
    ) throws -> AsyncChannel {
        let framer = ResponseFramer(maximumLiteralSize: configuration.maximumLiteralSize, startTLSGuard: startTLSGuard)
        try channel.pipeline.syncOperations.addHandler(ByteCounter())
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(framer))
        let depth = max(1, configuration.fetchBufferDepth)
        return try AsyncChannel(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: depth))
        )
    }

    /// Connects over TCP, with TLS from the start when the mode is implicit.
    static func connect(_ configuration: IMAPConfiguration, startTLSGuard: StartTLSGuard?) async throws -> AsyncChannel {
        try await TLSClient.connect(host: configuration.host, port: configuration.port, connectTimeout: configuration.connectTimeout,
                                    implicitTLS: configuration.tls == .implicit ? configuration.trust : nil) { channel in
            try wrapSynchronously(channel, configuration: configuration, startTLSGuard: startTLSGuard)
        }
    }
}
