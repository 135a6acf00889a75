import NIOCore
import NIOPosix
import MailMigTLS

/// Opens TCP (and TLS) connections and installs the response framer.
enum ChannelSetup {
    typealias AsyncChannel = NIOAsyncChannel<FramedResponse, ByteBuffer>

    /// Adds the framer and wraps the channel for async use; must run on the channel's event loop.
    static func wrapSynchronously(
        _ channel: Channel, configuration: IMAPConfiguration, shared: InboundShared
    ) throws -> AsyncChannel {
        let framer = ResponseFramer(maximumLiteralSize: configuration.maximumLiteralSize,
                                    maximumResponseSize: configuration.maximumResponseSize,
                                    startTLSGuard: shared.startTLSGuard, bodyLimit: shared.bodyLimit, counter: shared.counter,
                                    spoolThreshold: configuration.spoolThreshold, spoolDirectory: configuration.spoolDirectory)
        try channel.pipeline.syncOperations.addHandler(shared.counter)
        try channel.pipeline.syncOperations.addHandler(shared.outbound)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(framer))
        let depth = max(1, configuration.fetchBufferDepth)
        return try AsyncChannel(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: depth))
        )
    }

    /// Connects over TCP, with TLS from the start when the mode is implicit.
    static func connect(_ configuration: IMAPConfiguration, shared: InboundShared) async throws -> AsyncChannel {
        try await TLSClient.connect(host: configuration.host, port: configuration.port, connectTimeout: configuration.connectTimeout,
                                    implicitTLS: configuration.tls == .implicit ? configuration.trust : nil) { channel in
            try wrapSynchronously(channel, configuration: configuration, shared: shared)
        }
    }
}
